package worker

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regen-registry/regen/serve"
	edge "github.com/regen-registry/regen/worker"
)

func TestFilesAreTheWorker(t *testing.T) {
	files, err := Files(edge.Public)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range files {
		if !strings.HasPrefix(f.Path, Dir+"/") {
			t.Errorf("%s is outside %s", f.Path, Dir)
		}
		got[strings.TrimPrefix(f.Path, Dir+"/")] = string(f.Data)
	}
	// The entry module, what it imports, and the example configuration.
	for _, name := range []string{"src/index.js", "src/handler.js", "src/tree.js", "src/query.js", "src/search.js", "src/auth.js", "wrangler.toml.example"} {
		if got[name] == "" {
			t.Errorf("%s missing or empty; have %d files", name, len(got))
		}
	}
	if !strings.Contains(got["src/index.js"], "export default") {
		t.Error("src/index.js is not an ES module worker")
	}
	if !strings.Contains(got["wrangler.toml.example"], `main = "src/index.js"`) {
		t.Error("wrangler.toml.example does not point at src/index.js")
	}
	for name := range got {
		if strings.Contains(name, "test") || strings.Contains(name, "node_modules") {
			t.Errorf("%s is not part of the deployable worker", name)
		}
	}
}

func TestWriteIsIdempotentAndRemovesStaleFiles(t *testing.T) {
	root := t.TempDir()
	n, err := Write(root, edge.Public)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := Files(edge.Public)
	if n != len(files) {
		t.Errorf("first Write wrote %d files, want %d", n, len(files))
	}
	stale := filepath.Join(root, ".regen/worker/src/old.js")
	if err := os.WriteFile(stale, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	main := filepath.Join(root, ".regen/worker/src/index.js")
	if err := os.WriteFile(main, []byte("changed"), 0o644); err != nil {
		t.Fatal(err)
	}
	if n, err = Write(root, edge.Public); err != nil || n != 1 {
		t.Errorf("second Write: %d files, %v; want 1 (the changed one)", n, err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale file kept: %v", err)
	}
	if data, _ := os.ReadFile(main); !strings.Contains(string(data), "export default") {
		t.Error("changed file not restored")
	}
	if n, err = Write(root, edge.Public); err != nil || n != 0 {
		t.Errorf("third Write: %d files, %v; want none", n, err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(root, ".regen/worker/src/.tmp-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

// The worker's files are never served by regen serve.
func TestWorkerIsNotServed(t *testing.T) {
	root := t.TempDir()
	if _, err := Write(root, edge.Public); err != nil {
		t.Fatal(err)
	}
	src, err := serve.NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	h, err := serve.NewHandler(serve.HandlerOptions{Source: src})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/.regen/worker/src/index.js", "/.regen/worker/wrangler.toml.example"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequestWithContext(context.Background(), http.MethodGet, p, nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, rec.Code)
		}
	}
}

func TestWritePrivateWorker(t *testing.T) {
	root := t.TempDir()
	if _, err := Write(root, edge.Private); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, Dir, filepath.FromSlash(edge.BuildModule)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `export const ACCESS = "private";`) {
		t.Errorf("%s of a private build:\n%s", edge.BuildModule, data)
	}
	// Built public again: the settings follow.
	if n, err := Write(root, edge.Public); err != nil || n != 1 {
		t.Errorf("rewriting as public: %d files, %v; want 1", n, err)
	}
}
