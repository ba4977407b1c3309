//go:build unix

package events

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestReadNotRegular: log files that are symlinks (to /dev/zero, or to a
// file outside the data folder) or FIFOs are reported as bad and never
// read; Read used to read /dev/zero without end and wait on a FIFO forever.
func TestReadNotRegular(t *testing.T) {
	root := t.TempDir()
	e := Event{Type: ModuleCreated, Time: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), Namespace: "a", Name: "b", Target: "aws"}
	if err := New(root).Append(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, Folder)
	outside := filepath.Join(t.TempDir(), "x.ndjson")
	if err := os.WriteFile(outside, []byte(`{"type":"module.created"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"2026-01.ndjson": "/dev/zero", "2026-02.ndjson": outside} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "2026-03.ndjson"), 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		evs, bad, err := Read(root)
		if err != nil || len(evs) != 1 || len(bad) != 3 {
			t.Errorf("Read = %d events, bad %v, %v; want the 1 event and 3 files not read", len(evs), bad, err)
		}
		for _, b := range bad {
			if !strings.Contains(b.Error(), "not a regular file") {
				t.Errorf("bad %q", b.Error())
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Read hangs")
	}
}
