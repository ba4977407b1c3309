package serve

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/regen-registry/regen/internal/syncbuf"
	"github.com/regen-registry/regen/internal/tlstest"
)

// running is a Run in progress.
type running struct {
	url    string   // from the "listening on" line
	caFile string   // from the "export SSL_CERT_FILE=" line, if any
	lines  []string // everything printed up to the "listening on" line
	cancel context.CancelFunc
	done   chan error
	logs   *syncbuf.Buffer
}

// startRun starts Run with o (Addr 127.0.0.1:0 unless set), reading what it
// prints until the "listening on" line.
func startRun(t *testing.T, o Options) *running {
	t.Helper()
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	pr, pw := io.Pipe()
	o.Stdout = pw
	r := &running{done: make(chan error, 1), logs: &syncbuf.Buffer{}}
	if o.Logger == nil {
		o.Logger = newTextLogger(r.logs)
	}
	ctx, cancel := context.WithCancel(t.Context())
	r.cancel = cancel
	go func() {
		err := Run(ctx, o)
		pw.Close()
		r.done <- err
	}()
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		line := sc.Text()
		r.lines = append(r.lines, line)
		if v, ok := strings.CutPrefix(line, "export SSL_CERT_FILE="); ok {
			r.caFile = v
		}
		if v, ok := strings.CutPrefix(line, "listening on "); ok {
			r.url = v
			break
		}
	}
	go io.Copy(io.Discard, pr) // nothing more is printed; keep the writer unblocked
	if r.url == "" {
		cancel()
		t.Fatalf("Run printed no listening line: %q, error %v", r.lines, <-r.done)
	}
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop cancels the Run and returns its error (once).
func (r *running) stop(t *testing.T) error {
	t.Helper()
	r.cancel()
	select {
	case err, ok := <-r.done:
		if ok {
			close(r.done)
			return err
		}
		return nil
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return after its context was cancelled")
		return nil
	}
}

// get fetches url through client and returns the response with its body.
func get(t *testing.T, client *http.Client, url string) (*http.Response, string) {
	t.Helper()
	resp, body := tlstest.Get(t, client, url, "")
	return resp, string(body)
}

func TestRunSelfSigned(t *testing.T) {
	dir := newTree(t)
	r := startRun(t, Options{Dir: dir, SelfSigned: true})
	if !strings.HasPrefix(r.url, "https://127.0.0.1:") || strings.HasSuffix(r.url, ":0") {
		t.Fatalf("listening on %q, want https://127.0.0.1:<bound port>", r.url)
	}
	hostPort := strings.TrimPrefix(r.url, "https://")
	out := strings.Join(r.lines, "\n")
	for _, want := range []string{
		fmt.Sprintf("host %q {", hostPort),
		fmt.Sprintf(`"modules.v1"   = "https://%s/v1/modules/"`, hostPort),
		fmt.Sprintf(`"providers.v1" = "https://%s/v1/providers/"`, hostPort),
		"hostname with a dot",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("printed settings lack %q:\n%s", want, out)
		}
	}
	if r.caFile == "" || !filepath.IsAbs(r.caFile) {
		t.Fatalf("no absolute CA file printed:\n%s", out)
	}
	// A client trusting only the printed CA verifies the server.
	client := tlstest.Client(tlstest.Pool(t, r.caFile))
	defer client.CloseIdleConnections()
	resp, body := get(t, client, r.url+"/.well-known/terraform.json")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" || body != treeFiles[".well-known/terraform.json"] {
		t.Errorf("discovery: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	resp, _ = get(t, client, r.url+"/v1/modules/acme/vpc/aws/1.2.3/download")
	if resp.Header.Get("X-Terraform-Get") == "" {
		t.Error("module download over Run lacks X-Terraform-Get")
	}
	// A client with the system roots only refuses the certificate.
	if _, err := http.Get(r.url + "/.well-known/terraform.json"); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("system-roots client: err %v, want a certificate error", err)
	}
	if err := r.stop(t); err != nil {
		t.Fatalf("Run after cancel: %v", err)
	}
	if _, err := os.Stat(r.caFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary CA file %s left behind: %v", r.caFile, err)
	}
}

