package build

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/regen-registry/regen/manifest"
)

// IndexPath is the build's side index next to the manifest: one line per
// manifest entry with its Input, where its line sits in the manifest and
// the stat of its data file when it was hashed. A rebuild reads this small
// file instead of the manifest: unchanged data files are recognised by
// their stat without being read, and unchanged entries' manifest lines are
// copied through as byte ranges (copy_file_range) without being read into
// the process. It is only a cache: when it is missing or does not match
// the manifest (size and modification time recorded in its header), the
// manifest is scanned instead.
//
//	regen-inputs/1 <TAB> <manifest size> <TAB> <manifest mtime, ns>
//	<key> <TAB> <input> <TAB> <offset> <TAB> <length> <TAB> <files> <TAB> <data size> <TAB> <data mtime ns> <TAB> <data inode> <TAB> <data sha256|->
const IndexPath = ".regen/inputs.tsv"

const indexFormat = "regen-inputs/1"

// maxIndexLine bounds one side index line (keys and inputs are short).
const maxIndexLine = 64 << 10

// prevEntry is one entry of the previous build.
type prevEntry struct {
	key     string
	input   string
	off, n  int64 // its line in the previous manifest
	files   int
	stat    dataStat // the data file when it was hashed (zero: unknown)
	dataSum string   // hex sha256 of the data file ("" if unknown)
}

// previous is the previous build: its manifest (open, for reading single
// lines and copying ranges) and a side index of its entries in key order,
// read as a stream (see entries) so that a rebuild's memory does not grow
// with the registry.
type previous struct {
	header  manifest.Header
	f       *os.File
	index   *os.File // side index listing the entries (the tree's, or an unlinked one made by scanning the manifest)
	indexed bool     // the tree's own side index is used (else the manifest was scanned)
}

// openPrevious opens the manifest of the tree at out and checks its side
// index, or scans the manifest into a temporary index when the side index
// is missing, stale or damaged.
func openPrevious(out string) (*previous, error) {
	p := filepath.Join(out, filepath.FromSlash(manifest.Path))
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("opening previous manifest: %w", err)
	}
	prev := &previous{f: f}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("opening previous manifest: %w", err)
	}
	br := bufio.NewReaderSize(f, 1<<16)
	line, err := br.ReadBytes('\n')
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("reading previous manifest header: %w", err)
	}
	if err := json.Unmarshal(line, &prev.header); err != nil {
		f.Close()
		return nil, fmt.Errorf("reading previous manifest header: %w", err)
	}
	idx := filepath.Join(out, filepath.FromSlash(IndexPath))
	if checkIndex(idx, fi.Size(), fi.ModTime().UnixNano()) == nil {
		if prev.index, err = os.Open(idx); err == nil {
			prev.indexed = true
			return prev, nil
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(idx), "inputs.scan-")
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("scanning previous manifest: %w", err)
	}
	os.Remove(tmp.Name()) // unlinked: gone when closed, whatever happens
	prev.index = tmp
	if err := scanManifest(br, int64(len(line)), tmp); err != nil {
		prev.Close()
		return nil, err
	}
	return prev, nil
}

// Close closes the manifest and the side index.
func (p *previous) Close() error {
	p.index.Close()
	return p.f.Close()
}

// eachFile calls fn for every file of an entry, decoding its manifest line
// as a stream: the registry-wide entry lists tens of thousands of files.
func (p *previous) eachFile(e *prevEntry, fn func(manifest.File) error) error {
	bad := func(err error) error {
		return fmt.Errorf("reading previous manifest entry %q: not the expected line (%v); rerun with --full", e.key, err)
	}
	dec := json.NewDecoder(bufio.NewReaderSize(io.NewSectionReader(p.f, e.off, e.n), 32<<10))
	if err := expectDelim(dec, '{'); err != nil {
		return bad(err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return bad(err)
		}
		switch tok {
		case "entry":
			var key string
			if err := dec.Decode(&key); err != nil {
				return bad(err)
			}
			if key != e.key {
				return bad(fmt.Errorf("entry %q", key))
			}
		case "files":
			if err := expectDelim(dec, '['); err != nil {
				return bad(err)
			}
			for dec.More() {
				var f manifest.File
				if err := dec.Decode(&f); err != nil {
					return bad(err)
				}
				if err := fn(f); err != nil {
					return err
				}
			}
			if err := expectDelim(dec, ']'); err != nil {
				return bad(err)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return bad(err)
			}
		}
	}
	return nil
}

