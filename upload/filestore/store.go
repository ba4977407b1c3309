package filestore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/regen-registry/regen/upload"
)

// tmpPrefix starts the names of temporary files; List skips them.
const tmpPrefix = ".regen-tmp-"

// Store is a folder holding a published registry tree.
type Store struct {
	root string
}

var _ upload.Store = (*Store)(nil)

// New returns the store rooted at dir, creating the folder if needed.
func New(dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("file store: empty folder name")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("file store %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("file store: creating %s: %w", abs, err)
	}
	return &Store{root: abs}, nil
}

// String returns the store's file:// URL.
func (s *Store) String() string { return "file://" + filepath.ToSlash(s.root) }

func (s *Store) path(key string) (string, error) {
	if err := upload.CheckKey(key); err != nil {
		return "", err
	}
	return filepath.Join(s.root, filepath.FromSlash(key)), nil
}

// Put writes the object through a temporary file renamed over the target.
func (s *Store) Put(ctx context.Context, key string, body io.ReadSeeker, size int64, _ upload.Meta) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("writing %s: %w", key, err)
	}
	p, err := s.path(key)
	if err != nil {
		return fmt.Errorf("writing object: %w", err)
	}
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		if errors.Is(err, syscall.ENOTDIR) || errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("writing %s: a file exists where a folder is needed: %w", key, err)
		}
		return fmt.Errorf("writing %s: %w", key, err)
	}
	if fi, err := os.Stat(p); err == nil && fi.IsDir() {
		return fmt.Errorf("writing %s: a folder exists at that path", key)
	}
	f, err := os.CreateTemp(dir, tmpPrefix+"*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", key, err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	n, err := io.Copy(f, body)
	if err != nil {
		return fmt.Errorf("writing %s: %w", key, err)
	}
	if size >= 0 && n != size {
		return fmt.Errorf("writing %s: body has %d bytes, want %d", key, n, size)
	}
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("writing %s: %w", key, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", key, err)
	}
	if err := os.Rename(tmp, p); err != nil {
		return fmt.Errorf("writing %s: %w", key, err)
	}
	ok = true
	return nil
}

// Get opens the object.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", key, err)
	}
	p, err := s.path(key)
	if err != nil {
		return nil, fmt.Errorf("reading object: %w", err)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", key, notFound(err))
	}
	fi, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("reading %s: %w", key, err)
	}
	if !fi.Mode().IsRegular() {
		_ = f.Close()
		return nil, fmt.Errorf("reading %s: %w", key, upload.ErrNotFound)
	}
	return f, nil
}

// Head returns the object's size and the sha256 of its content.
func (s *Store) Head(ctx context.Context, key string) (upload.ObjectInfo, error) {
	rc, err := s.Get(ctx, key)
	if err != nil {
		return upload.ObjectInfo{}, err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		return upload.ObjectInfo{}, fmt.Errorf("reading %s: %w", key, err)
	}
	return upload.ObjectInfo{Key: key, Size: n, Meta: upload.Meta{SHA256: hex.EncodeToString(h.Sum(nil))}}, nil
}

// Delete removes the object and the folders it leaves empty.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("deleting %s: %w", key, err)
	}
	p, err := s.path(key)
	if err != nil {
		return fmt.Errorf("deleting object: %w", err)
	}
	if fi, err := os.Lstat(p); err == nil && fi.IsDir() {
		return nil // a folder is not an object
	}
	if err := os.Remove(p); err != nil {
		if errors.Is(notFound(err), upload.ErrNotFound) {
			return nil
		}
		return fmt.Errorf("deleting %s: %w", key, err)
	}
	for dir := filepath.Dir(p); dir != s.root && strings.HasPrefix(dir, s.root); dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil {
			break // not empty (or gone): stop pruning
		}
	}
	return nil
}

// List walks the folder and reports every file whose key starts with
// prefix.
func (s *Store) List(ctx context.Context, prefix string, fn func(upload.ObjectInfo) error) error {
	start := s.root
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		start = filepath.Join(s.root, filepath.FromSlash(prefix[:i]))
	}
	err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == start {
				return fs.SkipAll
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !d.Type().IsRegular() || strings.HasPrefix(d.Name(), tmpPrefix) {
			return nil
		}
		rel, err := filepath.Rel(s.root, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if !strings.HasPrefix(key, prefix) {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // deleted while walking
			}
			return err
		}
		return fn(upload.ObjectInfo{Key: key, Size: fi.Size()})
	})
	if err != nil {
		return fmt.Errorf("listing %s under %q: %w", s, prefix, err)
	}
	return nil
}

// notFound maps "no such file" and "not a directory" to upload.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return fmt.Errorf("%w: %w", upload.ErrNotFound, err)
	}
	return err
}
