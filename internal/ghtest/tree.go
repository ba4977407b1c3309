package ghtest

import (
	"fmt"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// encoder is a git object that can serialise itself.
type encoder interface {
	Encode(plumbing.EncodedObject) error
}

// storeObject encodes o into st and returns its id.
func storeObject(st storer.EncodedObjectStorer, o encoder) (plumbing.Hash, error) {
	obj := st.NewEncodedObject()
	if err := o.Encode(obj); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("encoding object: %w", err)
	}
	h, err := st.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("storing object: %w", err)
	}
	return h, nil
}

// storeBlob writes content as a blob.
func storeBlob(st storer.EncodedObjectStorer, content string) (plumbing.Hash, error) {
	obj := st.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("opening blob: %w", err)
	}
	if _, err := w.Write([]byte(content)); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("writing blob: %w", err)
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("closing blob: %w", err)
	}
	h, err := st.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("storing blob: %w", err)
	}
	return h, nil
}

// checkPath rejects paths git (or a checkout) would refuse.
func checkPath(p string) error {
	if p == "" || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") {
		return fmt.Errorf("file path %q must be relative and name a file", p)
	}
	for _, part := range strings.Split(p, "/") {
		if part == "" || part == "." || part == ".." || part == ".git" {
			return fmt.Errorf("file path %q has an invalid component %q", p, part)
		}
	}
	return nil
}

// storeTree writes files (slash-separated path → content) as nested trees
// and returns the root tree's id. Files whose content starts with "#!" are
// stored executable.
func storeTree(st storer.EncodedObjectStorer, files map[string]string) (plumbing.Hash, error) {
	blobs := map[string]string{}
	dirs := map[string]map[string]string{}
	for p, content := range files {
		if err := checkPath(p); err != nil {
			return plumbing.ZeroHash, err
		}
		if dir, rest, ok := strings.Cut(p, "/"); ok {
			if dirs[dir] == nil {
				dirs[dir] = map[string]string{}
			}
			dirs[dir][rest] = content
		} else {
			blobs[p] = content
		}
	}
	var entries []object.TreeEntry
	for name, content := range blobs {
		if _, clash := dirs[name]; clash {
			return plumbing.ZeroHash, fmt.Errorf("%q is both a file and a directory", name)
		}
		h, err := storeBlob(st, content)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("file %s: %w", name, err)
		}
		mode := filemode.Regular
		if strings.HasPrefix(content, "#!") {
			mode = filemode.Executable
		}
		entries = append(entries, object.TreeEntry{Name: name, Mode: mode, Hash: h})
	}
	for name, sub := range dirs {
		h, err := storeTree(st, sub)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("directory %s: %w", name, err)
		}
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
	}
	// Git orders tree entries by name, comparing directories as if their
	// name ended in "/".
	sortKey := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(entries, func(i, j int) bool { return sortKey(entries[i]) < sortKey(entries[j]) })
	return storeObject(st, &object.Tree{Entries: entries})
}
