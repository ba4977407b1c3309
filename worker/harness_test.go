package worker_test

import (
	"bufio"
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/regen-registry/regen/internal/syncbuf"
	"github.com/regen-registry/regen/internal/testtool"
	"github.com/regen-registry/regen/serve"
)

// workerDir returns the absolute path of this folder after checking that
// node, Miniflare and a runnable workerd binary are there; otherwise the
// real component is Missing (a skip on a developer's machine, a failure in
// CI: .ci/run installs them with .ci/install-worker-deps).
func workerDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	testtool.Require(t, "node", "")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "miniflare", "package.json")); err != nil {
		testtool.Missing(t, "worker/node_modules/miniflare is missing: run `npm ci` in worker/ (or .ci/install-worker-deps)")
	}
	out, err := exec.Command(filepath.Join(dir, "node_modules", ".bin", "workerd"), "--version").CombinedOutput()
	if err != nil {
		testtool.Missing(t, "the workerd binary from npm does not run here: %v: %s", err, bytes.TrimSpace(out))
	}
	return dir
}

// tlsFiles writes a server certificate for 127.0.0.1 and its key (PEM),
// and the CA that signed it, and returns their paths.
func tlsFiles(t *testing.T) (certFile, keyFile, caFile string) {
	t.Helper()
	ss, err := serve.NewSelfSigned(nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var chain bytes.Buffer
	for _, der := range ss.Certificate.Certificate {
		if err := pem.Encode(&chain, &pem.Block{Type: "CERTIFICATE", Bytes: der}); err != nil {
			t.Fatal(err)
		}
	}
	key, err := x509.MarshalPKCS8PrivateKey(ss.Certificate.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile, caFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), filepath.Join(dir, "ca.pem")
	for name, data := range map[string][]byte{
		certFile: chain.Bytes(),
		keyFile:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}),
		caFile:   ss.CAPEM,
	} {
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return certFile, keyFile, caFile
}

// runningWorker is local/serve-tree.mjs serving a tree in workerd.
type runningWorker struct {
	URL    string // https://127.0.0.1:PORT
	Host   string // 127.0.0.1:PORT
	stderr *syncbuf.Buffer
}

// startWorker runs the worker over the tree at tree with TLS and the given
// extra serve-tree.mjs flags, and stops it when the test ends.
func startWorker(t *testing.T, dir, tree, certFile, keyFile string, extra ...string) *runningWorker {
	t.Helper()
	args := append([]string{filepath.Join("local", "serve-tree.mjs"), "--tree", tree, "--cert", certFile, "--key", keyFile}, extra...)
	cmd := exec.Command("node", args...)
	cmd.Dir = dir
	// Its own process group, so workerd (Miniflare's child) goes with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	w := &runningWorker{stderr: &syncbuf.Buffer{}}
	cmd.Stderr = w.stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting node: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		stdin.Close() // serve-tree.mjs disposes of workerd and exits
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Errorf("the worker did not stop within 10s of its stdin closing; killing its process group %d", cmd.Process.Pid)
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
		if t.Failed() {
			t.Logf("worker stderr:\n%s", w.stderr.String())
		}
	})
	listening := regexp.MustCompile(`^listening on (https://(127\.0\.0\.1:\d+))$`)
	found := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(strings.TrimSpace(sc.Text())); m != nil {
				found <- m
			}
		}
		close(found)
	}()
	select {
	case m, ok := <-found:
		if !ok {
			t.Fatalf("the worker exited before listening:\n%s", w.stderr.String())
		}
		w.URL, w.Host = m[1], m[2]
	case <-time.After(45 * time.Second):
		t.Fatalf("the worker did not print its address within 45s; stderr:\n%s", w.stderr.String())
	}
	t.Logf("worker listening on %s after %s", w.URL, time.Since(start).Round(time.Millisecond))
	return w
}
