package upload

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/regen-registry/regen/manifest"
)

// Where regen keeps its own objects in a publishing target. Everything
// under ".regen/" belongs to regen: it is never compared with the build
// nor deleted as stale, and web servers must not serve it.
const (
	// RemoteManifestKey holds a gzip-compressed copy of the build manifest
	// of the last completed upload.
	RemoteManifestKey = manifest.Path + ".gz"
	// RemoteManifestSumKey holds the hex sha256 of that build manifest (of
	// the local, uncompressed file): comparing it with the local
	// manifest's is the whole of a no-change upload.
	RemoteManifestSumKey = ".regen/manifest.sha256"
	// JournalPrefix holds checkpoints of an upload in progress (see the
	// package documentation).
	JournalPrefix = ".regen/journal/"
	// internalPrefix is the folder of regen's own objects.
	internalPrefix = ".regen/"
)

// isInternal reports whether key is one of regen's own objects.
func isInternal(key string) bool { return strings.HasPrefix(key, internalPrefix) }

// download copies key into a new temporary file in dir and returns it,
// positioned at the start. The error wraps ErrNotFound for a missing key.
func download(ctx context.Context, s Store, key, dir string) (*os.File, error) {
	rc, err := s.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	f, err := os.CreateTemp(dir, "regen-upload-remote-*")
	if err != nil {
		return nil, fmt.Errorf("downloading %s: %w", key, err)
	}
	_ = os.Remove(f.Name()) // unlinked: gone when closed, even after a crash
	if _, err := io.Copy(f, rc); err != nil {
		f.Close()
		return nil, fmt.Errorf("downloading %s from %s: %w", key, s, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("downloading %s: %w", key, err)
	}
	return f, nil
}

// readSmall reads a small object whole (at most limit bytes).
func readSmall(ctx context.Context, s Store, key string, limit int64) ([]byte, error) {
	rc, err := s.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s from %s: %w", key, s, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("reading %s from %s: larger than %d bytes", key, s, limit)
	}
	return b, nil
}
