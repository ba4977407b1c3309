package stats

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/regen-registry/regen/serve"
)

// recorderServer serves a real tree with serve.Handler behind the
// Recorder.
func recorderServer(t *testing.T, rec *Recorder) *httptest.Server {
	t.Helper()
	tree := t.TempDir()
	doc := filepath.Join(tree, "v1/modules/acme/vpc/aws/1.0.0/download")
	os.MkdirAll(filepath.Dir(doc), 0o755)
	os.WriteFile(doc, []byte(`{"location":"git::https://example.test/acme/vpc?ref=abc"}`), 0o644)
	latest := filepath.Join(tree, "v1/modules/acme/vpc/aws/download")
	os.WriteFile(latest, []byte(`{"version":"1.0.0"}`), 0o644)
	dir, err := serve.NewDir(tree)
	if err != nil {
		t.Fatal(err)
	}
	h, err := serve.NewHandler(serve.HandlerOptions{Source: dir})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(rec.Wrap(h))
	t.Cleanup(ts.Close)
	return ts
}

func TestRecorderCountsDownloads(t *testing.T) {
	store := NewStore(t.TempDir())
	now := time.Date(2026, 11, 5, 10, 0, 0, 0, time.UTC)
	rec := NewRecorder(store, RecorderOptions{Now: func() time.Time { return now }})
	ts := recorderServer(t, rec)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/v1/modules/acme/vpc/aws/1.0.0/download", 200},
		{"GET", "/v1/modules/Acme/VPC/aws/1.0.0/download", 200}, // case fallback: same counter
		{"HEAD", "/v1/modules/acme/vpc/aws/1.0.0/download", 200},
		{"GET", "/v1/modules/acme/vpc/aws/9.9.9/download", 404},
		{"GET", "/v1/modules/acme/vpc/aws/download", 302},
		{"POST", "/v1/modules/acme/vpc/aws/1.0.0/download", 405},
	} {
		req, _ := http.NewRequest(c.method, ts.URL+c.path, nil)
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, resp.StatusCode, c.status)
		}
	}
	if n := rec.Pending(); n != 2 {
		t.Fatalf("pending = %d, want 2", n)
	}
	if err := rec.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if rec.Pending() != 0 {
		t.Error("pending after flush")
	}
	c, err := store.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Summary("module/acme/vpc/aws", now); got.Week != 2 || got.Total != 2 {
		t.Errorf("summary after flush: %+v", got)
	}
}

// A flush that fails keeps its counts for the next one.
func TestRecorderKeepsCountsOnFailure(t *testing.T) {
	parent := t.TempDir()
	blocker := filepath.Join(parent, "stats")
	os.WriteFile(blocker, []byte("not a folder"), 0o644)
	rec := NewRecorder(NewStore(blocker), RecorderOptions{})
	ts := recorderServer(t, rec)
	resp, err := http.Get(ts.URL + "/v1/modules/acme/vpc/aws/1.0.0/download")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := rec.Flush(ctx); err == nil {
		t.Fatal("flush into a file succeeded")
	}
	if rec.Pending() != 1 {
		t.Fatalf("pending after failed flush = %d", rec.Pending())
	}
	os.Remove(blocker)
	if err := rec.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	c, _ := NewStore(blocker).Load(ctx)
	if got := c.Summary("module/acme/vpc/aws", time.Now()).Total; got != 1 {
		t.Errorf("total after retry = %d", got)
	}
}

func TestRecorderRunFlushes(t *testing.T) {
	store := NewStore(t.TempDir())
	rec := NewRecorder(store, RecorderOptions{FlushEvery: 10 * time.Millisecond})
	ts := recorderServer(t, rec)
	resp, err := http.Get(ts.URL + "/v1/modules/acme/vpc/aws/1.0.0/download")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	rctx, cancel := contextWithCancel()
	done := make(chan struct{})
	go func() { rec.Run(rctx); close(done) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := store.Load(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.Summary("module/acme/vpc/aws", time.Now()).Total == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("Run did not flush within 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func contextWithCancel() (context.Context, context.CancelFunc) { return context.WithCancel(ctx) }
