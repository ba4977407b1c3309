package build

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/regen-registry/regen/manifest"
)

// maxDataErrors is how many bad data files a build reports before it stops
// looking for more.
const maxDataErrors = 50

// job is one entry moving through the pipeline.
type job struct {
	e    entry
	old  *prevEntry // the previous build's record of this key, if any
	done chan struct{}

	input     string
	stat      dataStat // data file stat to record in the index (zero: do not trust)
	dataSum   string
	line      []byte   // the new manifest line (nil when reused or in lineFile)
	lineFile  *os.File // the new manifest line of an entry too large for memory
	lineN     int64    // its length
	reused    bool     // the previous line is copied through
	files     int
	staged    []staged
	deletes   []string
	written   int
	unchanged int
	bytes     int64
	dropped   int
	dataErr   error // a problem with the data (reported, build fails)
}

// result is what the pipeline hands to the commit step.
type result struct {
	Summary
	staged  []staged
	deletes []string
	dirty   []string // keys of entries whose files change on disk
	errs    []error
}

// pipeline generates every entry with bounded parallelism and writes the
// manifest (header, then one line per entry in key order) to mf and the
// side index's entry lines to idx. prev is the previous build for an
// incremental build, nil for a full one.
func (b *builder) pipeline(ctx context.Context, entries []entry, prev *previous, mf *os.File, idx io.Writer) (*result, error) {
	out := &manifestOut{f: mf, bw: bufio.NewWriterSize(mf, 1<<20), prev: prev}
	var hdr bytes.Buffer
	if err := encodeLine(&hdr, manifest.Header{Format: manifest.Format, Options: b.optionsDigest()}); err != nil {
		return nil, fmt.Errorf("writing manifest header: %w", err)
	}
	if err := out.writeLine(hdr.Bytes()); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(b.jobs)
	window := make(chan struct{}, b.window())
	order := make(chan *job, b.window())
	res := &result{}
	collected := make(chan error, 1)
	go func() { collected <- b.collect(order, window, out, bufio.NewWriterSize(idx, 64<<10), res, cancel) }()

	var olds *prevReader
	if prev != nil {
		var err error
		if olds, err = prev.entries(); err != nil {
			cancel()
			close(order)
			<-collected
			return nil, err
		}
	}
	var removed []prevEntry // in the old tree, gone from the data
	// advance moves the previous entries up to key (all of them when key
	// is ""), returning the one of that key.
	advance := func(key string) *prevEntry {
		if olds == nil {
			return nil
		}
		for o := olds.peek(); o != nil && (key == "" || o.key <= key); o = olds.peek() {
			olds.pop()
			if o.key == key {
				return o
			}
			removed = append(removed, *o)
		}
		return nil
	}
dispatch:
	for _, e := range entries {
		b.held.waitBelow(gctx, heldLineBytes)
		select {
		case window <- struct{}{}:
		case <-gctx.Done():
			break dispatch
		}
		j := &job{e: e, done: make(chan struct{}), old: advance(e.key)}
		order <- j
		data := b.disc != nil && e.kind != kindGlobal
		if data {
			b.disc.pending.Add(1)
		}
		g.Go(func() error {
			defer close(j.done)
			if data {
				defer b.disc.pending.Done()
			}
			return b.process(gctx, j)
		})
	}
	advance("")
	close(order)
	gErr := g.Wait()
	cErr := <-collected
	if err := errors.Join(gErr, cErr); err != nil {
		return nil, err
	}
	if olds != nil && olds.Err() != nil {
		return nil, olds.Err()
	}
	if err := ctx.Err(); err != nil && len(res.errs) == 0 {
		return nil, err
	}
	if len(res.errs) > 0 {
		return res, nil
	}
	for i := range removed {
		o := &removed[i]
		err := prev.eachFile(o, func(f manifest.File) error {
			res.deletes = append(res.deletes, f.Path)
			res.Deleted++
			return nil
		})
		if err != nil {
			return nil, err
		}
		res.Removed++
		res.dirty = append(res.dirty, o.key)
	}
	if err := out.flush(); err != nil {
		return nil, err
	}
	return res, nil
}

