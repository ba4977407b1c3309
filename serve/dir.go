package serve

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/regen-registry/regen/manifest"
)

// Dir is the [Source] for a tree built by `regen build` on disk.
//
// Every file is opened through an [os.Root] made for the request, so paths
// and symlinks cannot reach outside the directory, and a build that swaps a
// new tree into place under the same name is served from the next request
// on. ETags are cached per file path, size and modification time, so a
// file is hashed once until it changes.
type Dir struct {
	path  string
	etags *etagCache
}

// NewDir returns the Source for the tree at path, which must be a directory.
func NewDir(path string) (*Dir, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("serving %s: %w", path, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("serving %s: %w", path, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("serving %s: not a directory", path)
	}
	return &Dir{path: abs, etags: newETagCache(defaultETagCacheSize)}, nil
}

// Path returns the absolute path of the tree.
func (d *Dir) Path() string { return d.path }

// Open opens the file at the tree path name. Missing files, directories,
// anything other than a regular file, and paths or symlinks leading outside
// the tree are reported as fs.ErrNotExist.
func (d *Dir) Open(ctx context.Context, name string) (*Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !fs.ValidPath(name) || name == "." || hiddenSegment(name) {
		return nil, notFound(name, errors.New("not a servable tree path"))
	}
	root, err := os.OpenRoot(d.path)
	if err != nil {
		return nil, fmt.Errorf("opening tree %s: %w", d.path, err)
	}
	defer root.Close()
	f, err := root.Open(filepath.FromSlash(name))
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return nil, fmt.Errorf("opening %s in %s: %w", name, d.path, err)
		}
		// Missing, a file used as a directory, a symlink loop or a path
		// escaping the root: the client asked for something not served.
		return nil, notFound(name, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("reading %s in %s: %w", name, d.path, err)
	}
	if fi.IsDir() {
		// A document whose URL path is also a folder of other documents
		// (a listing such as v1/modules/<ns>) lives at <path>/index.json.
		f.Close()
		if f, err = root.Open(filepath.Join(filepath.FromSlash(name), manifest.DirIndex)); err != nil {
			return nil, notFound(name, err)
		}
		if fi, err = f.Stat(); err != nil {
			f.Close()
			return nil, fmt.Errorf("reading %s in %s: %w", name, d.path, err)
		}
		name += "/" + manifest.DirIndex
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, notFound(name, errors.New("not a regular file"))
	}
	etag, err := d.etags.get(name, fi, f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("hashing %s in %s: %w", name, d.path, err)
	}
	return &Document{Body: f, ModTime: fi.ModTime(), ETag: etag}, nil
}

// notFound wraps why a path is not served so that it matches fs.ErrNotExist.
func notFound(name string, why error) error {
	return &fs.PathError{Op: "open", Path: name, Err: errors.Join(fs.ErrNotExist, why)}
}
