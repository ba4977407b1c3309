package moddocs

import (
	"fmt"
	"io"
	"io/fs"

	"github.com/regen-registry/regen/internal/positive"
)

// Limits bound what extraction reads from a module's source, so that a
// hostile or broken repository costs bounded time and memory. Zero fields
// take the defaults.
type Limits struct {
	// MaxFileBytes caps every file read: README, licence and each
	// configuration file (default 1 MiB). A larger README or licence is
	// skipped with a warning; a larger configuration file is a parse error.
	MaxFileBytes int64
	// MaxDirBytes caps the configuration files of one module directory
	// together (default 8 MiB).
	MaxDirBytes int64
	// MaxDirs caps the number of submodules plus examples (default 256);
	// the rest are skipped with a warning.
	MaxDirs int
}

// Default limits.
const (
	DefaultMaxFileBytes = 1 << 20
	DefaultMaxDirBytes  = 8 << 20
	DefaultMaxDirs      = 256
)

func (l Limits) withDefaults() Limits {
	l.MaxFileBytes = positive.Or(l.MaxFileBytes, DefaultMaxFileBytes)
	l.MaxDirBytes = positive.Or(l.MaxDirBytes, DefaultMaxDirBytes)
	l.MaxDirs = positive.Or(l.MaxDirs, DefaultMaxDirs)
	return l
}

// tooLargeError reports a file over a size limit.
type tooLargeError struct {
	Path  string
	Size  int64
	Limit int64
}

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("%s: %d bytes exceeds the limit of %d bytes", e.Path, e.Size, e.Limit)
}

// readCapped reads a regular file of at most max bytes. It trusts neither
// Stat nor the reader: a file that grows past max while being read is
// refused too.
func readCapped(fsys fs.FS, name string, max int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("reading %s: not a regular file", name)
	}
	if st.Size() > max {
		return nil, &tooLargeError{Path: name, Size: st.Size(), Limit: max}
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if int64(len(b)) > max {
		return nil, &tooLargeError{Path: name, Size: int64(len(b)), Limit: max}
	}
	return b, nil
}

// regularOrDir reports whether a directory entry is a plain file or a
// directory. Symbolic links, git submodules, devices and the like are never
// followed: they could point outside the module's tree.
func regularOrDir(e fs.DirEntry) bool {
	return e.Type().IsRegular() || e.Type() == fs.ModeDir
}