// heldLineBytes bounds the manifest lines that finished entries hold
// while an earlier entry is still being generated: past it, no new entry
// starts until the collector catches up.
const heldLineBytes = 4 << 20

// heldBytes counts bytes held by finished entries; the dispatcher waits
// for it to drop below a bound. It cannot deadlock: only the collector,
// which never waits for the dispatcher, lowers it.
type heldBytes struct {
	mu   sync.Mutex
	cond *sync.Cond
	n    int64
}

func (h *heldBytes) add(n int64) {
	if n == 0 {
		return
	}
	h.mu.Lock()
	h.n += n
	if h.cond != nil && n < 0 {
		h.cond.Broadcast()
	}
	h.mu.Unlock()
}

// waitBelow waits until fewer than limit bytes are held or ctx is done
// (the collector keeps draining, so a cancelled build gets here soon).
func (h *heldBytes) waitBelow(ctx context.Context, limit int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cond == nil {
		h.cond = sync.NewCond(&h.mu)
	}
	if h.n < limit {
		return
	}
	stop := context.AfterFunc(ctx, func() {
		h.mu.Lock()
		h.cond.Broadcast()
		h.mu.Unlock()
	})
	defer stop()
	for h.n >= limit && ctx.Err() == nil {
		h.cond.Wait()
	}
}

// window is how many entries may be in flight (started but not yet
// written to the manifest): enough that one huge provider does not stall
// the others, small enough to bound memory.
func (b *builder) window() int { return max(1024, b.jobs*128) }

// collect writes finished jobs' manifest lines in order and gathers their
// results. It stops writing (but keeps draining) after the first failure.
func (b *builder) collect(order <-chan *job, window <-chan struct{}, out *manifestOut, idx *bufio.Writer, res *result, cancel func()) error {
	var werr error
	var line []byte
	for j := range order {
		<-j.done
		<-window
		b.held.add(-int64(len(j.line)))
		b.prog.Done()
		if j.dataErr != nil {
			res.errs = append(res.errs, j.dataErr)
			if len(res.errs) >= maxDataErrors {
				cancel()
			}
			continue
		}
		if (j.line == nil && j.lineFile == nil && !j.reused) || werr != nil || len(res.errs) > 0 {
			if j.lineFile != nil {
				j.lineFile.Close()
			}
			continue // failed or cancelled: the pipeline reports why
		}
		rec := prevEntry{key: j.e.key, input: j.input, off: out.pos, files: j.files, stat: j.stat, dataSum: j.dataSum}
		switch {
		case j.reused:
			rec.n = j.old.n
			werr = out.copyLine(j.old.off, j.old.n)
		case j.lineFile != nil:
			rec.n = j.lineN
			werr = out.copyFile(j.lineFile, j.lineN)
			j.lineFile.Close()
		default:
			rec.n = int64(len(j.line))
			werr = out.writeLine(j.line)
		}
		if werr != nil {
			cancel()
			continue
		}
		line = appendIndexLine(line[:0], &rec)
		if _, werr = idx.Write(line); werr != nil {
			werr = fmt.Errorf("writing the side index: %w", werr)
			cancel()
			continue
		}
		res.Entries++
		if j.reused {
			res.Reused++
		} else {
			res.Regenerated++
		}
		res.Written += j.written
		res.Unchanged += j.unchanged
		res.Deleted += len(j.deletes)
		res.Bytes += j.bytes
		res.Dropped += j.dropped
		res.staged = append(res.staged, j.staged...)
		res.deletes = append(res.deletes, j.deletes...)
		if len(j.staged) > 0 || len(j.deletes) > 0 {
			res.dirty = append(res.dirty, j.e.key)
		}
	}
	if werr == nil {
		if werr = idx.Flush(); werr != nil {
			werr = fmt.Errorf("writing the side index: %w", werr)
		}
	}
	return werr
}

