package moddocs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/hashicorp/terraform-config-inspect/tfconfig"
)

// tfFS adapts an fs.FS to tfconfig.FS for loading one module directory. It
// lists only regular files and directories, reads only files it listed (so
// no symbolic link is ever followed), and enforces the size limits.
type tfFS struct {
	fsys   fs.FS
	lim    Limits
	listed map[string]bool // regular files returned by ReadDir
	read   int64           // bytes read so far
	errs   []error         // size-limit refusals, reported as warnings
}

var _ tfconfig.FS = (*tfFS)(nil)

func newTFFS(fsys fs.FS, lim Limits) *tfFS {
	return &tfFS{fsys: fsys, lim: lim, listed: map[string]bool{}}
}

// clean turns the paths tfconfig builds with filepath.Join into fs.FS
// paths, refusing anything outside the tree.
func (t *tfFS) clean(name string) (string, error) {
	p := path.Clean(filepath.ToSlash(name))
	if !fs.ValidPath(p) {
		return "", &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	return p, nil
}

func (t *tfFS) ReadDir(dir string) ([]os.FileInfo, error) {
	p, err := t.clean(dir)
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(t.fsys, p)
	if err != nil {
		return nil, err
	}
	var infos []os.FileInfo
	for _, e := range entries {
		if !regularOrDir(e) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return nil, err
		}
		if e.Type().IsRegular() {
			t.listed[path.Join(p, e.Name())] = true
		}
		infos = append(infos, info)
	}
	return infos, nil
}

func (t *tfFS) ReadFile(name string) ([]byte, error) {
	p, err := t.clean(name)
	if err != nil {
		return nil, err
	}
	if !t.listed[p] {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrPermission}
	}
	left := t.lim.MaxDirBytes - t.read
	max := min(t.lim.MaxFileBytes, left)
	b, err := readCapped(t.fsys, p, max)
	var tl *tooLargeError
	if errors.As(err, &tl) {
		if max < t.lim.MaxFileBytes {
			err = fmt.Errorf("%s: the directory's configuration files exceed the limit of %d bytes", p, t.lim.MaxDirBytes)
		}
		t.errs = append(t.errs, err)
	}
	if err != nil {
		return nil, err
	}
	t.read += int64(len(b))
	return b, nil
}

func (t *tfFS) Open(name string) (tfconfig.File, error) {
	p, err := t.clean(name)
	if err != nil {
		return nil, err
	}
	if !t.listed[p] {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return t.fsys.Open(p)
}
