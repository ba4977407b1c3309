package build

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"time"

	"github.com/regen-registry/regen/regdata"
)

// dataStat identifies a version of a data file without reading it.
type dataStat struct {
	size  int64
	mtime int64 // ns
	ino   uint64
}

// racyWindow: a data file modified this close to the start of a build may
// change again within the file system's timestamp granularity, so its stat
// is not trusted to stand for its bytes next time.
const racyWindow = 2 * time.Second

func statOf(fi os.FileInfo) dataStat {
	return dataStat{size: fi.Size(), mtime: fi.ModTime().UnixNano(), ino: inode(fi)}
}

// readData reads the data file rel (only a regular file inside the data
// folder, at most regdata.MaxDataFileSize bytes) and returns its bytes,
// their hex sha256 and the stat of the file read (taken on the open file).
func readData(d regdata.Dir, rel string) ([]byte, string, dataStat, error) {
	data, fi, err := d.ReadFile(rel, regdata.MaxDataFileSize)
	if err != nil {
		return nil, "", dataStat{}, err
	}
	sum := sha256.Sum256(data)
	return data, hex.EncodeToString(sum[:]), statOf(fi), nil
}
