package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// ErrNotRegular is returned for a path that is not a regular file inside
// the folder: a symbolic link (as the file or as any folder on the way),
// a device, a FIFO or a socket.
var ErrNotRegular = errors.New("not a regular file (symbolic links, devices and pipes are not read)")

// ErrIsDir is returned by Open for a path that is a folder.
var ErrIsDir = errors.New("is a folder")

// ErrTooLarge is returned by ReadFile for a file larger than its cap.
var ErrTooLarge = errors.New("file too large")

// Open opens rel, a slash-separated path inside the folder root, for
// reading. Every folder on the way must be a real folder (not a symbolic
// link) and rel itself a regular file; the checks are repeated on the
// open file, so a file swapped for a link or a pipe after the check is
// refused too. A missing file is an error matching fs.ErrNotExist. Errors
// do not repeat rel (callers name the file); they name a folder on the way
// when that is the problem.
func Open(root, rel string) (*os.File, fs.FileInfo, error) {
	if !fs.ValidPath(rel) || rel == "." {
		return nil, nil, fmt.Errorf("%q: not a path inside the folder", rel)
	}
	full := root
	parts := strings.Split(rel, "/")
	for i, p := range parts {
		full = filepath.Join(full, p)
		fi, err := os.Lstat(full)
		if err != nil {
			return nil, nil, err
		}
		if i < len(parts)-1 {
			switch {
			case fi.Mode()&fs.ModeSymlink != 0:
				return nil, nil, fmt.Errorf("folder %s is a symbolic link: %w", path.Join(parts[:i+1]...), ErrNotRegular)
			case !fi.IsDir():
				return nil, nil, fmt.Errorf("%s is not a folder: %w", path.Join(parts[:i+1]...), fs.ErrNotExist)
			}
			continue
		}
		if fi.IsDir() {
			return nil, nil, ErrIsDir
		}
		if err := regular(fi); err != nil {
			return nil, nil, err
		}
	}
	f, err := os.OpenFile(full, os.O_RDONLY|openFlags, 0)
	if err != nil {
		if isLoop(err) {
			return nil, nil, fmt.Errorf("a symbolic link: %w", ErrNotRegular)
		}
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if err := regular(fi); err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, fi, nil
}

// regular refuses anything but a regular file, saying what it is.
func regular(fi fs.FileInfo) error {
	m := fi.Mode()
	switch {
	case m.IsRegular():
		return nil
	case m&fs.ModeSymlink != 0:
		return fmt.Errorf("a symbolic link: %w", ErrNotRegular)
	case m&fs.ModeNamedPipe != 0:
		return fmt.Errorf("a named pipe: %w", ErrNotRegular)
	case m&fs.ModeDevice != 0:
		return fmt.Errorf("a device: %w", ErrNotRegular)
	case m&fs.ModeSocket != 0:
		return fmt.Errorf("a socket: %w", ErrNotRegular)
	}
	return ErrNotRegular
}

// ReadFile reads the regular file rel inside root (see Open), refusing
// one larger than limit bytes with an error matching ErrTooLarge. It also
// returns the stat of the file read.
func ReadFile(root, rel string, limit int64) ([]byte, fs.FileInfo, error) {
	f, fi, err := Open(root, rel)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	data, err := ReadAll(f, fi.Size(), limit)
	if err != nil {
		return nil, nil, err
	}
	return data, fi, nil
}

// ReadAll reads r to its end, refusing more than limit bytes with an error
// matching ErrTooLarge. size is the expected size (a stat's), used to
// size the buffer and to refuse a file already known to be too large.
func ReadAll(r io.Reader, size, limit int64) ([]byte, error) {
	if size > limit {
		return nil, fmt.Errorf("%d bytes, more than the %d allowed: %w", size, limit, ErrTooLarge)
	}
	data := make([]byte, 0, min(max(size, 0), limit)+1)
	lr := &io.LimitedReader{R: r, N: limit + 1}
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := lr.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("more than the %d bytes allowed: %w", limit, ErrTooLarge)
	}
	return data, nil
}