func expectDelim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != d {
		return fmt.Errorf("found %v, want %v", tok, d)
	}
	return nil
}

// entries returns a reader of the previous build's entries in key order.
func (p *previous) entries() (*prevReader, error) {
	r := &prevReader{br: bufio.NewReaderSize(io.NewSectionReader(p.index, 0, 1<<62), 64<<10)}
	if _, err := r.readLine(); err != nil { // the header, checked before
		return nil, fmt.Errorf("reading the previous build's side index: %w", err)
	}
	return r, nil
}

// prevReader reads the side index one entry at a time.
type prevReader struct {
	br   *bufio.Reader
	cur  *prevEntry
	done bool
	err  error
}

// peek returns the next entry without consuming it (nil at the end or
// after an error, see Err).
func (r *prevReader) peek() *prevEntry {
	if r.cur != nil || r.done {
		return r.cur
	}
	l, err := r.readLine()
	if err != nil {
		r.done = true
		if !errors.Is(err, io.EOF) {
			r.err = err
		}
		return nil
	}
	e, err := parseIndexLine(l)
	if err != nil {
		r.done, r.err = true, fmt.Errorf("reading the previous build's side index: %w; rerun with --full", err)
		return nil
	}
	r.cur = &e
	return r.cur
}

// pop consumes the entry peek returned.
func (r *prevReader) pop() { r.cur = nil }

func (r *prevReader) Err() error { return r.err }

func (r *prevReader) readLine() (string, error) {
	var b []byte
	for {
		chunk, isPrefix, err := r.br.ReadLine()
		if err != nil {
			return "", err
		}
		b = append(b, chunk...)
		if len(b) > maxIndexLine {
			return "", errors.New("side index line too long")
		}
		if !isPrefix {
			return string(b), nil
		}
	}
}

// checkIndex reads the side index at p through and reports why it cannot
// be used for a manifest of the given size and modification time (nil if
// it can): a wrong header, a malformed line or keys out of order. Nothing
// of it is kept.
func checkIndex(p string, size, mtime int64) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	r := &prevReader{br: bufio.NewReaderSize(f, 64<<10)}
	hdr, err := r.readLine()
	if err != nil {
		return err
	}
	if hdr != fmt.Sprintf("%s\t%d\t%d", indexFormat, size, mtime) {
		return errors.New("side index of another manifest")
	}
	last := ""
	for e := r.peek(); e != nil; e = r.peek() {
		if e.off+e.n > size {
			return fmt.Errorf("entry %q beyond the manifest", e.key)
		}
		if e.key <= last {
			return fmt.Errorf("entry %q follows %q", e.key, last)
		}
		last = e.key
		r.pop()
	}
	return r.Err()
}

