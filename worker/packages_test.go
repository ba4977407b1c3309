package worker_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regen-registry/regen/internal/tlstest"
	"github.com/regen-registry/regen/worker"
)

// A private worker in archive mode: the download answer to a token holder
// hands out a signed package URL (header and body, not cached); the
// package is served with that signature and refused without it, as
// terraform sends no credentials when it fetches the package.
func TestPrivateWorkerSignsPackageURLs(t *testing.T) {
	dir := workerDir(t)
	certFile, keyFile, caFile := tlsFiles(t)
	c := tlsClient(t, caFile)
	tree := smallTree(t)
	pkgPath := "archives/acme/vpc/aws/" + strings.Repeat("ab", 32) + ".tar.gz"
	pkg := []byte("\x1f\x8b not really a package")
	for name, body := range map[string][]byte{
		"v1/modules/acme/vpc/aws/1.0.0/download": []byte(`{"location":"/` + pkgPath + `"}` + "\n"),
		pkgPath:                                  pkg,
	} {
		p := filepath.Join(tree, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w := startWorker(t, dir, tree, certFile, keyFile, "--worker", emitWorker(t, worker.Private), "--tokens", tokensFile(t))

	get := func(path, token string) (*http.Response, []byte) {
		t.Helper()
		return tlstest.Get(t, c, w.URL+path, token)
	}
	res, body := get("/v1/modules/acme/vpc/aws/1.0.0/download", testToken)
	loc := res.Header.Get("X-Terraform-Get")
	var d struct{ Location string }
	if err := json.Unmarshal(body, &d); res.StatusCode != 200 || err != nil || d.Location != loc ||
		!strings.HasPrefix(loc, "/"+pkgPath+"?regen_expires=") || !strings.Contains(loc, "&regen_signature=") {
		t.Fatalf("download answer %d: header %q, body %s (%v); want one signed package location", res.StatusCode, loc, body, err)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("signed download answer Cache-Control %q, want no-store", cc)
	}
	res, body = get(loc, "")
	if res.StatusCode != 200 || !bytes.Equal(body, pkg) {
		t.Fatalf("package with its signed URL: %d, %d bytes; want 200 and the package", res.StatusCode, len(body))
	}
	if cc := res.Header.Get("Cache-Control"); strings.Contains(cc, "public") {
		t.Errorf("package served to a signed URL with Cache-Control %q: shared caches could keep it", cc)
	}
	query := loc[strings.Index(loc, "?"):]
	for _, p := range []string{
		"/" + pkgPath,
		strings.Replace(loc, "regen_signature=", "regen_signature=0", 1),
		strings.Replace(loc, "regen_expires=", "regen_expires=9", 1),
		strings.Replace(loc, "/aws/", "/gcp/", 1),
		"/v1/modules/acme/vpc/aws/1.0.0/download" + query,
	} {
		if res, _ := get(p, ""); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET %s without a token: %d, want 401", p, res.StatusCode)
		}
	}
}
