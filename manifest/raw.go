package manifest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// RawReader streams a manifest's entries as their encoded lines, decoding
// only the key. A diff of two manifests written by Writer can compare an
// entry's lines byte for byte and decode (DecodeEntry) only the entries
// that differ: most of a large registry's entries do not change between
// two builds.
type RawReader struct {
	br     *bufio.Reader
	header Header
	last   string
	n      int // lines read, for messages
}

// NewRawReader reads the header from r, plain or gzip-compressed.
func NewRawReader(r io.Reader) (*RawReader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("reading manifest: %w", err)
		}
		br = bufio.NewReaderSize(gz, 1<<16)
	}
	rr := &RawReader{br: br}
	line, err := rr.line()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("reading manifest header: %w", err)
	}
	if err := json.Unmarshal(line, &rr.header); err != nil {
		return nil, fmt.Errorf("reading manifest header: %w", err)
	}
	if rr.header.Format != Format {
		return nil, fmt.Errorf("reading manifest: unknown format %q (want %q)", rr.header.Format, Format)
	}
	return rr, nil
}

// Header returns the manifest's header.
func (r *RawReader) Header() Header { return r.header }

// line returns the next non-blank line without its newline.
func (r *RawReader) line() ([]byte, error) {
	for {
		b, err := r.br.ReadBytes('\n')
		if len(b) == 0 && err != nil {
			return nil, err
		}
		r.n++
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		if t := bytes.TrimSpace(b); len(t) > 0 {
			return t, nil
		}
	}
}

// Next returns the next entry's key and encoded line (one JSON object, no
// newline), or io.EOF after the last entry.
func (r *RawReader) Next() (string, []byte, error) {
	line, err := r.line()
	if errors.Is(err, io.EOF) {
		return "", nil, io.EOF
	}
	if err != nil {
		return "", nil, fmt.Errorf("reading manifest entry after %q: %w", r.last, err)
	}
	key, err := entryKey(line)
	if err != nil {
		return "", nil, fmt.Errorf("reading manifest line %d (after %q): %w", r.n, r.last, err)
	}
	if r.last != "" && key <= r.last {
		return "", nil, fmt.Errorf("manifest entry %q follows %q: not sorted", key, r.last)
	}
	r.last = key
	return key, line, nil
}

// entryPrefix starts every line Writer writes: Entry's first field.
var entryPrefix = []byte(`{"entry":"`)

// entryKey extracts an entry line's key, cheaply when the line starts the
// way Writer writes it.
func entryKey(line []byte) (string, error) {
	if bytes.HasPrefix(line, entryPrefix) {
		rest := line[len(entryPrefix):]
		escaped := false
		for i := 0; i < len(rest); i++ {
			switch rest[i] {
			case '\\':
				escaped = true
				i++ // the escaped byte cannot end the string
			case '"':
				if !escaped && plainKey(rest[:i]) {
					return string(rest[:i]), nil
				}
				var key string
				if err := json.Unmarshal(line[len(entryPrefix)-1:len(entryPrefix)+i+1], &key); err != nil {
					return "", err
				}
				return key, nil
			}
		}
	}
	var e struct {
		Key *string `json:"entry"`
	}
	if err := json.Unmarshal(line, &e); err != nil {
		return "", err
	}
	if e.Key == nil {
		return "", errors.New(`entry without "entry" key`)
	}
	return *e.Key, nil
}

// plainKey reports whether b can be taken as a key without JSON
// decoding: valid UTF-8 without control bytes.
func plainKey(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return false
		}
	}
	return utf8.Valid(b)
}

// DecodeEntry decodes a line returned by RawReader.Next.
func DecodeEntry(line []byte) (Entry, error) {
	var e Entry
	if err := json.Unmarshal(line, &e); err != nil {
		return Entry{}, fmt.Errorf("decoding manifest entry: %w", err)
	}
	return e, nil
}

// filePrefix starts every encoded File.
var filePrefix = []byte(`{"path":`)

// CountFiles returns how many files an entry line written by Writer holds,
// without decoding it.
func CountFiles(line []byte) int { return bytes.Count(line, filePrefix) }
