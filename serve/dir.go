package serve

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/regen-registry/regen/internal/safefile"
	"github.com/regen-registry/regen/manifest"
)

// Dir is the [Source] for a tree built by `regen build` on disk.
//
// Only regular files are served, opened by path for each request
// (package internal/safefile): a symbolic link anywhere in the tree (even
// one pointing inside it, such as at .regen/manifest.ndjson), a pipe or a
// device is not found, and a build that swaps a new tree into place under
// the same name is served from the next request on. ETags are cached per file path, size and modification time, so a
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
// anything other than a regular file and paths through symbolic links are
// reported as fs.ErrNotExist.
func (d *Dir) Open(ctx context.Context, name string) (*Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !fs.ValidPath(name) || name == "." || hiddenSegment(name) {
		return nil, notFound(name, errors.New("not a servable tree path"))
	}
	f, fi, err := safefile.Open(d.path, name)
	if errors.Is(err, safefile.ErrIsDir) {
		// A document whose URL path is also a folder of other documents
		// (a listing such as v1/modules/<ns>) lives at <path>/index.json.
		name += "/" + manifest.DirIndex
		f, fi, err = safefile.Open(d.path, name)
	}
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return nil, fmt.Errorf("opening %s in %s: %w", name, d.path, err)
		}
		// Missing, a file used as a directory, a symbolic link, a pipe or
		// a device: the client asked for something not served.
		return nil, notFound(name, err)
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
