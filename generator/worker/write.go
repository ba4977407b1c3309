package worker

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	edge "github.com/regen-registry/regen/worker"
)

// Dir is where the worker goes, relative to the root of a built tree.
const Dir = ".regen/worker"

// File is one file of the worker as written into a tree.
type File struct {
	// Path is relative to the tree root, slash-separated
	// (".regen/worker/src/index.js").
	Path string
	Data []byte
}

// Files returns the worker's files with their paths in a built tree,
// sorted by path, its build settings module (worker.BuildModule) made
// for access.
func Files(access edge.Access) ([]File, error) {
	src, err := edge.Files()
	if err != nil {
		return nil, err
	}
	settings, err := edge.BuildJS(access)
	if err != nil {
		return nil, err
	}
	out := make([]File, len(src))
	for i, f := range src {
		if f.Path == edge.BuildModule {
			f.Data = settings
		}
		out[i] = File{Path: Dir + "/" + f.Path, Data: f.Data}
	}
	return out, nil
}

// Write writes the worker's files under <root>/.regen/worker/: each file
// whose content differs is replaced atomically (temp file and rename), and
// files in that folder that are no longer part of the worker are removed.
// It returns the number of files written. access is who may read the
// registry: a worker written for worker.Private refuses to serve without
// its tokens secret.
func Write(root string, access edge.Access) (int, error) {
	files, err := Files(access)
	if err != nil {
		return 0, err
	}
	dir := filepath.Join(root, filepath.FromSlash(Dir))
	keep := map[string]bool{}
	written := 0
	for _, f := range files {
		p := filepath.Join(root, filepath.FromSlash(f.Path))
		keep[p] = true
		if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, f.Data) {
			continue
		}
		if err := writeAtomic(p, f.Data); err != nil {
			return written, err
		}
		written++
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || keep[p] {
			return err
		}
		if err := os.Remove(p); err != nil {
			return fmt.Errorf("removing stale worker file %s: %w", p, err)
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return written, fmt.Errorf("cleaning %s: %w", dir, err)
	}
	return written, nil
}

// writeAtomic writes data to name through a temporary file in the same
// folder and a rename.
func writeAtomic(name string, data []byte) error {
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("writing the worker: creating %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, ".tmp-"+strings.TrimPrefix(filepath.Base(name), ".")+"-*")
	if err != nil {
		return fmt.Errorf("writing the worker: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after the rename
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := os.Rename(tmp, name); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}
