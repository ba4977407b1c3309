package moddocs

import (
	"errors"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// treeFS exposes a git tree as a read-only fs.FS. Symbolic links and
// submodules (gitlinks) are listed with fs.ModeSymlink and fs.ModeIrregular
// and cannot be opened; entries whose names are not valid fs path elements
// are not listed at all.
type treeFS struct {
	root *object.Tree
}

var (
	_ fs.ReadDirFS = treeFS{}
	_ fs.StatFS    = treeFS{}
)

func fsMode(m filemode.FileMode) fs.FileMode {
	switch m {
	case filemode.Dir:
		return fs.ModeDir | 0o555
	case filemode.Regular, filemode.Deprecated:
		return 0o444
	case filemode.Executable:
		return 0o555
	case filemode.Symlink:
		return fs.ModeSymlink | 0o777
	default: // filemode.Submodule and anything unknown
		return fs.ModeIrregular
	}
}

func validName(name string) bool {
	return name != "." && fs.ValidPath(name) && path.Base(name) == name
}

// entry finds the tree entry at name ("." is the root).
func (t treeFS) entry(op, name string) (*object.TreeEntry, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		return &object.TreeEntry{Name: ".", Mode: filemode.Dir, Hash: t.root.Hash}, nil
	}
	e, err := t.root.FindEntry(name)
	if err != nil {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	return e, nil
}

func (t treeFS) tree(op, name string) (*object.Tree, error) {
	if name == "." {
		return t.root, nil
	}
	sub, err := t.root.Tree(name)
	if err != nil {
		return nil, &fs.PathError{Op: op, Path: name, Err: err}
	}
	return sub, nil
}

func (t treeFS) Stat(name string) (fs.FileInfo, error) {
	e, err := t.entry("stat", name)
	if err != nil {
		return nil, err
	}
	return t.info(name, e)
}

func (t treeFS) info(name string, e *object.TreeEntry) (fs.FileInfo, error) {
	fi := &gitInfo{name: path.Base(name), mode: fsMode(e.Mode)}
	if fi.mode.IsRegular() || fi.mode&fs.ModeSymlink != 0 {
		size, err := t.root.Size(name)
		if err != nil {
			return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
		}
		fi.size = size
	}
	return fi, nil
}

func (t treeFS) ReadDir(name string) ([]fs.DirEntry, error) {
	e, err := t.entry("readdir", name)
	if err != nil {
		return nil, err
	}
	if e.Mode != filemode.Dir {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	dir, err := t.tree("readdir", name)
	if err != nil {
		return nil, err
	}
	out := make([]fs.DirEntry, 0, len(dir.Entries))
	for _, c := range dir.Entries {
		if !validName(c.Name) {
			continue
		}
		out = append(out, gitDirEntry{t: t, path: joinDir(name, c.Name), e: c})
	}
	// git orders a directory "a" as "a/", after "a.tf"; fs.FS wants
	// plain name order.
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

func (t treeFS) Open(name string) (fs.File, error) {
	e, err := t.entry("open", name)
	if err != nil {
		return nil, err
	}
	mode := fsMode(e.Mode)
	switch {
	case mode.IsDir():
		fi, _ := t.info(name, e)
		return &gitDir{t: t, name: name, fi: fi}, nil
	case mode.IsRegular():
		f, err := t.root.File(name)
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		r, err := f.Reader()
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return &gitFile{rc: r, fi: &gitInfo{name: path.Base(name), mode: mode, size: f.Size}}, nil
	default:
		return nil, &fs.PathError{Op: "open", Path: name, Err: errors.New("symbolic links and submodules are not followed")}
	}
}

type gitInfo struct {
	name string
	mode fs.FileMode
	size int64
}

func (i *gitInfo) Name() string       { return i.name }
func (i *gitInfo) Size() int64        { return i.size }
func (i *gitInfo) Mode() fs.FileMode  { return i.mode }
func (i *gitInfo) ModTime() time.Time { return time.Time{} }
func (i *gitInfo) IsDir() bool        { return i.mode.IsDir() }
func (i *gitInfo) Sys() any           { return nil }

type gitDirEntry struct {
	t    treeFS
	path string
	e    object.TreeEntry
}

func (d gitDirEntry) Name() string               { return d.e.Name }
func (d gitDirEntry) IsDir() bool                { return d.e.Mode == filemode.Dir }
func (d gitDirEntry) Type() fs.FileMode          { return fsMode(d.e.Mode).Type() }
func (d gitDirEntry) Info() (fs.FileInfo, error) { return d.t.info(d.path, &d.e) }

type gitFile struct {
	rc io.ReadCloser
	fi fs.FileInfo
}

func (f *gitFile) Stat() (fs.FileInfo, error) { return f.fi, nil }
func (f *gitFile) Read(b []byte) (int, error) { return f.rc.Read(b) }
func (f *gitFile) Close() error               { return f.rc.Close() }

type gitDir struct {
	t    treeFS
	name string
	fi   fs.FileInfo
	left []fs.DirEntry
	read bool
}

func (d *gitDir) Stat() (fs.FileInfo, error) { return d.fi, nil }
func (d *gitDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.name, Err: errors.New("is a directory")}
}
func (d *gitDir) Close() error { return nil }

func (d *gitDir) ReadDir(n int) ([]fs.DirEntry, error) {
	if !d.read {
		all, err := d.t.ReadDir(d.name)
		if err != nil {
			return nil, err
		}
		d.left, d.read = all, true
	}
	if n <= 0 {
		out := d.left
		d.left = nil
		return out, nil
	}
	if len(d.left) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(d.left))
	out := d.left[:n]
	d.left = d.left[n:]
	return out, nil
}
