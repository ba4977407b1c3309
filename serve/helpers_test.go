package serve

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/regen-registry/regen/internal/syncbuf"
)

// testServer is a Handler over a test tree behind a real TLS server whose
// certificate comes from NewSelfSigned.
type testServer struct {
	*httptest.Server
	dir    string
	src    *Dir
	roots  *x509.CertPool
	client *http.Client // trusts only the run's CA; does not follow redirects
	logs   *syncbuf.Buffer
}

func newTestServer(t *testing.T) *testServer {
	t.Helper()
	dir := newTree(t)
	src, err := NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncbuf.Buffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h, err := NewHandler(HandlerOptions{Source: src, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{dir: dir, src: src, logs: logs}
	ts.Server, ts.roots = startTLS(t, h)
	ts.client = &http.Client{
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ts.roots}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	t.Cleanup(ts.client.CloseIdleConnections)
	return ts
}

// startTLS serves h over TLS with a self-signed CA and returns the server
// and a pool holding only that CA.
func startTLS(t *testing.T, h http.Handler) (*httptest.Server, *x509.CertPool) {
	t.Helper()
	ss, err := NewSelfSigned(nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ss.Certificate}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(ss.CAPEM) {
		t.Fatal("CA PEM does not parse")
	}
	return srv, roots
}

// do sends a request and returns the response with its body read.
func (ts *testServer) do(t *testing.T, method, path string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := ts.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// raw sends target exactly as given in the request line, bypassing every
// client-side normalisation, and returns the response and body.
func (ts *testServer) raw(t *testing.T, method, target string) (*http.Response, string) {
	t.Helper()
	conn, err := tls.Dial("tcp", ts.Listener.Addr().String(), &tls.Config{RootCAs: ts.roots, ServerName: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, method+" "+target+" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: method})
	if err != nil {
		t.Fatalf("%s %q: %v", method, target, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func newTextLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
