package manifest

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Writer streams a manifest. Entries must be written in strictly increasing
// Key order. The local manifest is plain ndjson (fast to copy through on an
// incremental build); use NewGzipWriter for a compressed copy.
type Writer struct {
	gz      *gzip.Writer // nil when not compressing
	bw      *bufio.Writer
	enc     *json.Encoder
	lastKey string
	started bool
}

// NewWriter writes the header to w and returns a Writer for the entries.
// Close must be called to flush the compressed stream.
func NewWriter(w io.Writer, h Header) (*Writer, error) {
	return newWriter(w, nil, h)
}

// NewGzipWriter is NewWriter with gzip compression (for remote copies).
func NewGzipWriter(w io.Writer, h Header) (*Writer, error) {
	gz, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
	return newWriter(gz, gz, h)
}

func newWriter(w io.Writer, gz *gzip.Writer, h Header) (*Writer, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	mw := &Writer{gz: gz, bw: bw, enc: json.NewEncoder(bw)}
	mw.enc.SetEscapeHTML(false)
	if h.Format == "" {
		h.Format = Format
	}
	if err := mw.enc.Encode(h); err != nil {
		return nil, fmt.Errorf("writing manifest header: %w", err)
	}
	return mw, nil
}

// Write appends one entry.
func (w *Writer) Write(e Entry) error {
	if w.started && e.Key <= w.lastKey {
		return fmt.Errorf("manifest entry %q written after %q: entries must be sorted and unique", e.Key, w.lastKey)
	}
	w.started, w.lastKey = true, e.Key
	if err := w.enc.Encode(e); err != nil {
		return fmt.Errorf("writing manifest entry %q: %w", e.Key, err)
	}
	return nil
}

// Close flushes the manifest. It does not close the underlying writer.
func (w *Writer) Close() error {
	if err := w.bw.Flush(); err != nil {
		return fmt.Errorf("flushing manifest: %w", err)
	}
	if w.gz == nil {
		return nil
	}
	if err := w.gz.Close(); err != nil {
		return fmt.Errorf("flushing manifest: %w", err)
	}
	return nil
}

// Reader streams a manifest written by Writer.
type Reader struct {
	dec    *json.Decoder
	header Header
	last   string
}

// NewReader reads the header from r. Plain and gzip-compressed manifests
// are both accepted.
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	var src io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("reading manifest: %w", err)
		}
		src = gz
	}
	mr := &Reader{dec: json.NewDecoder(src)}
	if err := mr.dec.Decode(&mr.header); err != nil {
		return nil, fmt.Errorf("reading manifest header: %w", err)
	}
	if mr.header.Format != Format {
		return nil, fmt.Errorf("reading manifest: unknown format %q (want %q)", mr.header.Format, Format)
	}
	return mr, nil
}

// Header returns the manifest's header.
func (r *Reader) Header() Header { return r.header }

// Next returns the next entry, or io.EOF after the last one.
func (r *Reader) Next() (Entry, error) {
	var e Entry
	if err := r.dec.Decode(&e); err != nil {
		if errors.Is(err, io.EOF) {
			return Entry{}, io.EOF
		}
		return Entry{}, fmt.Errorf("reading manifest entry after %q: %w", r.last, err)
	}
	if r.last != "" && e.Key <= r.last {
		return Entry{}, fmt.Errorf("manifest entry %q follows %q: not sorted", e.Key, r.last)
	}
	r.last = e.Key
	return e, nil
}
