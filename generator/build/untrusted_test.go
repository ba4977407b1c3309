//go:build unix

package build

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestNotRegularDataFiles: a build reads only regular files inside the
// data folder. A key symlinked to /dev/zero or a FIFO key fails the build
// at once, naming the file (it used to read /dev/zero without end, or wait
// for a writer forever), leaving nothing behind; provider and module files
// that are links (inside or outside the folder) or pipes are left out like
// any file outside the layout, so nothing outside the folder is published.
func TestNotRegularDataFiles(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "gadget.json")
	secret := `{"versions":[{"version":"6.6.6","commit":"` + strings.Repeat("6", 40) + `"}]}`
	if err := os.WriteFile(outside, []byte(secret), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		make func(data string) error
		fail string // the error must name this file; "" when the build passes
	}{
		{"key symlink to /dev/zero", func(data string) error {
			return os.Symlink("/dev/zero", filepath.Join(data, "keys/e/example/zero.asc"))
		}, "keys/e/example/zero.asc"},
		{"FIFO key", func(data string) error {
			return syscall.Mkfifo(filepath.Join(data, "keys/e/example/widget/fifo.asc"), 0o644)
		}, "keys/e/example/widget/fifo.asc"},
		{"module symlinked outside", func(data string) error {
			if err := os.MkdirAll(filepath.Join(data, "modules/e/example/stolen"), 0o755); err != nil {
				return err
			}
			return os.Symlink(outside, filepath.Join(data, "modules/e/example/stolen/aws.json"))
		}, ""},
		{"module symlinked inside", func(data string) error {
			return os.Symlink("../net/aws.json", filepath.Join(data, "modules/e/example/custom/aws.json"))
		}, ""},
		{"FIFO provider", func(data string) error {
			return syscall.Mkfifo(filepath.Join(data, "providers/e/example/fifo.json"), 0o644)
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := copyTree(t, testData)
			if err := tc.make(data); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "out")
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			start := time.Now()
			_, err := Run(ctx, testOptions(data, out))
			if time.Since(start) > 10*time.Second {
				t.Fatalf("build took %v", time.Since(start))
			}
			if tc.fail != "" {
				if err == nil || !strings.Contains(err.Error(), tc.fail) || !strings.Contains(err.Error(), "not a regular file") {
					t.Fatalf("build error %v, want one naming %s as not a regular file", err, tc.fail)
				}
				if s := siblings(t, out); len(s) != 0 {
					t.Errorf("failed build left %v", s)
				}
				return
			}
			if err != nil {
				t.Fatalf("build: %v", err)
			}
			for _, p := range []string{"v1/modules/example/stolen", "v1/modules/example/custom/aws", "v1/providers/example/fifo"} {
				if _, err := os.Stat(filepath.Join(out, p)); err == nil {
					t.Errorf("%s was published", p)
				}
			}
			filepath.WalkDir(out, func(p string, e os.DirEntry, err error) error {
				if err == nil && !e.IsDir() && strings.Contains(string(mustRead(t, p)), "6.6.6") {
					t.Errorf("%s holds the file outside the data folder", p)
				}
				return nil
			})
		})
	}
}
