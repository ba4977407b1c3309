package upload

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
)

// Where regen keeps its own objects in a publishing target. Everything
// under ".regen/" belongs to regen: it is never compared with the build
// nor deleted as stale or unowned, and web servers must not serve it.
//
// The upload state (see state.go) lives in a folder of its own under
// ".regen/" whose name holds 128 random bits, or in a separate location
// (Options.State), so that a host that serves every object of the bucket
// (plain S3 behind CloudFront, an nginx folder) does not hand out the list
// of everything regen published to whoever asks for a known name.
const (
	// ManifestName is the state object holding a gzip-compressed copy of
	// the build manifest of the last completed upload.
	ManifestName = "manifest.ndjson.gz"
	// ManifestSumName is the state object holding the hex sha256 of that
	// build manifest (of the local, uncompressed file): comparing it with
	// the local manifest's is the whole of a no-change upload.
	ManifestSumName = "manifest.sha256"
	// JournalDir is the state folder holding checkpoints of an upload in
	// progress (see the package documentation).
	JournalDir = "journal/"
	// StateDirPrefix starts the name of the state folder in a target:
	// ".regen/state-" and 32 random hex digits.
	StateDirPrefix = internalPrefix + "state-"
	// internalPrefix is the folder of regen's own objects.
	internalPrefix = ".regen/"
	// legacyPrefix is where regen up to this version kept its state: at
	// known names, readable wherever the bucket is public. A run finding
	// it there reads it, then moves it (see state.go).
	legacyPrefix = internalPrefix
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
