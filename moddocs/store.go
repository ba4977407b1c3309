package moddocs

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/regen-registry/regen/internal/modindex"
	"github.com/regen-registry/regen/regdata"
)

// DefaultDirName is the docs store's folder name, created next to the data
// folder by DefaultDir.
const DefaultDirName = "registry-docs"

// BucketPrefix is where the store is mirrored in the registry's bucket.
// Names starting with "." are never served, so the mirror stays private to
// regen's own runs.
const BucketPrefix = ".regen/docs/"

// DefaultDir returns the default docs store for a data folder: a
// "registry-docs" folder beside it, outside the data folder's git
// repository.
func DefaultDir(dataDir string) string {
	return regdata.Beside(dataDir, DefaultDirName)
}

// ErrNotFound is returned (wrapped) by Store.Get for a version with no
// entry.
var ErrNotFound = errors.New("no docs stored")

// RecordedError is returned by Store.Get for a version whose extraction
// failed for good (the repository or tag is gone): the version is published
// without documentation.
type RecordedError struct {
	Message string
}

func (e *RecordedError) Error() string { return "extraction failed: " + e.Message }

// Entry is one version in a module's index.
type Entry struct {
	// Object is the sha256 (hex) of the Doc's canonical JSON, "" when
	// extraction failed.
	Object string `json:"object,omitempty"`
	// Error says why extraction failed, "" when it succeeded.
	Error string `json:"error,omitempty"`
	// Commit is the commit the docs were extracted from.
	Commit string `json:"commit,omitempty"`
	// Format is the Doc Format the entry was made with.
	Format int `json:"format"`
	// Extracted is when the entry was written (UTC).
	Extracted time.Time `json:"extracted"`
}

// Current reports whether the entry was made with the current extraction
// rules; older entries are due for re-extraction.
func (e Entry) Current() bool { return e.Format == Format }

// Store keeps extracted Docs in a folder, content-addressed:
//
//	objects/<h[0:2]>/<h>.json.gz            a Doc's canonical JSON, gzipped; h is its sha256
//	index/<ns>/<name>/<system>.json         version (as in the data file) → Entry
//
// Identical Docs (a version re-tagged, or a module whose docs did not
// change between versions) share one object. Namespaces, names and systems
// are lower-cased in index paths. Every write is atomic (temporary file and
// rename), so a reader never sees a partial file (the layout of package
// modindex). One process writes a Store at a time; within it, all methods
// are safe for concurrent use.
type Store struct {
	dir     string
	now     func() time.Time
	indexes *modindex.Indexes[Entry]
}

// NewStore returns the store in dir; the folder is created on first write.
// now is the clock for Entry.Extracted (nil: time.Now).
func NewStore(dir string, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{dir: dir, now: now, indexes: modindex.New(dir, checkEntry)}
}

// checkEntry refuses an entry whose object is not named by a sha256.
func checkEntry(e Entry) error {
	if e.Object != "" && !modindex.ValidSHA256(e.Object) {
		return fmt.Errorf("object %q is not a sha256", e.Object)
	}
	return nil
}

// Dir returns the store's folder.
func (s *Store) Dir() string { return s.dir }

// IndexPath returns the index file of a module, relative to the store's
// folder, slash-separated.
func IndexPath(addr regdata.ModuleAddr) (string, error) { return modindex.Path(addr) }

// ObjectPath returns an object's path relative to the store's folder.
func ObjectPath(hash string) string { return modindex.ObjectPath(hash, ".json.gz") }

func (s *Store) abs(rel string) string { return filepath.Join(s.dir, filepath.FromSlash(rel)) }

// Index returns every entry of a module (an empty map when it has none).
func (s *Store) Index(ctx context.Context, addr regdata.ModuleAddr) (map[string]Entry, error) {
	idx, _, err := s.indexes.Read(ctx, addr)
	return idx, err
}

// IndexDigest returns the hex sha256 of a module's index file, "" when
// the module has none: it changes whenever any version's docs do, so a
// build can tell whether a module's documentation changed without
// reading its objects.
func (s *Store) IndexDigest(ctx context.Context, addr regdata.ModuleAddr) (string, error) {
	return s.indexes.Digest(ctx, addr)
}