// manifestOut writes the new manifest: new lines through a buffer, and
// unchanged entries' lines as byte ranges copied from the previous
// manifest (adjacent ranges merged; copy_file_range where the OS has it).
type manifestOut struct {
	f       *os.File
	bw      *bufio.Writer
	prev    *previous
	pos     int64 // bytes written so far (buffered included)
	pendOff int64 // pending range of the previous manifest
	pendN   int64
}

func (m *manifestOut) writeLine(line []byte) error {
	if err := m.flushRange(); err != nil {
		return err
	}
	if _, err := m.bw.Write(line); err != nil {
		return fmt.Errorf("writing manifest: %w", err)
	}
	m.pos += int64(len(line))
	return nil
}

func (m *manifestOut) copyLine(off, n int64) error {
	if m.pendN > 0 && m.pendOff+m.pendN == off {
		m.pendN += n
	} else {
		if err := m.flushRange(); err != nil {
			return err
		}
		m.pendOff, m.pendN = off, n
	}
	m.pos += n
	return nil
}

// copyFile appends the first n bytes of f (a line written to disk).
func (m *manifestOut) copyFile(f *os.File, n int64) error {
	if err := m.flushRange(); err != nil {
		return err
	}
	if err := m.bw.Flush(); err != nil {
		return fmt.Errorf("writing manifest: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("writing manifest: %w", err)
	}
	got, err := m.f.ReadFrom(&io.LimitedReader{R: f, N: n})
	if err == nil && got != n {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return fmt.Errorf("writing manifest: %w", err)
	}
	m.pos += n
	return nil
}

func (m *manifestOut) flushRange() error {
	if m.pendN == 0 {
		return nil
	}
	if err := m.bw.Flush(); err != nil {
		return fmt.Errorf("writing manifest: %w", err)
	}
	if _, err := m.prev.f.Seek(m.pendOff, io.SeekStart); err != nil {
		return fmt.Errorf("reading previous manifest: %w", err)
	}
	n, err := m.f.ReadFrom(&io.LimitedReader{R: m.prev.f, N: m.pendN})
	if err == nil && n != m.pendN {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return fmt.Errorf("copying unchanged entries from the previous manifest: %w", err)
	}
	m.pendN = 0
	return nil
}

func (m *manifestOut) flush() error {
	if err := m.flushRange(); err != nil {
		return err
	}
	if err := m.bw.Flush(); err != nil {
		return fmt.Errorf("writing manifest: %w", err)
	}
	return nil
}

// encodeLine writes v as one JSON line the way manifest.Writer does.
func encodeLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// entryLine renders a manifest entry line exactly as manifest.Writer
// does. Entries whose strings need no escaping (all that the generator
// makes: safe path segments, hex digests, content types) are rendered by
// appending bytes; anything else goes through encoding/json.
func entryLine(e manifest.Entry) ([]byte, error) {
	if line, ok := appendEntryLine(nil, e); ok {
		return line, nil
	}
	var b bytes.Buffer
	if err := encodeLine(&b, e); err != nil {
		return nil, fmt.Errorf("encoding manifest entry %q: %w", e.Key, err)
	}
	return b.Bytes(), nil
}

func appendEntryLine(b []byte, e manifest.Entry) ([]byte, bool) {
	ok := true
	str := func(s string) {
		if !plain(s) {
			ok = false
		}
		b = append(b, '"')
		b = append(b, s...)
		b = append(b, '"')
	}
	b = append(b, `{"entry":`...)
	str(e.Key)
	b = append(b, `,"input":`...)
	str(e.Input)
	if e.Files == nil {
		return nil, false
	}
	b = append(b, `,"files":[`...)
	for i, f := range e.Files {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"path":`...)
		str(f.Path)
		b = append(b, `,"sha256":`...)
		str(f.SHA256)
		b = append(b, `,"size":`...)
		b = strconv.AppendInt(b, f.Size, 10)
		b = append(b, `,"type":`...)
		str(f.Type)
		b = append(b, `,"class":`...)
		str(string(f.Class))
		b = append(b, '}')
	}
	b = append(b, "]}\n"...)
	return b, ok
}

// plain reports whether JSON writes s between quotes unchanged (with HTML
// escaping off): printable ASCII other than '"' and '\\'.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
