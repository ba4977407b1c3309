package modindex

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"sync"

	"github.com/regen-registry/regen/regdata"
)

// Indexes are the module indexes of a store, whose entries are E. They are
// safe for concurrent use.
type Indexes[E any] struct {
	dir   string
	check func(E) error
	mu    sync.Mutex // serialises index read-modify-write
}

// New returns the indexes of the store in the folder dir (created on
// first write). check, when not nil, validates every entry read: an index
// holding an entry it refuses cannot be read.
func New[E any](dir string, check func(E) error) *Indexes[E] {
	return &Indexes[E]{dir: dir, check: check}
}

// file is the on-disk form of one index.
type file[E any] struct {
	Versions map[string]E `json:"versions"`
}

func (x *Indexes[E]) abs(rel string) string { return filepath.Join(x.dir, filepath.FromSlash(rel)) }

// Read returns a module's entries (an empty map when it has none) and the
// hex sha256 of its index file ("" when there is none), which changes
// whenever any entry does.
func (x *Indexes[E]) Read(ctx context.Context, addr regdata.ModuleAddr) (map[string]E, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	rel, err := Path(addr)
	if err != nil {
		return nil, "", err
	}
	return x.read(rel)
}

// Digest returns the hex sha256 of a module's index file ("" when there
// is none) without decoding it: a build can tell whether anything of the
// module changed in the store without reading its entries.
func (x *Indexes[E]) Digest(ctx context.Context, addr regdata.ModuleAddr) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	rel, err := Path(addr)
	if err != nil {
		return "", err
	}
	data, err := x.readFile(rel)
	if err != nil || data == nil {
		return "", err
	}
	return digest(data), nil
}

// Set records e as version's entry in the module's index.
func (x *Indexes[E]) Set(addr regdata.ModuleAddr, version string, e E) error {
	return x.Merge(addr, map[string]E{version: e})
}

// Merge records entries in the module's index in one atomic write: the
// versions they name get their entry, the others keep theirs.
func (x *Indexes[E]) Merge(addr regdata.ModuleAddr, entries map[string]E) error {
	for v := range entries {
		if v == "" {
			return fmt.Errorf("module %s: empty version", addr)
		}
	}
	rel, err := Path(addr)
	if err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	versions, _, err := x.read(rel)
	if err != nil {
		return err
	}
	maps.Copy(versions, entries)
	data, err := json.MarshalIndent(file[E]{Versions: versions}, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding %s: %w", rel, err)
	}
	return regdata.WriteFileAtomic(x.abs(rel), append(data, '\n'), 0o644)
}

// readFile returns an index file's bytes, nil when there is none.
func (x *Indexes[E]) readFile(rel string) ([]byte, error) {
	data, err := os.ReadFile(x.abs(rel))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", rel, err)
	}
	return data, nil
}

func (x *Indexes[E]) read(rel string) (map[string]E, string, error) {
	data, err := x.readFile(rel)
	if err != nil {
		return nil, "", err
	}
	if data == nil {
		return map[string]E{}, "", nil
	}
	versions, err := Decode(data, x.check)
	if err != nil {
		return nil, "", fmt.Errorf("reading %s in %s: %w", rel, x.dir, err)
	}
	return versions, digest(data), nil
}

// Decode returns the entries of an index file's content (an empty map
// when it lists none). check, when not nil, validates every entry: an
// index holding an entry it refuses is an error.
func Decode[E any](data []byte, check func(E) error) (map[string]E, error) {
	var idx file[E]
	if err := json.Unmarshal(data, &idx); err != nil {
		return nil, err
	}
	if idx.Versions == nil {
		idx.Versions = map[string]E{}
	}
	for v, e := range idx.Versions {
		if v == "" {
			return nil, errors.New("an empty version")
		}
		if check != nil {
			if err := check(e); err != nil {
				return nil, fmt.Errorf("version %q: %w", v, err)
			}
		}
	}
	return idx.Versions, nil
}

func digest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