func TestRunCAOut(t *testing.T) {
	caOut := filepath.Join(t.TempDir(), "ca.pem")
	r := startRun(t, Options{Dir: newTree(t), SelfSigned: true, CAOut: caOut})
	if r.caFile != caOut {
		t.Errorf("printed CA file %q, want %q", r.caFile, caOut)
	}
	client := tlstest.Client(tlstest.Pool(t, caOut))
	defer client.CloseIdleConnections()
	if resp, _ := get(t, client, r.url+"/v1/providers/hashicorp/random/versions"); resp.StatusCode != http.StatusOK {
		t.Errorf("status %d", resp.StatusCode)
	}
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(caOut); err != nil {
		t.Errorf("--ca-out file removed at shutdown: %v", err)
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(caOut), ".*tmp*")); len(m) != 0 {
		t.Errorf("temporary files left next to the CA: %v", m)
	}
}

func TestRunLocalhostName(t *testing.T) {
	r := startRun(t, Options{Dir: newTree(t), SelfSigned: true, Addr: "localhost:0"})
	if !strings.HasPrefix(r.url, "https://localhost:") {
		t.Fatalf("listening on %q, want the configured name", r.url)
	}
	client := tlstest.Client(tlstest.Pool(t, r.caFile))
	defer client.CloseIdleConnections()
	if resp, _ := get(t, client, r.url+"/.well-known/terraform.json"); resp.StatusCode != http.StatusOK {
		t.Errorf("status %d", resp.StatusCode)
	}
	if !strings.Contains(strings.Join(r.lines, "\n"), "127.0.0.1:"+r.url[len("https://localhost:"):]+"/NS/NAME/SYSTEM works") {
		t.Errorf("no usable module host suggested:\n%s", strings.Join(r.lines, "\n"))
	}
}

func TestRunTLSCertFiles(t *testing.T) {
	ss, err := NewSelfSigned(nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	keyDER, err := x509.MarshalPKCS8PrivateKey(ss.Certificate.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, certFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ss.Certificate.Certificate[0]})))
	writeFile(t, keyFile, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})))

	r := startRun(t, Options{Dir: newTree(t), TLSCert: certFile, TLSKey: keyFile})
	if r.caFile != "" || !strings.HasPrefix(r.url, "https://") {
		t.Errorf("with a certificate: CA %q, url %q", r.caFile, r.url)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ss.CA)
	client := tlstest.Client(roots)
	defer client.CloseIdleConnections()
	if resp, _ := get(t, client, r.url+"/v1/modules/acme/vpc/aws/versions"); resp.StatusCode != http.StatusOK {
		t.Errorf("status %d", resp.StatusCode)
	}

	_, err = runErr(t, Options{Dir: newTree(t), TLSCert: certFile, TLSKey: certFile})
	if err == nil || !strings.Contains(err.Error(), certFile) {
		t.Errorf("key file holding a certificate: %v, want an error naming the files", err)
	}
}

func TestRunPlainHTTP(t *testing.T) {
	r := startRun(t, Options{Dir: newTree(t)})
	if !strings.HasPrefix(r.url, "http://127.0.0.1:") {
		t.Fatalf("listening on %q", r.url)
	}
	out := strings.Join(r.lines, "\n")
	if !strings.Contains(out, "WARNING: plain HTTP") || !strings.Contains(out, `"modules.v1"   = "http://`) || r.caFile != "" {
		t.Errorf("plain HTTP settings:\n%s", out)
	}
	if !r.logs.Contains("level=WARN") {
		t.Errorf("no warning logged:\n%s", r.logs)
	}
	if resp, body := get(t, http.DefaultClient, r.url+"/v1/providers/hashicorp/random/versions"); resp.StatusCode != http.StatusOK || body != treeFiles["v1/providers/hashicorp/random/versions"] {
		t.Errorf("GET: %d %q", resp.StatusCode, body)
	}
}

// runErr runs Run with o and returns its error, cancelling it if it
// starts serving.
func runErr(t *testing.T, o Options) (string, error) {
	t.Helper()
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	var out syncbuf.Buffer
	o.Stdout = &out
	return out.String(), Run(ctx, o)
}

func TestRunOptionErrors(t *testing.T) {
	dir := newTree(t)
	tests := []struct {
		o    Options
		want string
	}{
		{Options{}, "no tree directory"},
		{Options{Dir: dir, TLSCert: "c.pem"}, "both a certificate and a key"},
		{Options{Dir: dir, TLSKey: "k.pem"}, "both a certificate and a key"},
		{Options{Dir: dir, SelfSigned: true, TLSCert: "c", TLSKey: "k"}, "exclusive"},
		{Options{Dir: dir, CAOut: "ca.pem"}, "needs a self-signed"},
		{Options{Dir: filepath.Join(dir, "missing")}, "missing"},
		{Options{Dir: dir, Addr: "no-port"}, "no-port"},
		{Options{Dir: dir, SelfSigned: true, CAOut: filepath.Join(dir, "no", "such", "dir", "ca.pem")}, "writing CA certificate"},
	}
	for _, tt := range tests {
		_, err := runErr(t, tt.o)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Run(%+v) = %v, want an error containing %q", tt.o, err, tt.want)
		}
	}
}

