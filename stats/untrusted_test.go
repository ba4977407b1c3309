//go:build unix

package stats

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLoadNotRegular: a month file that is a FIFO or a link to /dev/zero
// is refused at once (it used to wait for a writer forever, or read
// without end), naming the file.
func TestLoadNotRegular(t *testing.T) {
	for name, mk := range map[string]func(p string) error{
		"fifo":      func(p string) error { return syscall.Mkfifo(p, 0o644) },
		"/dev/zero": func(p string) error { return os.Symlink("/dev/zero", p) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, downloadsDir), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := mk(filepath.Join(dir, downloadsDir, "2026-01.ndjson")); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { _, err := NewStore(dir).Load(context.Background()); done <- err }()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), "2026-01.ndjson") || !strings.Contains(err.Error(), "not a regular file") {
					t.Errorf("Load = %v, want an error naming the file", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Load hangs")
			}
		})
	}
}
