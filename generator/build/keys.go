package build

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/regen-registry/regen/regdata"
)

// keyCache finds the signing keys of providers with the same rules as
// regdata.Dir.ProviderKeys (namespace keys plus the provider's own, folders
// matched case-insensitively, sorted by path), but reads every keys/
// folder and key file once per build: thousands of providers share a
// namespace, and rebuilds need only the bytes (for Input), not the parsed
// keys.
//
// Providers come in key order, so one namespace's folders are needed
// together: the cache forgets everything past maxKeyDirs folders (jobs
// holding a folder keep it), so that its memory does not grow with the
// number of namespaces.
type keyCache struct {
	root string
	mu   sync.Mutex
	dirs map[string]*keyDir
}

// keyDir is one listed folder under keys/.
type keyDir struct {
	once    sync.Once
	files   []*keyFile // *.asc directly in the folder, by name
	subdirs []string   // sub-folder names, sorted
	err     error
}

// keyFile is one key file: its bytes, their sha256, and (parsed on first
// use) its keys.
type keyFile struct {
	path string // relative to the data folder, slash-separated
	data []byte
	sum  [sha256.Size]byte

	once    sync.Once
	keys    []regdata.Key
	keysErr error
}

// maxKeyDirs bounds the folders a keyCache remembers.
const maxKeyDirs = 512

func newKeyCache(root string) *keyCache {
	return &keyCache{root: root, dirs: map[string]*keyDir{}}
}

// list returns the cached listing of rel (a missing folder is empty).
func (c *keyCache) list(rel string) *keyDir {
	c.mu.Lock()
	d, ok := c.dirs[rel]
	if !ok {
		if len(c.dirs) >= maxKeyDirs {
			clear(c.dirs)
		}
		d = &keyDir{}
		c.dirs[rel] = d
	}
	c.mu.Unlock()
	d.once.Do(func() { d.load(c.root, rel) })
	return d
}

func (d *keyDir) load(root, rel string) {
	entries, err := os.ReadDir(filepath.Join(root, filepath.FromSlash(rel)))
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		d.err = fmt.Errorf("reading %s: %w", rel, err)
		return
	}
	for _, e := range entries {
		switch {
		case e.IsDir():
			d.subdirs = append(d.subdirs, e.Name())
		case strings.HasSuffix(e.Name(), ".asc") && !strings.HasPrefix(e.Name(), "."):
			p := path.Join(rel, e.Name())
			data, _, err := regdata.Dir{Root: root}.ReadFile(p, regdata.MaxKeyFileSize)
			if err != nil {
				d.err = fmt.Errorf("reading %s: %w", p, err)
				return
			}
			d.files = append(d.files, &keyFile{path: p, data: data, sum: sha256.Sum256(data)})
		}
	}
}

// provider returns the key files that apply to a, sorted by path.
func (c *keyCache) provider(a regdata.ProviderAddr) ([]*keyFile, error) {
	shardRel := path.Join("keys", shard(a.Namespace))
	shardDir := c.list(shardRel)
	if shardDir.err != nil {
		return nil, shardDir.err
	}
	var out []*keyFile
	for _, ns := range shardDir.subdirs {
		if !strings.EqualFold(ns, a.Namespace) {
			continue
		}
		nsRel := path.Join(shardRel, ns)
		nsDir := c.list(nsRel)
		if nsDir.err != nil {
			return nil, nsDir.err
		}
		out = append(out, nsDir.files...)
		for _, typ := range nsDir.subdirs {
			if !strings.EqualFold(typ, a.Type) {
				continue
			}
			tDir := c.list(path.Join(nsRel, typ))
			if tDir.err != nil {
				return nil, tDir.err
			}
			out = append(out, tDir.files...)
		}
	}
	slices.SortFunc(out, func(x, y *keyFile) int { return strings.Compare(x.path, y.path) })
	return out, nil
}

// keys parses the files into regdata Keys, one per key a file holds
// (regdata.FileKeys; each file parsed once per build); a file that is not
// public keys is an error naming it.
func keys(files []*keyFile) ([]regdata.Key, error) {
	out := make([]regdata.Key, 0, len(files))
	for _, f := range files {
		f.once.Do(func() { f.keys, f.keysErr = regdata.FileKeys(f.path, f.data) })
		if f.keysErr != nil {
			return nil, &regdata.FileError{Path: f.path, Err: f.keysErr}
		}
		out = append(out, f.keys...)
	}
	return out, nil
}

// shard is the layout's first path segment: the lower-cased first
// character of a namespace (as regdata lays out data folders).
func shard(ns string) string {
	if ns == "" {
		return "_"
	}
	return strings.ToLower(ns[:1])
}
