package regdata

import (
	"io/fs"

	"github.com/regen-registry/regen/internal/safefile"
)

// Size caps of the files regen reads from a data folder: far above any
// real file (the largest provider file of the public registry is a few
// megabytes, a key a few kilobytes), low enough that a hostile file cannot
// exhaust memory.
const (
	// MaxDataFileSize caps provider and module files and the blacklist.
	MaxDataFileSize = 64 << 20
	// MaxKeyFileSize caps a key file.
	MaxKeyFileSize = 1 << 20
)

// ReadFile reads the data file rel (slash-separated, relative to Root).
// Only regular files inside the folder are read: a symbolic link (as the
// file or as a folder on the way), a device or a pipe is refused, as is a
// file larger than limit bytes. It also returns the stat of the file read.
func (d Dir) ReadFile(rel string, limit int64) ([]byte, fs.FileInfo, error) {
	return safefile.ReadFile(d.Root, rel, limit)
}
