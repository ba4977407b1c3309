package events

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestAppendRead(t *testing.T) {
	root := t.TempDir()
	l := New(root)
	t1 := time.Date(2026, 10, 31, 23, 59, 0, 0, time.UTC)
	t2 := time.Date(2026, 11, 1, 0, 0, 1, 5, time.UTC)
	want := []Event{
		{Type: ProviderCreated, Time: t1, Namespace: "acme", Name: "widgets", URL: "https://github.com/acme/terraform-provider-widgets"},
		{Type: ProviderVersionReleased, Time: t2, Namespace: "acme", Name: "widgets", Version: "1.0.0", URL: "https://x/SHA256SUMS"},
		{Type: ModuleVersionReleased, Time: t2, Namespace: "acme", Name: "vpc", Target: "aws", Version: "v1.0.0", Commit: "abc"},
	}
	if err := l.Append(context.Background(), want[0], want[1]); err != nil {
		t.Fatal(err)
	}
	if err := l.Append(context.Background(), want[2]); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"2026-10", "2026-11"} {
		if _, err := os.Stat(Path(root, m)); err != nil {
			t.Errorf("month file %s: %v", m, err)
		}
	}
	got, bad, err := Read(root)
	if err != nil || len(bad) != 0 {
		t.Fatalf("Read: %v %v", err, bad)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}
}

func TestAppendRejectsInvalid(t *testing.T) {
	root := t.TempDir()
	l := New(root)
	now := time.Now()
	cases := []Event{
		{Type: "module.exploded", Time: now, Namespace: "a", Name: "b", Target: "c"},
		{Type: ModuleCreated, Time: now, Namespace: "a", Name: "b"},
		{Type: ProviderVersionReleased, Time: now, Namespace: "a", Name: "b"},
		{Type: ProviderCreated, Namespace: "a", Name: "b"},
	}
	for _, e := range cases {
		ok := Event{Type: ProviderCreated, Time: now, Namespace: "x", Name: "y"}
		if err := l.Append(context.Background(), ok, e); err == nil {
			t.Errorf("Append(%+v) succeeded", e)
		}
	}
	if evs, _, _ := Read(root); len(evs) != 0 {
		t.Errorf("invalid batches wrote %d events", len(evs))
	}
}

// A line torn by a crash is reported, and the next append starts a new
// line so the events after it are intact.
func TestTornLine(t *testing.T) {
	root := t.TempDir()
	l := New(root)
	now := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	e := Event{Type: ModuleCreated, Time: now, Namespace: "a", Name: "b", Target: "aws"}
	if err := l.Append(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(Path(root, "2026-11"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"type":"module.version_rel`)
	f.Close()
	if err := l.Append(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	got, bad, err := Read(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(bad) != 1 || bad[0].Line != 2 {
		t.Fatalf("got %d events, bad %v; want 2 events and line 2 bad", len(got), bad)
	}
	if !strings.Contains(bad[0].Error(), "2026-11.ndjson:2") {
		t.Errorf("bad line error %q does not name file and line", bad[0].Error())
	}
}

func TestConcurrentAppend(t *testing.T) {
	root := t.TempDir()
	l := New(root)
	now := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := Event{Type: ProviderVersionReleased, Time: now, Namespace: "a", Name: "b", Version: strings.Repeat("9", i+1)}
			if err := l.Append(context.Background(), e); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, bad, err := Read(root)
	if err != nil || len(bad) != 0 || len(got) != 50 {
		t.Fatalf("got %d events, bad %v, err %v", len(got), bad, err)
	}
}

func TestReadMissing(t *testing.T) {
	evs, bad, err := Read(filepath.Join(t.TempDir(), "nope"))
	if err != nil || evs != nil || bad != nil {
		t.Errorf("Read(missing) = %v, %v, %v", evs, bad, err)
	}
}

func FuzzParseLine(f *testing.F) {
	f.Add([]byte(`{"type":"module.created","time":"2026-11-01T00:00:00Z","namespace":"a","name":"b","target":"aws"}`))
	f.Add([]byte(`{"type":"provider.version_released","time":"2026-11-01T00:00:00Z","namespace":"a","name":"b","version":"1.0.0"}`))
	f.Add([]byte(`{"type":"module.version_rel`))
	f.Fuzz(func(t *testing.T, line []byte) {
		e, err := ParseLine(line)
		if err != nil {
			return
		}
		out, err := e.MarshalLine()
		if err != nil {
			t.Fatalf("valid event does not encode: %v", err)
		}
		back, err := ParseLine(out)
		if err != nil {
			t.Fatalf("re-parsing %s: %v", out, err)
		}
		if !back.Time.Equal(e.Time) {
			t.Fatalf("time changed: %v → %v", e.Time, back.Time)
		}
		back.Time = e.Time
		if d := cmp.Diff(e, back); d != "" {
			t.Fatalf("round trip (-first +second):\n%s", d)
		}
	})
}
