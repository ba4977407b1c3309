package progress

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regen-registry/regen/internal/syncbuf"
)

// fakeClock advances only when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestLinesFinal(t *testing.T) {
	for _, tc := range []struct {
		name        string
		total, done int
		want        string
	}{
		{"complete", 100, 100, "ingest: 100/100 entries in 10s (10.0 entries/s)\n"},
		{"stopped early", 100, 50, "ingest: stopped at 50/100 entries after 10s (5.0 entries/s)\n"},
		{"unknown total", 0, 7, "ingest: 7 entries in 10s (0.7 entries/s)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf syncbuf.Buffer
			clk := &fakeClock{t: time.Unix(1e9, 0)}
			r := New(&buf, Options{Mode: Lines, Label: "ingest", Unit: "entries", Interval: time.Hour, Now: clk.Now})
			r.Start(tc.total)
			for range tc.done {
				r.Done()
			}
			clk.Advance(10 * time.Second)
			r.Finish()
			r.Finish() // idempotent
			if got := buf.String(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLinesPeriodicWithRateAndETA(t *testing.T) {
	var buf syncbuf.Buffer
	clk := &fakeClock{t: time.Unix(1e9, 0)}
	r := New(&buf, Options{Mode: Lines, Label: "upload", Unit: "objects", Interval: 5 * time.Millisecond, Now: clk.Now})
	r.Start(1000)
	r.Add(250)
	clk.Advance(25 * time.Second)
	want := "upload: 250/1000 objects (25%), 10.0 objects/s, ETA 1m15s\n"
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(buf.String(), want) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	r.Finish()
	got := buf.String()
	if !strings.Contains(got, want) {
		t.Errorf("no periodic line %q in %q", want, got)
	}
	if !strings.HasSuffix(got, "upload: stopped at 250/1000 objects after 25s (10.0 objects/s)\n") {
		t.Errorf("output does not end with the final line: %q", got)
	}
}

func TestJSON(t *testing.T) {
	var buf syncbuf.Buffer
	clk := &fakeClock{t: time.Unix(1e9, 0)}
	r := New(&buf, Options{Mode: JSON, Label: "build", Unit: "files", Interval: time.Hour, Now: clk.Now})
	r.Start(4)
	r.Add(4)
	clk.Advance(2 * time.Second)
	r.Finish()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("want one final JSON line, got %q", buf.String())
	}
	var s Snapshot
	if err := json.Unmarshal([]byte(lines[0]), &s); err != nil {
		t.Fatal(err)
	}
	want := Snapshot{Label: "build", Unit: "files", Done: 4, Total: 4, Elapsed: 2, Rate: 2, Final: true}
	if s != want {
		t.Errorf("got %+v, want %+v", s, want)
	}
}

func TestQuietPrintsNothing(t *testing.T) {
	var buf syncbuf.Buffer
	r := New(&buf, Options{Mode: Quiet, Label: "x", Interval: time.Millisecond})
	r.Start(3)
	r.Done()
	time.Sleep(10 * time.Millisecond)
	r.Finish()
	if buf.String() != "" {
		t.Errorf("quiet mode wrote %q", buf.String())
	}
}

func TestBarEndsWithFinalLine(t *testing.T) {
	var buf syncbuf.Buffer
	r := New(&buf, Options{Mode: Bar, Label: "ingest", Unit: "entries"})
	r.Start(3)
	for range 3 {
		r.Done()
	}
	r.Finish()
	got := buf.String()
	if !strings.Contains(got, "ingest") || !strings.Contains(got, "entries/s") {
		t.Errorf("bar output lacks label or rate: %q", got)
	}
	last := got[strings.LastIndexAny(strings.TrimSuffix(got, "\n"), "\r\n")+1:]
	if !strings.HasPrefix(last, "ingest: 3/3 entries in ") || !strings.HasSuffix(last, "\n") {
		t.Errorf("bar output does not end with the final line: %q", got)
	}
}

func TestConcurrentDone(t *testing.T) {
	var buf syncbuf.Buffer
	r := New(&buf, Options{Mode: Lines, Label: "x", Unit: "items", Interval: time.Millisecond})
	r.Start(8000)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				r.Done()
			}
		}()
	}
	wg.Wait()
	r.Finish()
	if !strings.Contains(buf.String(), "x: 8000/8000 items in") {
		t.Errorf("final line missing or wrong count: %q", buf.String())
	}
}

func TestPhases(t *testing.T) {
	var buf syncbuf.Buffer
	r := New(&buf, Options{Mode: Lines, Label: "upload", Unit: "objects", Interval: time.Hour})
	p := r.Phases()
	p.Start("leaf", 2, 2048)
	p.Add(2, 2048)
	p.Start("index", 1, 10) // finishes leaf first
	p.Add(1, 10)
	p.Finish()
	got := buf.String()
	if !strings.Contains(got, "upload leaf: 2/2 objects, 2.0 KiB in") || !strings.Contains(got, "upload index: 1/1 objects, 10 B in") {
		t.Errorf("phase lines missing: %q", got)
	}
	if strings.Count(got, "\n") != 2 {
		t.Errorf("want one final line per phase: %q", got)
	}
}

func TestFinishWithoutStart(t *testing.T) {
	var buf syncbuf.Buffer
	New(&buf, Options{Mode: Lines}).Finish()
	if buf.String() != "" {
		t.Errorf("Finish without Start wrote %q", buf.String())
	}
}

func TestModeFor(t *testing.T) {
	var b bytes.Buffer
	for _, tc := range []struct {
		quiet, json bool
		want        Mode
	}{{false, false, Lines}, {true, false, Quiet}, {false, true, JSON}, {true, true, Quiet}} {
		if got := ModeFor(&b, tc.quiet, tc.json); got != tc.want {
			t.Errorf("ModeFor(buffer, quiet=%v, json=%v) = %v, want %v", tc.quiet, tc.json, got, tc.want)
		}
	}
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := ModeFor(f, false, false); got != Lines {
		t.Errorf("ModeFor(/dev/null) = %v, want lines", got)
	}
}

func TestTable(t *testing.T) {
	tb := Table{Header: []string{"ENTRY", "LAST CHECK"}}
	tb.Append("provider/a/b", "")
	tb.Append("module/a/long-name/aws", "2026-01-02")
	var text, js bytes.Buffer
	if err := tb.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	want := "ENTRY                   LAST CHECK\nprovider/a/b            -\nmodule/a/long-name/aws  2026-01-02\n"
	if text.String() != want {
		t.Errorf("text:\n%s\nwant:\n%s", text.String(), want)
	}
	if err := tb.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]string
	if err := json.Unmarshal(js.Bytes(), &rows); err != nil || len(rows) != 2 || rows[1]["last_check"] != "2026-01-02" {
		t.Errorf("json %s: %v", js.String(), err)
	}
}
