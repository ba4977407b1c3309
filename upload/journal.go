package upload

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
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
func segmentName(n int) string { return fmt.Sprintf("%s%010d.gz", JournalPrefix, n) }

// listJournal returns the journal's segment keys in order and the number
// the next segment takes.
func listJournal(ctx context.Context, s Store) ([]string, int, error) {
	var keys []string
	next := 1
	err := s.List(ctx, JournalPrefix, func(o ObjectInfo) error {
		name := strings.TrimPrefix(o.Key, JournalPrefix)
		num, ok := strings.CutSuffix(name, ".gz")
		n, err := strconv.Atoi(num)
		if !ok || err != nil || strings.Contains(name, "/") {
			return nil // not ours; leave it alone
		}
		keys = append(keys, o.Key)
		next = max(next, n+1)
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("listing the journal: %w", err)
	}
	sort.Strings(keys)
	return keys, next, nil
}

func newJournal(s Store, existing []string, next, every int, interval time.Duration) *journal {
	return &journal{store: s, every: every, interval: interval, buf: map[string][]manifest.File{},
		lastFlush: time.Now(), next: next, keys: existing}
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
	key := segmentName(j.next)
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

// openLayers downloads the journal segments into temporary files and
// opens them, after the remote manifest base (if any), as entry streams.
// The files are closed by the returned function.
func openLayers(ctx context.Context, s Store, base *os.File, segments []string, tmp string) ([]*rawStream, func(), error) {
	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	var layers []*rawStream
	if base != nil {
		files = append(files, base)
		l, err := openRaw(RemoteManifestKey, base)
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
