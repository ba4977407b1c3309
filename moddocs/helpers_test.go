package moddocs

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/golden")

// sharedDetector is built once per test binary: it costs ~0.6 s.
var sharedDetector = sync.OnceValues(NewLicenseDetector)

func testExtractor(t testing.TB) *Extractor {
	t.Helper()
	d, err := sharedDetector()
	if err != nil {
		t.Fatal(err)
	}
	return &Extractor{Licenses: d}
}

func extractDir(t testing.TB, dir string) *Doc {
	t.Helper()
	d, err := testExtractor(t).Extract(context.Background(), os.DirFS(dir))
	if err != nil {
		t.Fatalf("Extract(%s): %v", dir, err)
	}
	return d
}

// golden compares got with testdata/golden/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file (-want +got):\n%s", name, cmp.Diff(string(want), string(got)))
	}
}

func indentJSON(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
