package build

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"time"
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

// readData reads a data file and returns its bytes, their hex sha256 and
// the stat of the file read (taken on the open file).
func readData(p string) ([]byte, string, dataStat, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, "", dataStat{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, "", dataStat{}, err
	}
	data := make([]byte, 0, fi.Size()+1)
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, "", dataStat{}, fmt.Errorf("reading %s: %w", p, err)
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
	sum := sha256.Sum256(data)
	return data, hex.EncodeToString(sum[:]), statOf(fi), nil
}
