package build

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/regen-registry/regen/generator"
	"github.com/regen-registry/regen/internal/fixtures"
)

const testData = "../testdata/data"

// sampleData is real OpenTofu registry data the repository carries.
var sampleData = fixtures.OpenTofuSample()

// copyTree copies a data folder into a fresh temporary folder.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if e.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// testOptions builds with a mirror host and a file:// GitHub URL.
func testOptions(data, out string) Options {
	return Options{
		Data: data, Out: out, Jobs: 4,
		Generator: generator.Options{BaseURL: "https://registry.example.test", GitHubURL: "file:///srv/git"},
	}
}

func mustBuild(t *testing.T, o Options) Summary {
	t.Helper()
	s, err := Run(context.Background(), o)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return s
}

// fileState is what a test remembers about one file of a tree.
type fileState struct {
	sum   string
	ino   uint64
	mtime time.Time
}

// snapshot records every file under root (slash paths), including .regen.
func snapshot(t *testing.T, root string) map[string]fileState {
	t.Helper()
	out := map[string]fileState{}
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if e.Name() == "worker" && filepath.Base(filepath.Dir(p)) == ".regen" {
				return fs.SkipDir // the edge worker's source (package generator/worker)
			}
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = fileState{sum: hex.EncodeToString(sum[:]), ino: fi.Sys().(*syscall.Stat_t).Ino, mtime: fi.ModTime()}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// contents drops what is not content (inode, mtime) and the side index,
// which caches stat data and so differs between identical builds.
func contents(s map[string]fileState) map[string]string {
	out := map[string]string{}
	for p, f := range s {
		if p != IndexPath {
			out[p] = f.sum
		}
	}
	return out
}

// siblings lists the entries next to out whose names start with out's.
func siblings(t *testing.T, out string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(out))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), filepath.Base(out)) {
			names = append(names, e.Name())
		}
	}
	return names
}
