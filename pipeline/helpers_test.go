package pipeline

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/regen-registry/regen/internal/testtool"
	"github.com/regen-registry/regen/regdata/events"
)

// gitEnv isolates git from the machine's configuration.
var gitEnv = []string{"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=" + os.DevNull,
	"GIT_AUTHOR_NAME=op", "GIT_AUTHOR_EMAIL=op@example.test", "GIT_COMMITTER_NAME=op", "GIT_COMMITTER_EMAIL=op@example.test"}

func TestMain(m *testing.M) {
	for _, kv := range gitEnv {
		k, v, _ := strings.Cut(kv, "=")
		os.Setenv(k, v)
	}
	os.Exit(m.Run())
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	testtool.Require(t, "git", "")
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return strings.TrimSpace(out.String())
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// origin makes a bare repository holding a registry with a data folder
// (registry-data/) of one provider per shard letter given, and an event
// log of November; it returns the bare repository's path.
func origin(t *testing.T, namespaces ...string) string {
	t.Helper()
	root := t.TempDir()
	bare := filepath.Join(root, "origin.git")
	git(t, root, "init", "-q", "--bare", "-b", "main", bare)
	work := filepath.Join(root, "seed")
	git(t, root, "clone", "-q", bare, work)
	for _, ns := range namespaces {
		writeFile(t, filepath.Join(work, "registry-data/providers", ns[:1], ns, "thing.json"), `{"versions":[]}`+"\n")
	}
	l := events.New(filepath.Join(work, "registry-data"))
	if err := l.Append(context.Background(), events.Event{Type: events.ProviderCreated, Time: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), Namespace: namespaces[0], Name: "thing"}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(work, "README.md"), "registry\n")
	git(t, work, "add", "-A")
	git(t, work, "commit", "-q", "-m", "seed")
	git(t, work, "push", "-q", "origin", "HEAD:main")
	return bare
}

// clone clones the origin into a new folder and returns its data folder.
func clone(t *testing.T, bare string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "work")
	git(t, filepath.Dir(dir), "clone", "-q", bare, dir)
	return filepath.Join(dir, "registry-data")
}

// release records a new provider version as ingest does: the data file,
// then the event.
func release(t *testing.T, data, ns, version string, at time.Time) {
	t.Helper()
	p := filepath.Join(data, "providers", ns[:1], ns, "thing.json")
	writeFile(t, p, `{"versions":[{"version":"`+version+`"}]}`+"\n")
	if err := events.New(data).Append(context.Background(), events.Event{Type: events.ProviderVersionReleased, Time: at, Namespace: ns, Name: "thing", Version: version}); err != nil {
		t.Fatal(err)
	}
}
