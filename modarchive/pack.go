package modarchive

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/regen-registry/regen/internal/positive"
)

// PackLimits bound a package. Zero fields take the defaults.
type PackLimits struct {
	// MaxBytes caps the compressed package (default 50 MiB). Every
	// `terraform init` of every workspace downloads the whole package, and
	// the bucket keeps every version's package for as long as the version
	// is published; a module source larger than this nearly always carries
	// binaries or test fixtures that belong elsewhere. Such a version keeps
	// its git download.
	MaxBytes int64
	// MaxFiles caps the files in a package (default 10,000).
	MaxFiles int
}

// Default pack limits.
const (
	DefaultMaxBytes = 50 << 20
	DefaultMaxFiles = 10000
)

func (l PackLimits) withDefaults() PackLimits {
	l.MaxBytes = positive.Or(l.MaxBytes, DefaultMaxBytes)
	l.MaxFiles = positive.Or(l.MaxFiles, DefaultMaxFiles)
	return l
}

// PackError says why a source was refused for archive mode. Like
// modsource's LimitError it is permanent for the commit.
type PackError struct{ Reason string }

func (e *PackError) Error() string { return e.Reason }

// packTime is every entry's modification time: fixed, so that packages are
// reproducible (and not 1970, which some tools mistrust).
var packTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Package describes a written package.
type Package struct {
	SHA256 string // hex sha256 of the package's bytes
	Size   int64  // bytes
	Files  int    // files in it
}

// Pack writes the regular files under dir as a deterministic gzipped tar
// to w (see the package doc). Anything but regular files and folders is
// an error: a checkout holds nothing else.
func Pack(ctx context.Context, dir string, lim PackLimits, w io.Writer) (Package, error) {
	lim = lim.withDefaults()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" && p != dir {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file", p)
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		files = append(files, filepath.ToSlash(rel))
		if len(files) > lim.MaxFiles {
			return &PackError{Reason: fmt.Sprintf("more than %d files", lim.MaxFiles)}
		}
		return nil
	})
	if err != nil {
		return Package{}, err
	}
	slices.Sort(files)

	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(w, h), max: lim.MaxBytes}
	zw, err := gzip.NewWriterLevel(cw, gzip.BestCompression)
	if err != nil {
		return Package{}, err
	}
	// gzip.Writer writes no name and a zero time by default; OS is 255.
	tw := tar.NewWriter(zw)
	for _, rel := range files {
		if err := ctx.Err(); err != nil {
			return Package{}, err
		}
		if err := addFile(tw, dir, rel); err != nil {
			return Package{}, err
		}
	}
	if err := tw.Close(); err != nil {
		return Package{}, err
	}
	if err := zw.Close(); err != nil {
		return Package{}, err
	}
	return Package{SHA256: hex.EncodeToString(h.Sum(nil)), Size: cw.n, Files: len(files)}, nil
}

func addFile(tw *tar.Writer, dir, rel string) error {
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	mode := int64(0o644)
	if st.Mode().Perm()&0o111 != 0 {
		mode = 0o755
	}
	hdr := &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     rel,
		Mode:     mode,
		Size:     st.Size(),
		ModTime:  packTime,
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("packing %s: %w", rel, err)
	}
	n, err := io.Copy(tw, io.LimitReader(f, st.Size()))
	if err != nil {
		return fmt.Errorf("packing %s: %w", rel, err)
	}
	if n != st.Size() {
		return fmt.Errorf("packing %s: file changed while packing", rel)
	}
	return nil
}

// countWriter counts bytes and refuses to go past max.
type countWriter struct {
	w   io.Writer
	n   int64
	max int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.n+int64(len(p)) > c.max {
		return 0, &PackError{Reason: fmt.Sprintf("the package would exceed the limit of %d bytes", c.max)}
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
