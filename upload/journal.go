package upload

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/regen-registry/regen/manifest"
)

// journalHeader marks journal segments (they use the manifest format).
const journalHeader = "journal"

// journal records, while an upload runs, which objects have reached the
// target, as numbered segments under JournalPrefix. Each segment is a
// partial manifest: the files written since the previous segment, grouped
// by entry; a file with an empty sha256 is a tombstone, written before the
// object is deleted. A run that completes deletes the journal after
// writing the remote manifest; a run that starts with a journal in place
// layers it over the remote manifest, so it neither re-sends what an
// interrupted run delivered nor forgets what that run may have deleted or
// created.
type journal struct {
	store    Store
	prefix   string // key prefix of segments in store
	every    int
	interval time.Duration

	mu        sync.Mutex
	buf       map[string][]manifest.File // entry → files written, not yet checkpointed
	n         int
	lastFlush time.Time

	writeMu sync.Mutex // orders segment writes
	next    int
	keys    []string // segments present: found at start and written since
}

// segmentName formats the key of segment n (zero-padded: names sort in
// write order).
func (j *journal) segmentName(n int) string { return fmt.Sprintf("%s%010d.gz", j.prefix, n) }

func newJournal(st *state, every int, interval time.Duration) *journal {
	return &journal{store: st.store, prefix: st.journalPrefix(), every: every, interval: interval, buf: map[string][]manifest.File{},
		lastFlush: time.Now(), next: st.next, keys: slices.Clone(st.segments)}
}

// add records that f (of entry) is on the target, checkpointing when
// enough objects or time have gone by since the last checkpoint.
func (j *journal) add(ctx context.Context, entry string, f manifest.File) error {
	j.mu.Lock()
	j.buf[entry] = append(j.buf[entry], f)
	j.n++
	due := j.n >= j.every || time.Since(j.lastFlush) >= j.interval
	j.mu.Unlock()
	if due {
		return j.flush(ctx)
	}
	return nil
}

// flush writes the recorded files as a new segment.
func (j *journal) flush(ctx context.Context) error {
	j.writeMu.Lock()
	defer j.writeMu.Unlock()
	j.mu.Lock()
	buf := j.buf
	j.buf, j.n, j.lastFlush = map[string][]manifest.File{}, 0, time.Now()
	j.mu.Unlock()
	if len(buf) == 0 {
		return nil
	}
	if err := j.writeSegment(ctx, buf); err != nil {
		// Put the records back: a later flush may still save them.
		j.mu.Lock()
		for e, fs := range buf {
			j.buf[e] = append(j.buf[e], fs...)
			j.n += len(fs)
		}
		j.mu.Unlock()
		return err
	}
	return nil
}

// tombstones writes, before anything is deleted, a segment marking paths
// as possibly gone.
func (j *journal) tombstones(ctx context.Context, doomed map[string][]manifest.File) error {
	j.writeMu.Lock()
	defer j.writeMu.Unlock()
	return j.writeSegment(ctx, doomed)
}

// writeSegment must be called with writeMu held.
func (j *journal) writeSegment(ctx context.Context, buf map[string][]manifest.File) error {
	var b bytes.Buffer
	w, err := manifest.NewGzipWriter(&b, manifest.Header{Options: journalHeader})
	if err != nil {
		return err
	}
	for _, key := range sortedKeys(buf) {
		files := buf[key]
		sort.Slice(files, func(a, b int) bool { return files[a].Path < files[b].Path })
		if err := w.Write(manifest.Entry{Key: key, Files: files}); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	key := j.segmentName(j.next)
	sum := sha256.Sum256(b.Bytes())
	meta := Meta{ContentType: "application/gzip", CacheControl: internalCacheControl, SHA256: hex.EncodeToString(sum[:])}
	if err := j.store.Put(ctx, key, bytes.NewReader(b.Bytes()), int64(b.Len()), meta); err != nil {
		return fmt.Errorf("writing upload checkpoint: %w", err)
	}
	j.next++
	j.keys = append(j.keys, key)
	return nil
}

// segments returns the keys of every segment present.
func (j *journal) segments() []string {
	j.writeMu.Lock()
	defer j.writeMu.Unlock()
	return append([]string(nil), j.keys...)
}

// fileLayer is a downloaded manifest or journal segment.
type fileLayer struct {
	name string // its key, for messages
	f    *os.File
}

// openLayers downloads the journal segments into temporary files and
// opens them, after the remote manifest base (if any), as entry streams.
// The files are closed by the returned function.
func openLayers(ctx context.Context, s Store, base *fileLayer, segments []string, tmp string) ([]*rawStream, func(), error) {
	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	var layers []*rawStream
	if base != nil {
		files = append(files, base.f)
		l, err := openRaw(base.name, base.f)
		if err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("reading the target's manifest (run with --verify to rebuild it from a listing): %w", err)
		}
		layers = append(layers, l)
	}
	for _, key := range segments {
		f, err := download(ctx, s, key, tmp)
		if err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("reading upload checkpoint: %w", err)
		}
		files = append(files, f)
		l, err := openRaw(key, f)
		if err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("reading upload checkpoint: %w", err)
		}
		layers = append(layers, l)
	}
	return layers, closeAll, nil
}
