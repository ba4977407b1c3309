package modsource

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// maxDepth bounds folder nesting in a checkout.
const maxDepth = 64

// Checkout is one commit's tree written to a temporary folder: regular
// files (mode 0644, or 0755 when git records them executable) and
// folders, nothing else.
type Checkout struct {
	// Dir is the tree's root folder.
	Dir string
	// Commit is the full hash of the commit written.
	Commit string
	// Files and Bytes count what was written.
	Files int
	Bytes int64
	// Skipped lists, sorted, the paths not written: symbolic links,
	// submodules and entries named .git or not usable as file names.
	Skipped []string

	root string
}

// FS returns the tree as an fs.FS.
func (c *Checkout) FS() fs.FS { return os.DirFS(c.Dir) }

// Close removes the checkout's folder.
func (c *Checkout) Close() error {
	if c.root == "" {
		return nil
	}
	err := os.RemoveAll(c.root)
	c.root = ""
	return err
}

// write writes commit c's tree to c.Dir within lim.
func (co *Checkout) write(ctx context.Context, s *guardedStorage, c *object.Commit, lim Limits) error {
	t, err := c.Tree()
	if err != nil {
		return fmt.Errorf("reading the tree: %w", err)
	}
	if err := os.Mkdir(co.Dir, 0o755); err != nil {
		return err
	}
	return co.writeTree(ctx, t, "", 0, lim)
}

// usableName reports whether a tree entry name can be written as one path
// element on any system regen runs on.
func usableName(name string) bool {
	return name != "" && name != "." && name != ".." && fs.ValidPath(name) && path.Base(name) == name &&
		!strings.ContainsAny(name, "\\\x00") && !strings.EqualFold(name, ".git")
}

func (co *Checkout) writeTree(ctx context.Context, t *object.Tree, rel string, depth int, lim Limits) error {
	if depth > maxDepth {
		return &LimitError{What: "folder nesting", Limit: maxDepth, Unit: "levels"}
	}
	for _, e := range t.Entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		p := path.Join(rel, e.Name)
		if !usableName(e.Name) {
			co.Skipped = append(co.Skipped, p)
			continue
		}
		dst := filepath.Join(co.Dir, filepath.FromSlash(p))
		switch e.Mode {
		case filemode.Dir:
			sub, err := t.Tree(e.Name)
			if err != nil {
				return fmt.Errorf("reading %s: %w", p, err)
			}
			if err := os.Mkdir(dst, 0o755); err != nil {
				return err
			}
			if err := co.writeTree(ctx, sub, p, depth+1, lim); err != nil {
				return err
			}
		case filemode.Regular, filemode.Deprecated, filemode.Executable:
			mode := os.FileMode(0o644)
			if e.Mode == filemode.Executable {
				mode = 0o755
			}
			if err := co.writeFile(ctx, t, e, p, dst, mode, lim); err != nil {
				return err
			}
		default: // symbolic links, submodules
			co.Skipped = append(co.Skipped, p)
		}
	}
	return nil
}

func (co *Checkout) writeFile(ctx context.Context, t *object.Tree, e object.TreeEntry, p, dst string, mode os.FileMode, lim Limits) error {
	co.Files++
	if co.Files > lim.MaxFiles {
		return &LimitError{What: "the number of files", Limit: int64(lim.MaxFiles), Unit: "files"}
	}
	f, err := t.TreeEntryFile(&e)
	if err != nil {
		return fmt.Errorf("reading %s: %w", p, err)
	}
	if f.Size > lim.MaxFileBytes {
		return &LimitError{What: p, Got: f.Size, Limit: lim.MaxFileBytes, Unit: "bytes"}
	}
	if co.Bytes+f.Size > lim.MaxTotalBytes {
		return &LimitError{What: "the files' total size", Limit: lim.MaxTotalBytes, Unit: "bytes"}
	}
	r, err := f.Reader()
	if err != nil {
		return fmt.Errorf("reading %s: %w", p, err)
	}
	defer r.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	n, err := io.Copy(out, &ctxReader{ctx: ctx, r: io.LimitReader(r, f.Size+1)})
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	if n != f.Size {
		return fmt.Errorf("writing %s: read %d bytes, git says %d", p, n, f.Size)
	}
	co.Bytes += n
	return nil
}

// ctxReader stops a copy when ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
