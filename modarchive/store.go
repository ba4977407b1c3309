package modarchive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

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

type moduleIndex struct {
	Versions map[string]Entry `json:"versions"`
}

// Store is a folder of packages and per-module indexes. It is safe for
// concurrent use within one process.
type Store struct {
	dir string
	mu  sync.Mutex // serialises index updates
}

// NewStore returns the store in dir (created when first written).
func NewStore(dir string) *Store { return &Store{dir: dir} }

// Dir returns the store's folder.
func (s *Store) Dir() string { return s.dir }

var hashRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ValidSHA256 reports whether h is a lower-case hex sha256.
func ValidSHA256(h string) bool { return hashRE.MatchString(h) }

// ObjectPath returns a package's path relative to the store's folder.
func ObjectPath(hash string) string { return path.Join("objects", hash[:2], hash+".tar.gz") }

// Object returns the absolute path of a stored package.
func (s *Store) Object(hash string) string { return s.abs(ObjectPath(hash)) }

func (s *Store) abs(rel string) string { return filepath.Join(s.dir, filepath.FromSlash(rel)) }

// IndexPath returns a module's index file, relative to the store's folder.
func IndexPath(addr regdata.ModuleAddr) (string, error) {
	parts := []string{strings.ToLower(addr.Namespace), strings.ToLower(addr.Name), strings.ToLower(addr.System)}
	for _, p := range parts {
		if !regdata.SafeSegment(p) {
			return "", fmt.Errorf("module address %q: %q is not usable in a path", addr, p)
		}
	}
	return path.Join("index", parts[0], parts[1], parts[2]+".json"), nil
}

// Index returns a module's entries (empty when it has none) and the hex
// sha256 of its index file ("" when there is none), which changes whenever
// any entry does.
func (s *Store) Index(ctx context.Context, addr regdata.ModuleAddr) (map[string]Entry, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	rel, err := IndexPath(addr)
	if err != nil {
		return nil, "", err
	}
	idx, digest, err := s.readIndex(rel)
	if err != nil {
		return nil, "", err
	}
	return idx.Versions, digest, nil
}

func (s *Store) readIndex(rel string) (*moduleIndex, string, error) {
	data, err := os.ReadFile(s.abs(rel))
	if errors.Is(err, fs.ErrNotExist) {
		return &moduleIndex{Versions: map[string]Entry{}}, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("reading %s: %w", rel, err)
	}
	var idx moduleIndex
	if err := json.Unmarshal(data, &idx); err != nil {
		return nil, "", fmt.Errorf("reading %s in %s: %w", rel, s.dir, err)
	}
	if idx.Versions == nil {
		idx.Versions = map[string]Entry{}
	}
	for v, e := range idx.Versions {
		if (e.SHA256 == "") == (e.Error == "") || (e.SHA256 != "" && !ValidSHA256(e.SHA256)) {
			return nil, "", fmt.Errorf("reading %s in %s: version %q: want a sha256 or an error", rel, s.dir, v)
		}
	}
	sum := sha256.Sum256(data)
	return &idx, hex.EncodeToString(sum[:]), nil
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
	return s.setEntry(addr, version, Entry{Commit: commit, SHA256: p.SHA256, Size: p.Size, Files: p.Files})
}

// PutError records that version has no package, and why.
func (s *Store) PutError(ctx context.Context, addr regdata.ModuleAddr, version, commit string, cause error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	msg := strings.ToValidUTF8(cause.Error(), "\uFFFD")
	return s.setEntry(addr, version, Entry{Commit: commit, Error: msg})
}

func (s *Store) setEntry(addr regdata.ModuleAddr, version string, e Entry) error {
	if version == "" {
		return fmt.Errorf("module %s: empty version", addr)
	}
	rel, err := IndexPath(addr)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	idx, _, err := s.readIndex(rel)
	if err != nil {
		return err
	}
	idx.Versions[version] = e
	data, err := json.MarshalIndent(idx, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding %s: %w", rel, err)
	}
	return regdata.WriteFileAtomic(s.abs(rel), append(data, '\n'), 0o644)
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
