package moddocs

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/regen-registry/regen/internal/testtool"
)

// gitServer is a real git repository served over smart HTTP by
// git-http-backend, with commits A (the "full" fixture) and B (A plus a
// changed README, a symlink and an executable).
type gitServer struct {
	url  string // clone URL
	bare string // bare repository folder
	a, b string // commit hashes
}

func runGit(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GIT_AUTHOR_NAME=regen", "GIT_AUTHOR_EMAIL=regen@example.invalid",
		"GIT_COMMITTER_NAME=regen", "GIT_COMMITTER_EMAIL=regen@example.invalid",
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func newGitServer(t testing.TB) *gitServer {
	t.Helper()
	backend := testtool.GitHTTPBackend(t)

	tmp := t.TempDir()
	work := filepath.Join(tmp, "work")
	if err := os.CopyFS(work, os.DirFS("testdata/src/full")); err != nil {
		t.Fatal(err)
	}
	runGit(t, work, "init", "-q", "-b", "main")
	runGit(t, work, "add", "-A")
	runGit(t, work, "commit", "-q", "-m", "A")
	a := runGit(t, work, "rev-parse", "HEAD")
	runGit(t, work, "tag", "-a", "v1.0.0", "-m", "release 1.0.0")
	runGit(t, work, "tag", "v1.0.1") // lightweight

	write(t, filepath.Join(work, "README.md"), "# Full example module, version B\n")
	if err := os.Symlink("/etc/passwd", filepath.Join(work, "passwd-link.md")); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(work, "scripts", "run.sh"), "#!/bin/sh\necho never executed\n")
	if err := os.Chmod(filepath.Join(work, "scripts", "run.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	runGit(t, work, "add", "-A")
	runGit(t, work, "commit", "-q", "-m", "B")
	b := runGit(t, work, "rev-parse", "HEAD")
	runGit(t, work, "tag", "-a", "v1.1.0", "-m", "release 1.1.0")

	bare := filepath.Join(tmp, "srv", "acme", "terraform-aws-full.git")
	runGit(t, tmp, "clone", "-q", "--bare", work, bare)

	srv := httptest.NewServer(&cgi.Handler{
		Path:   backend,
		Stderr: io.Discard, // "not our ref" and the like, expected by the tests
		Env:    []string{"GIT_PROJECT_ROOT=" + filepath.Join(tmp, "srv"), "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null"},
	})
	t.Cleanup(srv.Close)
	return &gitServer{url: srv.URL + "/acme/terraform-aws-full.git", bare: bare, a: a, b: b}
}

func (g *gitServer) allowSHA(t testing.TB, allow bool) {
	v := "false"
	if allow {
		v = "true"
	}
	runGit(t, g.bare, "config", "uploadpack.allowReachableSHA1InWant", v)
}

func TestFetchOverHTTP(t *testing.T) {
	g := newGitServer(t)
	ctx := context.Background()

	cases := []struct {
		name       string
		req        FetchRequest
		allowSHA   bool
		wantCommit string
		wantErr    string
		gone       bool
	}{
		{"annotated tag, commit checked", FetchRequest{Tag: "v1.0.0", Commit: g.a}, false, g.a, "", false},
		{"lightweight tag", FetchRequest{Tag: "v1.0.1"}, false, g.a, "", false},
		{"annotated tag, no commit known", FetchRequest{Tag: "v1.1.0"}, false, g.b, "", false},
		{"commit only", FetchRequest{Commit: g.b}, true, g.b, "", false},
		{"moved tag: the recorded commit wins", FetchRequest{Tag: "v1.1.0", Commit: g.a}, true, g.a, "", false},
		{"moved tag, server refuses commits", FetchRequest{Tag: "v1.1.0", Commit: g.a}, false, "", "tag v1.1.0 now points at " + g.b, true},
		{"deleted tag, commit fetched", FetchRequest{Tag: "v9.9.9", Commit: g.b}, true, g.b, "", false},
		{"deleted tag, no commit", FetchRequest{Tag: "v9.9.9"}, false, "", "tag v9.9.9 not found", true},
		{"unknown commit", FetchRequest{Commit: strings.Repeat("ab", 20)}, true, "", "not our ref", true},
		{"short commit refused", FetchRequest{Commit: g.a[:12]}, true, "", "not a full lower-case hex hash", false},
		{"refspec injection refused", FetchRequest{Tag: "v1:refs/heads/x"}, true, "", "not a usable ref name", false},
		{"nothing asked", FetchRequest{}, true, "", "neither tag nor commit", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g.allowSHA(t, c.allowSHA)
			c.req.URL = g.url
			src, err := Fetch(ctx, c.req)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("Fetch = %v, want error containing %q", err, c.wantErr)
				}
				if errors.Is(err, ErrSourceGone) != c.gone {
					t.Errorf("errors.Is(err, ErrSourceGone) = %v, want %v", !c.gone, c.gone)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if src.Commit != c.wantCommit {
				t.Errorf("commit = %s, want %s", src.Commit, c.wantCommit)
			}
		})
	}
}

func TestFetchErrorsOutsideTheRepository(t *testing.T) {
	g := newGitServer(t)
	ctx := context.Background()
	_, err := Fetch(ctx, FetchRequest{URL: g.url + "-missing", Tag: "v1.0.0"})
	if !errors.Is(err, ErrSourceGone) {
		t.Errorf("missing repository: %v, want ErrSourceGone", err)
	}
	// A server that does not answer is worth a retry, not a record.
	_, err = Fetch(ctx, FetchRequest{URL: "http://127.0.0.1:1/x.git", Tag: "v1.0.0"})
	if err == nil || errors.Is(err, ErrSourceGone) {
		t.Errorf("unreachable server: %v, want a transient error", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Fetch(cctx, FetchRequest{URL: g.url, Tag: "v1.0.0"}); err == nil {
		t.Error("Fetch with a cancelled context succeeded")
	}
}

func TestExtractFromGitMatchesDirectory(t *testing.T) {
	g := newGitServer(t)
	ctx := context.Background()
	src, err := Fetch(ctx, FetchRequest{URL: g.url, Tag: "v1.0.0", Commit: g.a})
	if err != nil {
		t.Fatal(err)
	}
	fromGit, err := testExtractor(t).Extract(ctx, src.FS)
	if err != nil {
		t.Fatal(err)
	}
	fromDir := extractDir(t, "testdata/src/full")
	if diff := cmp.Diff(fromDir, fromGit); diff != "" {
		t.Errorf("docs from git differ from docs from the folder (-dir +git):\n%s", diff)
	}
}

func TestGitTreeFS(t *testing.T) {
	g := newGitServer(t)
	g.allowSHA(t, false)
	src, err := Fetch(context.Background(), FetchRequest{URL: g.url, Tag: "v1.1.0"})
	if err != nil {
		t.Fatal(err)
	}
	fsys := src.FS
	// fstest.TestFS checks the fs.FS contract (ReadDir order, Stat, Open
	// of directories, reads) over a whole tree; B's symlink cannot be
	// opened by design, so check A's tree and B's subtrees.
	srcA, err := Fetch(context.Background(), FetchRequest{URL: g.url, Tag: "v1.0.0"})
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(srcA.FS, "README.md", "main.tf", "LICENSE", "modules/network/main.tf", "modules/network/readme.md", "examples/basic/README.md", ".github/workflow.yml"); err != nil {
		t.Fatal(err)
	}
	scripts, _ := fs.Sub(fsys, "scripts")
	if err := fstest.TestFS(scripts, "run.sh"); err != nil {
		t.Fatal(err)
	}
	readme, err := fs.ReadFile(fsys, "README.md")
	if err != nil || string(readme) != "# Full example module, version B\n" {
		t.Errorf("README = %q, %v", readme, err)
	}
	st, err := fs.Stat(fsys, "passwd-link.md")
	if err != nil || st.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("symlink stat = %v, %v", st, err)
	}
	if _, err := fsys.Open("passwd-link.md"); err == nil {
		t.Error("a symlink could be opened")
	}
	if st, err := fs.Stat(fsys, "scripts/run.sh"); err != nil || st.Mode()&0o111 == 0 {
		t.Errorf("executable mode lost: %v %v", st, err)
	}
	for _, bad := range []string{"../x", "/etc/passwd", "modules/../main.tf", ""} {
		if _, err := fsys.Open(bad); err == nil {
			t.Errorf("Open(%q) succeeded", bad)
		}
	}
	d, err := testExtractor(t).Extract(context.Background(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(d.Root.Readme, "root:") || d.Root.Readme != "# Full example module, version B\n" {
		t.Errorf("root README = %q", d.Root.Readme)
	}
}
