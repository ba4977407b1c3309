package modsource

import (
	"fmt"
	"io"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regen-registry/regen/internal/testtool"
)

// gitServer serves bare repositories under root over smart HTTP with the
// real git http-backend.
type gitServer struct {
	url  string // base URL; a repository is url + "/" + name
	root string
}

func gitEnv() []string {
	return append(os.Environ(),
		"GIT_AUTHOR_NAME=regen", "GIT_AUTHOR_EMAIL=regen@example.invalid",
		"GIT_COMMITTER_NAME=regen", "GIT_COMMITTER_EMAIL=regen@example.invalid",
		"GIT_AUTHOR_DATE=2024-01-02T03:04:05Z", "GIT_COMMITTER_DATE=2024-01-02T03:04:05Z",
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
}

func runGit(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = gitEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func newGitServer(t testing.TB) *gitServer {
	t.Helper()
	backend := testtool.GitHTTPBackend(t)
	root := t.TempDir()
	srv := httptest.NewServer(&cgi.Handler{
		Path:   backend,
		Stderr: io.Discard, // "not our ref" and the like, expected by the tests
		Env:    []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null"},
	})
	t.Cleanup(srv.Close)
	return &gitServer{url: srv.URL, root: root}
}

// repo makes a work tree from files (path → content; a content starting
// with "symlink:" makes a symbolic link, a path ending in "*" an
// executable), commits it, tags it and publishes it as a bare repository
// named name. It returns the clone URL, the bare folder and the commit.
func (g *gitServer) repo(t testing.TB, name, tag string, files map[string]string) (url, bare, commit string) {
	t.Helper()
	work := t.TempDir()
	writeTree(t, work, files)
	runGit(t, work, "init", "-q", "-b", "main")
	runGit(t, work, "add", "-A")
	runGit(t, work, "commit", "-q", "-m", "A")
	commit = runGit(t, work, "rev-parse", "HEAD")
	runGit(t, work, "tag", "-a", tag, "-m", "release "+tag)
	bare = filepath.Join(g.root, name)
	runGit(t, work, "clone", "-q", "--bare", work, bare)
	return g.url + "/" + name, bare, commit
}

func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		mode := os.FileMode(0o644)
		if strings.HasSuffix(p, "*") {
			p, mode = strings.TrimSuffix(p, "*"), 0o755
		}
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if target, ok := strings.CutPrefix(content, "symlink:"); ok {
			if err := os.Symlink(target, dst); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(dst, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
}

// bomb publishes a bare repository named name whose one commit holds n
// zero-filled files of size bytes each (each differs in its last byte), made
// with git fast-import so that nothing large is written but the pack. It
// returns the clone URL and the commit.
func (g *gitServer) bomb(t testing.TB, name string, n int, size int64) (url, commit string) {
	t.Helper()
	bare := filepath.Join(g.root, name)
	runGit(t, g.root, "init", "-q", "--bare", bare)
	// Fast, light compression for the generator; no delta search when
	// serving (GitHub serves packs it has already computed).
	runGit(t, bare, "config", "pack.window", "0")
	cmd := exec.Command("git", "-c", "pack.compression=1", "-c", "core.compression=1", "fast-import", "--quiet")
	cmd.Dir = bare
	cmd.Env = gitEnv()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	go func() {
		defer stdin.Close()
		for i := range n {
			fmt.Fprintf(stdin, "blob\nmark :%d\ndata %d\n", i+1, size)
			for left := size - 1; left > 0; left -= int64(len(zeros)) {
				stdin.Write(zeros[:min(left, int64(len(zeros)))])
			}
			fmt.Fprintf(stdin, "%c\n", byte('a'+i%26))
		}
		fmt.Fprintf(stdin, "commit refs/heads/main\ncommitter regen <regen@example.invalid> 1700000000 +0000\ndata 4\nbomb\n")
		for i := range n {
			fmt.Fprintf(stdin, "M 100644 :%d zero-%02d.bin\n", i+1, i)
		}
		fmt.Fprintf(stdin, "\n")
	}()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("git fast-import: %v\n%s", err, stderr.String())
	}
	commit = runGit(t, bare, "rev-parse", "main")
	runGit(t, bare, "tag", "v1.0.0", commit)
	runGit(t, bare, "config", "uploadpack.allowReachableSHA1InWant", "true")
	return g.url + "/" + name, commit
}
