//go:build unix

package safefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// tree makes a folder with a regular file, links of every kind, a FIFO and
// a file outside it.
func tree(t *testing.T) string {
	t.Helper()
	outside := filepath.Join(t.TempDir(), "secret.json")
	must(t, os.WriteFile(outside, []byte(`{"secret":1}`), 0o644))
	root := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(root, "a", "b"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "a", "b", "ok.json"), []byte(`{}`), 0o644))
	must(t, os.Symlink("ok.json", filepath.Join(root, "a", "b", "inside.json")))
	must(t, os.Symlink(outside, filepath.Join(root, "a", "b", "outside.json")))
	must(t, os.Symlink("/dev/zero", filepath.Join(root, "a", "b", "zero.asc")))
	must(t, os.Symlink("b", filepath.Join(root, "a", "linkdir")))
	must(t, os.Symlink(filepath.Dir(outside), filepath.Join(root, "out")))
	must(t, syscall.Mkfifo(filepath.Join(root, "a", "b", "fifo.json"), 0o644))
	return root
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestReadFile(t *testing.T) {
	root := tree(t)
	data, fi, err := ReadFile(root, "a/b/ok.json", 1<<20)
	if err != nil || string(data) != "{}" || fi.Size() != 2 {
		t.Fatalf("ReadFile(ok.json) = %q, %v, %v", data, fi, err)
	}
	for _, tc := range []struct {
		rel  string
		want error
	}{
		{"a/b/inside.json", ErrNotRegular},
		{"a/b/outside.json", ErrNotRegular},
		{"a/b/zero.asc", ErrNotRegular},
		{"a/linkdir/ok.json", ErrNotRegular},
		{"out/secret.json", ErrNotRegular},
		{"a/b/fifo.json", ErrNotRegular},
		{"a/b", ErrIsDir},
		{"a/b/missing.json", fs.ErrNotExist},
		{"a/b/ok.json/x", fs.ErrNotExist},
	} {
		t.Run(tc.rel, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { _, _, err := ReadFile(root, tc.rel, 1<<20); done <- err }()
			select {
			case err := <-done:
				if !errors.Is(err, tc.want) {
					t.Fatalf("ReadFile(%s) = %v, want %v", tc.rel, err, tc.want)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("ReadFile(%s) hangs", tc.rel)
			}
		})
	}
	for _, rel := range []string{"../x", "/etc/passwd", "a/../a/b/ok.json", ".", ""} {
		if _, _, err := ReadFile(root, rel, 1<<20); err == nil {
			t.Errorf("ReadFile(%q) succeeded", rel)
		}
	}
}

func TestReadFileCap(t *testing.T) {
	root := t.TempDir()
	must(t, os.WriteFile(filepath.Join(root, "big"), []byte(strings.Repeat("x", 100)), 0o644))
	if _, _, err := ReadFile(root, "big", 99); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("100 bytes with a cap of 99: %v", err)
	}
	if data, _, err := ReadFile(root, "big", 100); err != nil || len(data) != 100 {
		t.Fatalf("100 bytes with a cap of 100: %d bytes, %v", len(data), err)
	}
}

// TestReadAllGrowing: a reader longer than its stat said (a file growing
// while read, a device) is still cut at the cap.
func TestReadAllGrowing(t *testing.T) {
	f, err := os.Open("/dev/zero")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	if _, err := ReadAll(f, 0, 1<<16); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("ReadAll(/dev/zero) = %v, want ErrTooLarge", err)
	}
}
