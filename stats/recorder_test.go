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
		{"GET", "/v1/modules/Acme/VPC/aws/1.0.0/download", 200}, // case fallback: same download, same client
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
	if n := rec.Pending(); n != 1 {
		t.Fatalf("pending = %d, want 1", n)
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
	if got := c.Summary("module/acme/vpc/aws", now); got.Week != 1 || got.Total != 1 {
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

// Regression (issue 10, item 12): one client sending 300 GETs in a
// fraction of a second counted 300 downloads.
func TestRecorderCountsAClientOncePerVersionAndDay(t *testing.T) {
	store := NewStore(t.TempDir())
	now := time.Date(2026, 11, 5, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	rec := NewRecorder(store, RecorderOptions{Now: clock})
	ts := recorderServer(t, rec)
	get := func() {
		resp, err := http.Get(ts.URL + "/v1/modules/acme/vpc/aws/1.0.0/download")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	for range 300 {
		get()
	}
	if n := rec.Pending(); n != 1 {
		t.Fatalf("300 downloads by one client counted %d, want 1", n)
	}
	now = now.Add(24 * time.Hour) // the next day counts again
	get()
	get()
	if n := rec.Pending(); n != 2 {
		t.Fatalf("after a day: pending %d, want 2", n)
	}
}

func TestRecorderClientsAndBound(t *testing.T) {
	now := time.Date(2026, 11, 5, 10, 0, 0, 0, time.UTC)
	rec := NewRecorder(NewStore(t.TempDir()), RecorderOptions{
		Now:            func() time.Time { return now },
		Client:         func(r *http.Request) string { return r.Header.Get("X-Client") },
		MaxPairsPerDay: 3,
	})
	ts := recorderServer(t, rec)
	for _, client := range []string{"a", "b", "a", "c", "d", "e", "b"} {
		req, _ := http.NewRequest("GET", ts.URL+"/v1/modules/acme/vpc/aws/1.0.0/download", nil)
		req.Header.Set("X-Client", client)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if n := rec.Pending(); n != 3 {
		t.Errorf("pending %d, want 3 (a, b, c; d and e beyond the bound)", n)
	}
	if d := rec.dedup.Dropped(); d != 2 {
		t.Errorf("dropped %d, want 2", d)
	}
}

func TestClientOf(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7:5555":             "addr:192.0.2.7",
		"192.0.2.7":                  "addr:192.0.2.7",
		"[2001:db8:1:2:3:4:5:6]:443": "net:2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::1]:1":   "net:2001:db8:1:2::/64",
		"[::ffff:192.0.2.7]:80":      "addr:192.0.2.7",
		"not an address":             "addr:not an address",
		"2001:db8:1:2:3:4:5:6":       "net:2001:db8:1:2::/64",
	} {
		if got := ClientOf(in); got != want {
			t.Errorf("ClientOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDedupKeepsTwoDays(t *testing.T) {
	d := NewDedup(10)
	if !d.First("2026-11-05", "a", "/x") || d.First("2026-11-05", "a", "/X") {
		t.Error("same client and path counted twice on a day")
	}
	if !d.First("2026-11-06", "a", "/x") || d.First("2026-11-05", "a", "/x") {
		t.Error("yesterday forgotten too early, or today not new")
	}
	if !d.First("2026-11-07", "a", "/x") || len(d.days) != 2 {
		t.Errorf("days kept: %d, want 2", len(d.days))
	}
}