func TestRunAddressInUse(t *testing.T) {
	r := startRun(t, Options{Dir: newTree(t)})
	_, err := runErr(t, Options{Dir: newTree(t), Addr: strings.TrimPrefix(r.url, "http://")})
	if err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Errorf("second Run on the same port: %v", err)
	}
}

func TestRunWrap(t *testing.T) {
	var seen atomic.Int64
	wrap := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer t0ken" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			seen.Add(1)
			next.ServeHTTP(w, r)
		})
	}
	r := startRun(t, Options{Dir: newTree(t), Wrap: wrap})
	if resp, _ := get(t, http.DefaultClient, r.url+"/.well-known/terraform.json"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without token: status %d, want 401 from the wrapper", resp.StatusCode)
	}
	req, _ := http.NewRequest("GET", r.url+"/.well-known/terraform.json", nil)
	req.Header.Set("Authorization", "Bearer t0ken")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || seen.Load() != 1 {
		t.Errorf("with token: status %d, wrapper passed %d requests", resp.StatusCode, seen.Load())
	}
}

// blockingSource holds every Open until release is closed.
type blockingSource struct {
	entered chan struct{}
	release chan struct{}
}

func (b blockingSource) Open(ctx context.Context, name string) (*Document, error) {
	b.entered <- struct{}{}
	<-b.release
	return memSource{name: "slow answer"}.Open(ctx, name)
}

func TestRunGracefulShutdown(t *testing.T) {
	src := blockingSource{entered: make(chan struct{}, 1), release: make(chan struct{})}
	r := startRun(t, Options{Source: src})
	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get(r.url + "/v1/slow")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{string(b), err}
	}()
	<-src.entered
	r.cancel()
	select {
	case err := <-r.done:
		t.Fatalf("Run returned with a request in flight: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(src.release)
	res := <-got
	if res.err != nil || res.body != "slow answer" {
		t.Errorf("request in flight during shutdown: %q, %v", res.body, res.err)
	}
	if err := r.stop(t); err != nil {
		t.Errorf("Run: %v", err)
	}
	if _, err := http.Get(r.url + "/v1/slow"); err == nil {
		t.Error("server still accepts connections after shutdown")
	}
}

// TestSSLCertFileTrust checks what the printed export line promises: a Go
// program (Terraform and OpenTofu are Go programs) using the system trust
// store accepts the server when SSL_CERT_FILE names the CA file, and
// refuses it otherwise.
func TestSSLCertFileTrust(t *testing.T) {
	r := startRun(t, Options{Dir: newTree(t), SelfSigned: true})
	run := func(env ...string) string {
		cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestHelperSystemRootsClient$", "-test.v")
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "SSL_CERT_FILE=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, append(env, "REGEN_SERVE_HELPER_URL="+r.url+"/v1/modules/acme/vpc/aws/1.2.3/download")...)
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	if out := run("SSL_CERT_FILE=" + r.caFile); !strings.Contains(out, "HELPER status=200 x-terraform-get=git::https://git.example.test/") {
		t.Errorf("with SSL_CERT_FILE: helper said\n%s", out)
	}
	if out := run(); !strings.Contains(out, "HELPER error=") || !strings.Contains(out, "certificate") {
		t.Errorf("without SSL_CERT_FILE: helper said\n%s", out)
	}
}

// TestHelperSystemRootsClient is the client process of TestSSLCertFileTrust.
func TestHelperSystemRootsClient(t *testing.T) {
	url := os.Getenv("REGEN_SERVE_HELPER_URL")
	if url == "" {
		t.Skip("runs only as the helper process of TestSSLCertFileTrust")
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{}}} // system roots
	resp, err := client.Get(url)
	if err != nil {
		fmt.Printf("HELPER error=%v\n", err)
		return
	}
	resp.Body.Close()
	fmt.Printf("HELPER status=%d x-terraform-get=%s\n", resp.StatusCode, resp.Header.Get("X-Terraform-Get"))
}
