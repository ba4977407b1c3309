package auth_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regen-registry/regen/internal/testtool"
	"github.com/regen-registry/regen/internal/tftest"
	"github.com/regen-registry/regen/serve"
	"github.com/regen-registry/regen/serve/auth"
)

// moduleRepo makes a git repository holding a small module, tagged v1.0.0.
func moduleRepo(t *testing.T) string {
	t.Helper()
	repo := filepath.Join(t.TempDir(), "terraform-null-demo")
	if err := os.MkdirAll(repo, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(repo, "main.tf"), []byte("variable \"greeting\" {\n  default = \"hello\"\n}\n\noutput \"greeting\" {\n  value = var.greeting\n}\n"), 0o644)
	for _, args := range [][]string{
		{"init", "-q", "-b", "main"},
		{"add", "."},
		{"-c", "user.name=t", "-c", "user.email=t@example.test", "commit", "-q", "-m", "module"},
		{"tag", "v1.0.0"},
	} {
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+repo)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return repo
}

// tree writes a minimal built registry tree serving one module.
func tree(t *testing.T, repo string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		".well-known/terraform.json":               `{"modules.v1":"/v1/modules/","providers.v1":"/v1/providers/"}`,
		"v1/modules/acme/demo/null/versions":       `{"modules":[{"versions":[{"version":"1.0.0"}]}]}`,
		"v1/modules/acme/demo/null/1.0.0/download": fmt.Sprintf(`{"location":"git::file://%s?ref=v1.0.0"}`, repo),
	}
	for p, body := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// lineWatcher collects a server's stdout and reports the listen address.
type lineWatcher struct {
	mu   sync.Mutex
	buf  strings.Builder
	addr chan string
	once sync.Once
}

func (w *lineWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for _, line := range strings.Split(w.buf.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, "listening on https://"); ok {
			w.once.Do(func() { w.addr <- rest })
		}
	}
	return len(p), nil
}

// seen records whether discovery requests carried credentials.
type seen struct {
	mu                 sync.Mutex
	discoveryWithToken int
	discovery          int
}

// TestTerraformInitWithToken proves private access with the real
// terraform CLI over TLS: with a credentials block init succeeds; without
// one, or with a wrong token, it fails on the 401.
func TestTerraformInitWithToken(t *testing.T) {
	if testing.Short() {
		t.Skip("runs terraform init")
	}
	terraform := testtool.Require(t, "terraform", "")
	testtool.Require(t, "git", "")
	work := t.TempDir()
	token := auth.NewToken()
	tokens := filepath.Join(work, "tokens")
	if err := auth.AppendToken(tokens, token, "ci"); err != nil {
		t.Fatal(err)
	}
	mw, err := auth.New(auth.Options{File: tokens})
	if err != nil {
		t.Fatal(err)
	}
	var s seen
	observe := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/.well-known/terraform.json" {
				s.mu.Lock()
				s.discovery++
				if r.Header.Get("Authorization") != "" {
					s.discoveryWithToken++
				}
				s.mu.Unlock()
			}
			next.ServeHTTP(w, r)
		})
	}
	ca := filepath.Join(work, "ca.pem")
	out := &lineWatcher{addr: make(chan string, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- serve.Run(ctx, serve.Options{
			Dir: tree(t, moduleRepo(t)), Addr: "127.0.0.1:0", SelfSigned: true, CAOut: ca,
			Wrap: func(h http.Handler) http.Handler { return observe(mw.Wrap(h)) }, Stdout: out,
		})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	var hostPort string
	select {
	case hostPort = <-out.addr:
	case err := <-done:
		t.Fatalf("serve stopped: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("server did not start")
	}

	run := func(cliConfig string) (string, string, error) {
		main := fmt.Sprintf("module \"demo\" {\n  source  = \"%s/acme/demo/null\"\n  version = \"1.0.0\"\n}\n", hostPort)
		return tftest.Init(t, terraform, main, cliConfig, "SSL_CERT_FILE="+ca, "GIT_CONFIG_NOSYSTEM=1")
	}
	creds := func(tok string) string { return fmt.Sprintf("credentials %q {\n  token = %q\n}\n", hostPort, tok) }
	hostBlock := fmt.Sprintf("host %q {\n  services = {\n    \"modules.v1\" = \"https://%s/v1/modules/\"\n  }\n}\n", hostPort, hostPort)

	// With the token, over discovery and over a host block.
	for name, cfg := range map[string]string{"token": creds(token), "token-host": creds(token) + hostBlock} {
		o, ws, err := run(cfg)
		if err != nil {
			t.Fatalf("%s: terraform init failed: %v\n%s", name, err, o)
		}
		got, err := os.ReadFile(filepath.Join(ws, ".terraform/modules/demo/main.tf"))
		if err != nil || !strings.Contains(string(got), `variable "greeting"`) {
			t.Errorf("%s: module not installed: %v", name, err)
		}
	}
	// Without a token, and with a wrong one: the 401 stops init.
	for name, cfg := range map[string]string{"none": "", "none-host": hostBlock, "wrong": creds(token + "x")} {
		o, _, err := run(cfg)
		if err == nil {
			t.Fatalf("%s: terraform init succeeded without a valid token:\n%s", name, o)
		}
		if !strings.Contains(o, "401 Unauthorized") {
			t.Errorf("%s: output lacks the 401:\n%s", name, o)
		}
		t.Logf("%s: terraform says:\n%s", name, o)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t.Logf("discovery requests: %d, with a token: %d", s.discovery, s.discoveryWithToken)
	// Terraform fetches discovery (the two runs without a host block that
	// got that far, plus the failing one) and sends its credentials with
	// it when it has some: discovery being public costs nothing.
	if s.discovery == 0 || s.discoveryWithToken == 0 {
		t.Errorf("discovery: %d requests, %d with a token", s.discovery, s.discoveryWithToken)
	}
}
