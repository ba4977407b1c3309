package moddocs

import (
	"context"
	"os"
	"testing"

	"github.com/regen-registry/regen/regdata"
)

// Run with: go test ./moddocs -run '^$' -bench . -benchmem

func BenchmarkNewLicenseDetector(b *testing.B) {
	for b.Loop() {
		if _, err := NewLicenseDetector(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkClassifyApache(b *testing.B) {
	det, err := sharedDetector()
	if err != nil {
		b.Fatal(err)
	}
	text := []byte(readFile(b, "testdata/licenses/apache-2.0.txt"))
	for b.Loop() {
		det.Classify("LICENSE", text)
	}
}

// BenchmarkExtractFull extracts the "full" fixture (root, 3 submodules, 2
// examples, MIT licence) from disk.
func BenchmarkExtractFull(b *testing.B) {
	x := testExtractor(b)
	fsys := os.DirFS("testdata/src/full")
	for b.Loop() {
		if _, err := x.Extract(context.Background(), fsys); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStorePut(b *testing.B) {
	d := extractDir(b, "testdata/src/full")
	s := NewStore(b.TempDir(), nil)
	addr := regdata.ModuleAddr{Namespace: "acme", Name: "full", System: "aws"}
	for b.Loop() {
		if _, err := s.Put(context.Background(), addr, "v1.0.0", "", d); err != nil {
			b.Fatal(err)
		}
	}
}
