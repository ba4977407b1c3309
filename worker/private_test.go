package worker_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	genworker "github.com/regen-registry/regen/generator/worker"
	"github.com/regen-registry/regen/internal/tlstest"
	"github.com/regen-registry/regen/worker"
)

// emitWorker writes the worker as `regen build` emits it for access into
// a new output folder and returns the worker's folder.
func emitWorker(t *testing.T, access worker.Access) string {
	t.Helper()
	out := t.TempDir()
	if _, err := genworker.Write(out, access); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(out, filepath.FromSlash(genworker.Dir))
}

// smallTree writes a two-document tree.
func smallTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range map[string]string{
		".well-known/terraform.json":        `{"providers.v1":"/v1/providers/"}` + "\n",
		"v1/providers/acme/widget/versions": `{"versions":[]}` + "\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// tlsClient is an HTTP client trusting workerd's CA in caFile.
func tlsClient(t *testing.T, caFile string) *http.Client {
	t.Helper()
	c := tlstest.Client(tlstest.Pool(t, caFile))
	c.Timeout = 20 * time.Second
	return c
}

func status(t *testing.T, c *http.Client, url, token string) int {
	t.Helper()
	res, _ := tlstest.Get(t, c, url, token)
	return res.StatusCode
}

// Regression (issue 10, item 1): a worker meant to be private served
// everything publicly when its tokens secret was missing (or set under
// another name, as the docs said). Built private, it refuses instead.
func TestPrivateWorkerWithoutTokensRefuses(t *testing.T) {
	dir := workerDir(t)
	certFile, keyFile, caFile := tlsFiles(t)
	c := tlsClient(t, caFile)
	tree := smallTree(t)
	private := emitWorker(t, worker.Private)

	w := startWorker(t, dir, tree, certFile, keyFile, "--worker", private)
	for _, p := range []string{"/.well-known/terraform.json", "/v1/providers/acme/widget/versions"} {
		if got := status(t, c, w.URL+p, ""); got != http.StatusInternalServerError {
			t.Errorf("private worker without tokens: GET %s = %d, want 500", p, got)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(w.stderr.String(), "built for a private registry") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(w.stderr.String(), "secret "+worker.TokensBinding+" is not set") {
		t.Errorf("no log line naming the missing secret %s; worker stderr:\n%s", worker.TokensBinding, w.stderr.String())
	}

	// With the secret set, it is a private registry.
	w = startWorker(t, dir, tree, certFile, keyFile, "--worker", private, "--tokens", tokensFile(t))
	for _, tc := range []struct {
		path, token string
		want        int
	}{
		{"/.well-known/terraform.json", "", 200},
		{"/v1/providers/acme/widget/versions", "", 401},
		{"/v1/providers/acme/widget/versions", "wrong", 401},
		{"/v1/providers/acme/widget/versions", testToken, 200},
	} {
		if got := status(t, c, w.URL+tc.path, tc.token); got != tc.want {
			t.Errorf("private worker with tokens: GET %s (token %q) = %d, want %d", tc.path, tc.token, got, tc.want)
		}
	}

	// Built public, it serves without tokens.
	w = startWorker(t, dir, tree, certFile, keyFile, "--worker", emitWorker(t, worker.Public))
	if got := status(t, c, w.URL+"/v1/providers/acme/widget/versions", ""); got != 200 {
		t.Errorf("public worker: %d, want 200", got)
	}
}