// Lookup returns a version's entry; ok is false when there is none.
func (s *Store) Lookup(ctx context.Context, addr regdata.ModuleAddr, version string) (e Entry, ok bool, err error) {
	idx, err := s.Index(ctx, addr)
	if err != nil {
		return Entry{}, false, err
	}
	e, ok = idx[version]
	return e, ok, nil
}

// Has reports whether a version needs no extraction: it has an entry (docs
// or a recorded error) made with the current Format.
func (s *Store) Has(ctx context.Context, addr regdata.ModuleAddr, version string) (bool, error) {
	e, ok, err := s.Lookup(ctx, addr, version)
	return ok && e.Current(), err
}

// Get returns a version's Doc. A version without entry gives an error
// wrapping ErrNotFound; one whose extraction failed, a *RecordedError.
func (s *Store) Get(ctx context.Context, addr regdata.ModuleAddr, version string) (*Doc, error) {
	e, ok, err := s.Lookup(ctx, addr, version)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%s %s: %w", addr, version, ErrNotFound)
	}
	if e.Object == "" {
		return nil, &RecordedError{Message: e.Error}
	}
	return s.Object(ctx, e.Object)
}

// Getter returns Get for one module's versions, reading the module's
// index once and each object once: versions sharing a Doc (the common
// case) share the decoded value, which callers must not modify. Unlike
// Store, the getter is not safe for concurrent use.
func (s *Store) Getter(ctx context.Context, addr regdata.ModuleAddr) (func(version string) (*Doc, error), error) {
	idx, err := s.Index(ctx, addr)
	if err != nil {
		return nil, err
	}
	objects := map[string]*Doc{}
	return func(version string) (*Doc, error) {
		e, ok := idx[version]
		if !ok {
			return nil, fmt.Errorf("%s %s: %w", addr, version, ErrNotFound)
		}
		if e.Object == "" {
			return nil, &RecordedError{Message: e.Error}
		}
		if d, ok := objects[e.Object]; ok {
			return d, nil
		}
		d, err := s.Object(ctx, e.Object)
		if err != nil {
			return nil, err
		}
		objects[e.Object] = d
		return d, nil
	}, nil
}

// Object reads the Doc stored under hash, checking the content against it.
func (s *Store) Object(ctx context.Context, hash string) (*Doc, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !modindex.ValidSHA256(hash) {
		return nil, fmt.Errorf("object %q: not a sha256", hash)
	}
	rel := ObjectPath(hash)
	f, err := os.Open(s.abs(rel))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", rel, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", rel, err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", rel, err)
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != hash {
		return nil, fmt.Errorf("reading %s: content does not match its hash (corrupt object)", rel)
	}
	d, err := UnmarshalDoc(data)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", rel, err)
	}
	return d, nil
}

// Put stores a version's Doc, extracted from commit, and returns the
// object's hash. An identical Doc already stored is not written again.
func (s *Store) Put(ctx context.Context, addr regdata.ModuleAddr, version, commit string, d *Doc) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	data, err := MarshalCanonical(d)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	if err := s.writeObject(hash, data); err != nil {
		return "", err
	}
	return hash, s.setEntry(addr, version, Entry{Object: hash, Commit: commit, Format: d.Format})
}

// PutError records that a version's docs cannot be extracted (the
// repository, tag or commit is gone), so that it is not tried again on
// every run. Transient failures (network errors) should not be recorded.
func (s *Store) PutError(ctx context.Context, addr regdata.ModuleAddr, version, commit string, cause error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	msg := strings.ToValidUTF8(cause.Error(), "\uFFFD")
	return s.setEntry(addr, version, Entry{Error: msg, Commit: commit, Format: Format})
}

func (s *Store) writeObject(hash string, data []byte) error {
	rel := ObjectPath(hash)
	if _, err := os.Stat(s.abs(rel)); err == nil {
		return nil
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(data); err != nil {
		return fmt.Errorf("compressing %s: %w", rel, err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("compressing %s: %w", rel, err)
	}
	return regdata.WriteFileAtomic(s.abs(rel), buf.Bytes(), 0o644)
}

func (s *Store) setEntry(addr regdata.ModuleAddr, version string, e Entry) error {
	e.Extracted = s.now().UTC().Truncate(time.Second)
	return s.indexes.Set(addr, version, e)
}
