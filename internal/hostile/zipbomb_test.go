package hostile

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"
)

// The bomb is a valid zip: every entry reads back as its size of zeros
// (CRC checked by archive/zip), so an unbounded reader really does the
// work it claims.
func TestOverlappingZipReads(t *testing.T) {
	const size = 3<<20 + 5
	data, err := OverlappingZip(3, size)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > 16<<10 {
		t.Errorf("zip of %d bytes; want a small one", len(data))
	}
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(z.File) != 3 {
		t.Fatalf("%d entries", len(z.File))
	}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || len(b) != size || bytes.IndexFunc(b, func(r rune) bool { return r != 0 }) >= 0 {
			t.Errorf("%s: %d bytes, %v", f.Name, len(b), err)
		}
	}
}

// The lying zip declares less than it holds; archive/zip refuses to read
// past the declared size.
func TestLyingZip(t *testing.T) {
	data, err := LyingZip("x", 10, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := z.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(rc); err == nil {
		t.Error("read a lying entry without error")
	}
}
