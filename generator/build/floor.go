package build

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/regen-registry/regen/manifest"
)

// FloorResult is what Floor wrote and how long the writing took.
type FloorResult struct {
	Files    int
	Bytes    int64
	Duration time.Duration
}

// Floor is the benchmark's disk floor: for every file listed in the
// manifest at manifestPath it writes a zero-filled file of the same path
// and size under out (which must not exist), with the same write path as
// Run (writeFile, one folder cache per entry) and the same parallelism
// (jobs entries at once), but nothing else: no data reading, generation,
// hashing, manifest or staging. Only the writing is timed; the manifest is
// read beforehand.
func Floor(ctx context.Context, manifestPath, out string, jobs int) (FloorResult, error) {
	type file struct {
		path string
		size int64
	}
	f, err := os.Open(manifestPath)
	if err != nil {
		return FloorResult{}, err
	}
	r, err := manifest.NewReader(f)
	if err != nil {
		f.Close()
		return FloorResult{}, err
	}
	var entries [][]file
	var res FloorResult
	var largest int64
	for {
		e, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			f.Close()
			return FloorResult{}, err
		}
		fs := make([]file, len(e.Files))
		for i, mf := range e.Files {
			fs[i] = file{mf.Path, mf.Size}
			largest = max(largest, mf.Size)
			res.Bytes += mf.Size
		}
		res.Files += len(fs)
		entries = append(entries, fs)
	}
	f.Close()
	if _, err := os.Stat(out); err == nil {
		return FloorResult{}, fmt.Errorf("floor output %s already exists", out)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return FloorResult{}, err
	}
	zeros := make([]byte, largest)
	start := time.Now()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(jobs)
	for _, fs := range entries {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			dirs := dirCache{}
			for _, f := range fs {
				if err := writeFile(out, f.path, zeros[:f.size], dirs); err != nil {
					return err
				}
			}
			return nil
		})
	}
	err = g.Wait()
	res.Duration = time.Since(start)
	return res, err
}
