package modarchive

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/regen-registry/regen/internal/modindex"
	"github.com/regen-registry/regen/regdata"
)

// DefaultDirName is the store's folder name beside the data folder.
const DefaultDirName = "registry-archives"

// DefaultDir returns the default store for a data folder: a
// "registry-archives" folder beside it, outside its git repository.
func DefaultDir(dataDir string) string {
	return regdata.Beside(dataDir, DefaultDirName)
}

// Entry is one version in a module's index: a package, or the reason there
// is none.
type Entry struct {
	// Commit is the commit packaged (or tried).
	Commit string `json:"commit,omitempty"`
	// SHA256 names the package; "" when Error is set.
	SHA256 string `json:"sha256,omitempty"`
	Size   int64  `json:"size,omitempty"`
	Files  int    `json:"files,omitempty"`
	// Error says why the version has no package (its source is gone or
	// over the limits); the version keeps its git download.
	Error string `json:"error,omitempty"`
}

// Store is a folder of packages and per-module indexes (the layout of
// package modindex). It is safe for concurrent use within one process.
type Store struct {
	dir     string
	indexes *modindex.Indexes[Entry]
}

// NewStore returns the store in dir (created when first written).
func NewStore(dir string) *Store {
	return &Store{dir: dir, indexes: modindex.New(dir, checkEntry)}
}

// checkEntry refuses an entry with neither or both of a package and an
// error.
func checkEntry(e Entry) error {
	if (e.SHA256 == "") == (e.Error == "") || (e.SHA256 != "" && !ValidSHA256(e.SHA256)) {
		return errors.New("want a sha256 or an error")
	}
	return nil
}

// Dir returns the store's folder.
func (s *Store) Dir() string { return s.dir }

// ValidSHA256 reports whether h is a lower-case hex sha256.
func ValidSHA256(h string) bool { return modindex.ValidSHA256(h) }

// ObjectPath returns a package's path relative to the store's folder.
func ObjectPath(hash string) string { return modindex.ObjectPath(hash, ".tar.gz") }

// Object returns the absolute path of a stored package.
func (s *Store) Object(hash string) string {
	return filepath.Join(s.dir, filepath.FromSlash(ObjectPath(hash)))
}

// IndexPath returns a module's index file, relative to the store's folder.
func IndexPath(addr regdata.ModuleAddr) (string, error) { return modindex.Path(addr) }

// Index returns a module's entries (empty when it has none) and the hex
// sha256 of its index file ("" when there is none), which changes whenever
// any entry does.
func (s *Store) Index(ctx context.Context, addr regdata.ModuleAddr) (map[string]Entry, string, error) {
	return s.indexes.Read(ctx, addr)
}

// Put moves the package file tmp (written by Pack, on the same file
// system as the store) into the store and records it for version.
func (s *Store) Put(ctx context.Context, addr regdata.ModuleAddr, version, commit, tmp string, p Package) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !ValidSHA256(p.SHA256) {
		return fmt.Errorf("package of %s %s: %q is not a sha256", addr, version, p.SHA256)
	}
	dst := s.Object(p.SHA256)
	if _, err := os.Stat(dst); err != nil {
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.Rename(tmp, dst); err != nil {
			return fmt.Errorf("storing the package of %s %s: %w", addr, version, err)
		}
	}
	return s.indexes.Set(addr, version, Entry{Commit: commit, SHA256: p.SHA256, Size: p.Size, Files: p.Files})
}

// PutError records that version has no package, and why.
func (s *Store) PutError(ctx context.Context, addr regdata.ModuleAddr, version, commit string, cause error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	msg := strings.ToValidUTF8(cause.Error(), "\uFFFD")
	return s.indexes.Set(addr, version, Entry{Commit: commit, Error: msg})
}

// TempDir returns a folder inside the store for packages being written,
// so that Put can rename them into place.
func (s *Store) TempDir() (string, error) {
	p := filepath.Join(s.dir, "tmp")
	if err := os.MkdirAll(p, 0o755); err != nil {
		return "", err
	}
	return p, nil
}
