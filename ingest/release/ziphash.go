package release

import (
	"archive/zip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/mod/sumdb/dirhash"

	"github.com/regen-registry/regen/internal/positive"
)

// Defaults of ZipLimits fields left zero.
const (
	// DefaultMaxEntries bounds the files in one package (real ones hold
	// the binary and a few text files).
	DefaultMaxEntries = 1000
	// DefaultMaxUncompressed bounds the sum of a package's file sizes
	// (the largest real provider binaries are under 1 GiB).
	DefaultMaxUncompressed = 4 << 30
	// DefaultMaxRatio bounds uncompressed size over compressed size, of
	// each file and of the whole package (real binaries compress 3–10×).
	DefaultMaxRatio = 100
	// DefaultMaxDirectory bounds the bytes of the zip's central directory
	// read before any file is opened (about 50 bytes and the name per
	// file).
	DefaultMaxDirectory = 1 << 20
)

// ratioFloor is the uncompressed size under which the ratio is not
// checked: small text files compress well and cost nothing.
const ratioFloor = 1 << 20

// ZipLimits bound the work of hashing one provider package, so that a
// zip bomb (a small download claiming terabytes, or entries sharing the
// same compressed data) is refused from its central directory, before any
// file is decompressed. Zero fields take the defaults.
type ZipLimits struct {
	// MaxEntries bounds the number of files (DefaultMaxEntries).
	MaxEntries int
	// MaxUncompressed bounds the sum of the files' uncompressed sizes
	// (DefaultMaxUncompressed).
	MaxUncompressed int64
	// MaxRatio bounds the compression ratio of each file over 1 MiB and of
	// the package as a whole (DefaultMaxRatio).
	MaxRatio int64
	// MaxDirectory bounds the bytes read to list the files
	// (DefaultMaxDirectory).
	MaxDirectory int64
}

func (l ZipLimits) withDefaults() ZipLimits {
	l.MaxEntries = positive.Or(l.MaxEntries, DefaultMaxEntries)
	l.MaxUncompressed = positive.Or(l.MaxUncompressed, DefaultMaxUncompressed)
	l.MaxRatio = positive.Or(l.MaxRatio, DefaultMaxRatio)
	l.MaxDirectory = positive.Or(l.MaxDirectory, DefaultMaxDirectory)
	return l
}

// ErrZipRefused is returned (wrapped, with the reason) for a package over
// the limits.
var ErrZipRefused = errors.New("package refused")

// HashZip returns the h1: hash of the zip file at name, as
// golang.org/x/mod/sumdb/dirhash.HashZip with dirhash.Hash1 does, within
// the limits: the central directory is read with a byte budget, its
// declared sizes are checked against the limits, and every file is read
// through a reader that stops at its declared size, at the total limit
// and when ctx is done.
func HashZip(ctx context.Context, name string, lim ZipLimits) (string, error) {
	lim = lim.withDefaults()
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	size := fi.Size()
	// The reader sizes its list of files by the count the end record
	// declares: check it first.
	if n, ok := declaredEntries(f, size); ok && n > uint64(lim.MaxEntries) {
		return "", fmt.Errorf("%w: it declares %d files, more than %d", ErrZipRefused, n, lim.MaxEntries)
	}
	// The reader reads the end record and the central directory now, and
	// keeps one small struct per file: a budget on those reads bounds
	// both the time and the memory of listing.
	budget := &budgetReaderAt{r: f, left: lim.MaxDirectory + 128<<10}
	z, err := zip.NewReader(budget, size)
	if errors.Is(err, errDirectoryBudget) {
		return "", fmt.Errorf("%w: its central directory is over %d bytes", ErrZipRefused, lim.MaxDirectory)
	}
	if err != nil {
		return "", fmt.Errorf("reading zip: %w", err)
	}
	budget.left = -1 // file contents are bounded below instead
	if err := checkZip(z.File, size, lim); err != nil {
		return "", err
	}
	// As dirhash.HashZip: every name is hashed, a name listed twice with
	// the content of its last entry.
	byName := make(map[string]*zip.File, len(z.File))
	names := make([]string, 0, len(z.File))
	for _, zf := range z.File {
		names = append(names, zf.Name)
		byName[zf.Name] = zf
	}
	left := lim.MaxUncompressed
	open := func(n string) (io.ReadCloser, error) {
		zf := byName[n]
		rc, err := zf.Open()
		if err != nil {
			return nil, fmt.Errorf("opening %s in zip: %w", n, err)
		}
		return &boundedReader{ctx: ctx, rc: rc, name: n, left: &left, limit: lim.MaxUncompressed}, nil
	}
	h, err := dirhash.Hash1(names, open)
	if err != nil {
		return "", err
	}
	return h, nil
}

