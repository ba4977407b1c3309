package modsource

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// guardedStorage is go-git's filesystem storage with a checkpoint in front
// of pack indexing: a downloaded pack is spooled to a file, its object
// headers are checked against the limits, and only then handed to go-git,
// whose indexer holds each object in memory.
type guardedStorage struct {
	*filesystem.Storage
	ctx   context.Context
	lim   Limits
	spool string // folder for spooled packs
	// refused keeps the limit error of a refused pack: go-git may wrap or
	// replace the error a writer returns.
	refused error
}

// PackfileWriter implements storer.PackfileWriter, which go-git prefers to
// parsing a pack itself.
func (g *guardedStorage) PackfileWriter() (io.WriteCloser, error) {
	f, err := os.CreateTemp(g.spool, "pack-*")
	if err != nil {
		return nil, fmt.Errorf("spooling the pack: %w", err)
	}
	return &spoolWriter{g: g, f: f}, nil
}

type spoolWriter struct {
	g *guardedStorage
	f *os.File
	n int64
}

func (w *spoolWriter) Write(p []byte) (int, error) {
	if err := w.g.ctx.Err(); err != nil {
		return 0, err
	}
	if w.n+int64(len(p)) > w.g.lim.MaxPackBytes {
		w.g.refused = &LimitError{What: "the pack downloaded", Limit: w.g.lim.MaxPackBytes, Unit: "bytes"}
		return 0, w.g.refused
	}
	n, err := w.f.Write(p)
	w.n += int64(n)
	return n, err
}

// Close checks the spooled pack and, when it is within the limits, streams
// it into go-git's storage, which indexes it.
func (w *spoolWriter) Close() (err error) {
	defer func() {
		w.f.Close()
		os.Remove(w.f.Name())
	}()
	if _, err := w.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if err := checkPack(w.g.ctx, w.f, w.g.lim); err != nil {
		if IsLimit(err) {
			w.g.refused = err
		}
		return err
	}
	if _, err := w.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	pw, err := w.g.Storage.PackfileWriter()
	if err != nil {
		return err
	}
	if _, err := io.Copy(pw, w.f); err != nil {
		pw.Close()
		return err
	}
	return pw.Close()
}

// checkPack reads the object headers of the pack in r and refuses it when
// an object, the objects' count or their total inflated size exceeds lim.
// Base objects are refused from their header alone; for a delta, the delta
// itself (at most MaxFileBytes) is inflated to read the size of the object
// it produces. Inflation therefore stops at the first offending object and
// never exceeds MaxTotalBytes plus one object.
func checkPack(ctx context.Context, r io.ReadSeeker, lim Limits) error {
	s := packfile.NewScanner(r)
	_, count, err := s.Header()
	if err != nil {
		return fmt.Errorf("reading the pack: %w", err)
	}
	if int64(count) > int64(lim.MaxObjects) {
		return &LimitError{What: "the pack's object count", Got: int64(count), Limit: int64(lim.MaxObjects), Unit: "objects"}
	}
	var total int64
	for range count {
		if err := ctx.Err(); err != nil {
			return err
		}
		h, err := s.NextObjectHeader()
		if err != nil {
			return fmt.Errorf("reading the pack: %w", err)
		}
		size := h.Length
		if h.Type == plumbing.OFSDeltaObject || h.Type == plumbing.REFDeltaObject {
			if h.Length > lim.MaxFileBytes {
				return &LimitError{What: "a delta in the pack", Got: h.Length, Limit: lim.MaxFileBytes, Unit: "bytes"}
			}
			var head deltaHead
			if _, _, err := s.NextObject(&head); err != nil {
				return fmt.Errorf("reading the pack: %w", err)
			}
			size, err = head.targetSize()
			if err != nil {
				return fmt.Errorf("reading the pack: %w", err)
			}
		}
		if size > lim.MaxFileBytes {
			return &LimitError{What: "a file (git object) in the commit", Got: size, Limit: lim.MaxFileBytes, Unit: "bytes"}
		}
		total += size
		if total > lim.MaxTotalBytes {
			return &LimitError{What: "the commit's content", Limit: lim.MaxTotalBytes, Unit: "bytes"}
		}
	}
	return nil
}

// deltaHead keeps the first bytes of a delta: two varints, the sizes of the
// base and of the result.
type deltaHead struct {
	b []byte
}

func (d *deltaHead) Write(p []byte) (int, error) {
	if room := 32 - len(d.b); room > 0 {
		d.b = append(d.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (d *deltaHead) targetSize() (int64, error) {
	b := d.b
	for i := range 2 {
		var v int64
		var shift uint
		for {
			if len(b) == 0 || shift > 56 {
				return 0, errors.New("malformed delta header")
			}
			c := b[0]
			b = b[1:]
			v |= int64(c&0x7f) << shift
			shift += 7
			if c&0x80 == 0 {
				break
			}
		}
		if i == 1 {
			return v, nil
		}
	}
	return 0, errors.New("malformed delta header")
}
