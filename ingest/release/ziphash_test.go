package release

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/dirhash"

	"github.com/regen-registry/regen/internal/hostile"
)

func writeTemp(t testing.TB, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "p.zip")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// makeZip builds a zip of the named files (a name may repeat).
func makeZip(t testing.TB, files ...[2]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f[0], Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// HashZip computes dirhash's h1: for ordinary packages, a name listed
// twice included.
func TestHashZipMatchesDirhash(t *testing.T) {
	rnd := make([]byte, 3<<20)
	r := rand.NewChaCha8([32]byte{1})
	r.Read(rnd)
	for name, data := range map[string][]byte{
		"one":   makeZip(t, [2]string{"terraform-provider-x_v1.0.0", "#!/bin/sh\n"}),
		"three": makeZip(t, [2]string{"b", "bee"}, [2]string{"a/README.md", strings.Repeat("readme ", 1000)}, [2]string{"c", string(rnd)}),
		"dup":   makeZip(t, [2]string{"x", "first"}, [2]string{"x", "second"}),
		"empty": makeZip(t),
	} {
		p := writeTemp(t, data)
		want, err := dirhash.HashZip(p, dirhash.Hash1)
		if err != nil {
			t.Fatal(err)
		}
		got, err := HashZip(context.Background(), p, ZipLimits{})
		if err != nil || got != want {
			t.Errorf("%s: HashZip = %q, %v; want %q", name, got, err, want)
		}
	}
}

// Zip bombs are refused from the central directory, quickly, with the
// reason; today's dirhash.HashZip would read every claimed byte.
func TestHashZipRefusesBombs(t *testing.T) {
	big, err := hostile.OverlappingZip(20000, 256<<20) // ~5 TiB claimed
	if err != nil {
		t.Fatal(err)
	}
	few, err := hostile.OverlappingZip(3, 256<<20)
	if err != nil {
		t.Fatal(err)
	}
	small, err := hostile.OverlappingZip(400, 512<<10) // 200 MiB of small files, overlapping
	if err != nil {
		t.Fatal(err)
	}
	empties, err := hostile.OverlappingZip(5000, 0)
	if err != nil {
		t.Fatal(err)
	}
	lying, err := hostile.LyingZip("terraform-provider-liar", 1<<20, 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	honest := makeZip(t, [2]string{"terraform-provider-x", strings.Repeat("x", 2<<20)})
	for _, c := range []struct {
		name string
		data []byte
		lim  ZipLimits
		want string
	}{
		{"5 TiB in 20000 entries", big, ZipLimits{}, "declares 20000 files, more than 1000"},
		{"5 TiB, entry count allowed", big, ZipLimits{MaxEntries: 1 << 20, MaxDirectory: 16 << 20, MaxRatio: 1 << 20}, "over 4294967296 bytes uncompressed"},
		{"ratio", few, ZipLimits{}, "expands"},
		{"total", few, ZipLimits{MaxRatio: 1 << 20, MaxUncompressed: 512 << 20}, "over 536870912 bytes uncompressed"},
		{"overlapping small files", small, ZipLimits{}, "from a"},
		{"directory", empties, ZipLimits{MaxEntries: 1 << 20, MaxDirectory: 64 << 10}, "central directory is over 65536 bytes"},
		{"lying sizes", lying, ZipLimits{}, "zip: "},
		{"limit of an honest zip", honest, ZipLimits{MaxUncompressed: 1 << 20}, "more than 1048576"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := writeTemp(t, c.data)
			start := time.Now()
			_, err := HashZip(context.Background(), p, c.lim)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("HashZip: %v, want an error with %q", err, c.want)
			}
			if c.name != "lying sizes" && !errors.Is(err, ErrZipRefused) {
				t.Errorf("%v is not ErrZipRefused", err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("refusing took %v", d)
			}
		})
	}
}

// Hashing stops when the context is done.
func TestHashZipCancel(t *testing.T) {
	rnd := make([]byte, 4<<20)
	rand.NewChaCha8([32]byte{2}).Read(rnd)
	p := writeTemp(t, makeZip(t, [2]string{"f", string(rnd)}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := HashZip(ctx, p, ZipLimits{}); !errors.Is(err, context.Canceled) {
		t.Errorf("HashZip with a cancelled context: %v", err)
	}
}