// checkZip checks the declared sizes of the files against the limits.
func checkZip(files []*zip.File, size int64, lim ZipLimits) error {
	if len(files) > lim.MaxEntries {
		return fmt.Errorf("%w: it holds %d files, more than %d", ErrZipRefused, len(files), lim.MaxEntries)
	}
	var total uint64
	for _, zf := range files {
		u, c := zf.UncompressedSize64, zf.CompressedSize64
		if u > uint64(lim.MaxUncompressed) {
			return fmt.Errorf("%w: %s is %d bytes uncompressed, more than %d", ErrZipRefused, clip(zf.Name), u, lim.MaxUncompressed)
		}
		if u > ratioFloor && u/max(c, 1) > uint64(lim.MaxRatio) {
			return fmt.Errorf("%w: %s expands %d times (%d bytes from %d), more than %d", ErrZipRefused, clip(zf.Name), u/max(c, 1), u, c, lim.MaxRatio)
		}
		total += u
		if total > uint64(lim.MaxUncompressed) {
			return fmt.Errorf("%w: its files are over %d bytes uncompressed", ErrZipRefused, lim.MaxUncompressed)
		}
	}
	// Entries sharing compressed data pass one by one; the package as a
	// whole cannot expand more than a file may.
	if total > ratioFloor && total/uint64(max(size, 1)) > uint64(lim.MaxRatio) {
		return fmt.Errorf("%w: %d bytes of files from a %d-byte zip expand %d times, more than %d", ErrZipRefused, total, size, total/uint64(max(size, 1)), lim.MaxRatio)
	}
	return nil
}

var errDirectoryBudget = errors.New("central directory over budget")

// budgetReaderAt fails reads once left bytes have been read (left < 0:
// no budget).
type budgetReaderAt struct {
	r    io.ReaderAt
	left int64
}

func (b *budgetReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if b.left >= 0 {
		if int64(len(p)) > b.left {
			return 0, errDirectoryBudget
		}
		b.left -= int64(len(p))
	}
	return b.r.ReadAt(p, off)
}

// boundedReader reads one file of a zip, failing once the package's
// files together pass the limit or when ctx is done.
type boundedReader struct {
	ctx   context.Context
	rc    io.ReadCloser
	name  string
	left  *int64
	limit int64
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if err := b.ctx.Err(); err != nil {
		return 0, fmt.Errorf("hashing %s: %w", b.name, err)
	}
	n, err := b.rc.Read(p)
	*b.left -= int64(n)
	if *b.left < 0 {
		return n, fmt.Errorf("%w: its files are over %d bytes uncompressed", ErrZipRefused, b.limit)
	}
	return n, err
}

func (b *boundedReader) Close() error { return b.rc.Close() }

// declaredEntries reads the number of files the zip's end record (or its
// zip64 end record) declares, finding them as archive/zip does; ok is
// false when there is none to read (archive/zip then reports the error).
func declaredEntries(r io.ReaderAt, size int64) (n uint64, ok bool) {
	const endLen, loc64Len, end64Len = 22, 20, 56
	tail := min(size, 65*1024)
	buf := make([]byte, tail)
	if _, err := r.ReadAt(buf, size-tail); err != nil && err != io.EOF {
		return 0, false
	}
	p := -1
	for i := len(buf) - endLen; i >= 0; i-- {
		if string(buf[i:i+4]) == "PK\x05\x06" {
			if int(binary.LittleEndian.Uint16(buf[i+20:]))+endLen+i <= len(buf) {
				p = i
			}
			break
		}
	}
	if p < 0 {
		return 0, false
	}
	end := buf[p:]
	n = uint64(binary.LittleEndian.Uint16(end[10:]))
	if n != 0xffff && binary.LittleEndian.Uint32(end[12:]) != 0xffff && binary.LittleEndian.Uint32(end[16:]) != 0xffffffff {
		return n, true
	}
	endOff := size - tail + int64(p)
	if endOff < loc64Len {
		return n, true
	}
	loc := make([]byte, loc64Len)
	if _, err := r.ReadAt(loc, endOff-loc64Len); err != nil || string(loc[:4]) != "PK\x06\x07" ||
		binary.LittleEndian.Uint32(loc[4:]) != 0 || binary.LittleEndian.Uint32(loc[16:]) != 1 {
		return n, true
	}
	off := binary.LittleEndian.Uint64(loc[8:])
	if off > uint64(size) {
		return 0, false
	}
	end64 := make([]byte, end64Len)
	if _, err := r.ReadAt(end64, int64(off)); err != nil || string(end64[:4]) != "PK\x06\x06" {
		return 0, false
	}
	return binary.LittleEndian.Uint64(end64[32:]), true
}