// parseIndexLine reads one side index line.
func parseIndexLine(l string) (prevEntry, error) {
	f := strings.Split(l, "\t")
	if len(f) != 9 {
		return prevEntry{}, fmt.Errorf("line %q: %d fields, want 9", trim(l), len(f))
	}
	var e prevEntry
	var errs [7]error
	e.key, e.input = f[0], f[1]
	e.off, errs[0] = strconv.ParseInt(f[2], 10, 64)
	e.n, errs[1] = strconv.ParseInt(f[3], 10, 64)
	e.files, errs[2] = strconv.Atoi(f[4])
	e.stat.size, errs[3] = strconv.ParseInt(f[5], 10, 64)
	e.stat.mtime, errs[4] = strconv.ParseInt(f[6], 10, 64)
	e.stat.ino, errs[5] = strconv.ParseUint(f[7], 10, 64)
	if f[8] != "-" {
		e.dataSum = f[8]
	}
	if err := errors.Join(errs[:]...); err != nil {
		return prevEntry{}, fmt.Errorf("line %q: %w", trim(l), err)
	}
	if e.key == "" || e.off < 0 || e.n <= 0 {
		return prevEntry{}, fmt.Errorf("line %q: no key or an empty range", trim(l))
	}
	return e, nil
}

func trim(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// appendIndexLine renders one index line.
func appendIndexLine(b []byte, e *prevEntry) []byte {
	sum := e.dataSum
	if sum == "" {
		sum = "-"
	}
	return fmt.Appendf(b, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", e.key, e.input, e.off, e.n, e.files, e.stat.size, e.stat.mtime, e.stat.ino, sum)
}

// scanManifest reads the manifest's entry lines (after the header, which
// ends at offset off) and writes a side index of them to w (with a header
// naming no manifest: its entries record no data file stat).
func scanManifest(br *bufio.Reader, off int64, w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s\tscanned\n", indexFormat)
	last := ""
	var buf []byte
	for {
		line, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			key, input, kerr := keyAndInput(line)
			if kerr != nil {
				return fmt.Errorf("reading previous manifest after %q: %w", last, kerr)
			}
			if last != "" && key <= last {
				return fmt.Errorf("reading previous manifest: entry %q follows %q: not sorted", key, last)
			}
			last = key
			if line[len(line)-1] != '\n' {
				return fmt.Errorf("reading previous manifest: last entry %q is not terminated", key)
			}
			if strings.ContainsAny(key+input, "\t\n") {
				return fmt.Errorf("reading previous manifest: entry %q: a tab or newline in its key or input", key)
			}
			buf = appendIndexLine(buf[:0], &prevEntry{key: key, input: input, off: off, n: int64(len(line)), files: countFiles(line)})
			if _, werr := bw.Write(buf); werr != nil {
				return fmt.Errorf("scanning previous manifest: %w", werr)
			}
		}
		off += int64(len(line))
		if errors.Is(err, io.EOF) {
			if err := bw.Flush(); err != nil {
				return fmt.Errorf("scanning previous manifest: %w", err)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading previous manifest: %w", err)
		}
	}
}

var (
	entryPrefix = []byte(`{"entry":"`)
	inputInfix  = []byte(`","input":"`)
)

// keyAndInput extracts the key and Input of a manifest line. Lines this
// package writes start `{"entry":"<key>","input":"<input>",` with nothing
// to unescape; anything else is decoded as JSON.
func keyAndInput(line []byte) (key, input string, err error) {
	if rest, ok := bytes.CutPrefix(line, entryPrefix); ok {
		if i := bytes.IndexByte(rest, '"'); i >= 0 && bytes.IndexByte(rest[:i], '\\') < 0 {
			if after, ok := bytes.CutPrefix(rest[i:], inputInfix); ok {
				if j := bytes.IndexByte(after, '"'); j >= 0 && bytes.IndexByte(after[:j], '\\') < 0 {
					return string(rest[:i]), string(after[:j]), nil
				}
			}
		}
	}
	var e struct {
		Key   string `json:"entry"`
		Input string `json:"input"`
	}
	if err := json.Unmarshal(line, &e); err != nil {
		return "", "", err
	}
	if e.Key == "" {
		return "", "", errors.New("entry without a key")
	}
	return e.Key, e.Input, nil
}

// countFiles counts the files of a raw manifest line without decoding it.
func countFiles(line []byte) int { return bytes.Count(line, []byte(`{"path":`)) }
