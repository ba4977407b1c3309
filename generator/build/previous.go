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
// lines and copying ranges) and its entries in key order.
type previous struct {
	header  manifest.Header
	f       *os.File
	entries []prevEntry
	indexed bool // loaded from the side index (else scanned)
}

// openPrevious opens the manifest of the tree at out and loads its entries
// from the side index, or by scanning the manifest when the index is
// missing or stale.
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
	if entries, ok := loadIndex(filepath.Join(out, filepath.FromSlash(IndexPath)), fi.Size(), fi.ModTime().UnixNano()); ok {
		prev.entries, prev.indexed = entries, true
		return prev, nil
	}
	prev.entries, err = scanManifest(br, int64(len(line)))
	if err != nil {
		f.Close()
		return nil, err
	}
	return prev, nil
}

func (p *previous) Close() error { return p.f.Close() }

// line reads an entry's manifest line.
func (p *previous) line(e *prevEntry) ([]byte, error) {
	b := make([]byte, e.n)
	if _, err := p.f.ReadAt(b, e.off); err != nil {
		return nil, fmt.Errorf("reading previous manifest entry %q: %w", e.key, err)
	}
	return b, nil
}

// files decodes an entry's file list.
func (p *previous) files(e *prevEntry) ([]manifest.File, error) {
	b, err := p.line(e)
	if err != nil {
		return nil, err
	}
	var me manifest.Entry
	if err := json.Unmarshal(b, &me); err != nil || me.Key != e.key {
		return nil, fmt.Errorf("reading previous manifest entry %q: not the expected line (%v); rerun with --full", e.key, err)
	}
	return me.Files, nil
}

// loadIndex reads the side index if it describes a manifest of the given
// size and modification time.
func loadIndex(p string, size, mtime int64) ([]prevEntry, bool) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, false
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if lines[0] != fmt.Sprintf("%s\t%d\t%d", indexFormat, size, mtime) {
		return nil, false
	}
	entries := make([]prevEntry, 0, len(lines)-1)
	for _, l := range lines[1:] {
		f := strings.Split(l, "\t")
		if len(f) != 9 {
			return nil, false
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
		if errors.Join(errs[:]...) != nil || e.off < 0 || e.n <= 0 || e.off+e.n > size {
			return nil, false
		}
		if n := len(entries); n > 0 && entries[n-1].key >= e.key {
			return nil, false
		}
		entries = append(entries, e)
	}
	return entries, true
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
// ends at offset off) and records where each is.
func scanManifest(br *bufio.Reader, off int64) ([]prevEntry, error) {
	var entries []prevEntry
	last := ""
	for {
		line, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			key, input, kerr := keyAndInput(line)
			if kerr != nil {
				return nil, fmt.Errorf("reading previous manifest after %q: %w", last, kerr)
			}
			if last != "" && key <= last {
				return nil, fmt.Errorf("reading previous manifest: entry %q follows %q: not sorted", key, last)
			}
			last = key
			if line[len(line)-1] != '\n' {
				return nil, fmt.Errorf("reading previous manifest: last entry %q is not terminated", key)
			}
			entries = append(entries, prevEntry{key: key, input: input, off: off, n: int64(len(line)), files: countFiles(line)})
		}
		off += int64(len(line))
		if errors.Is(err, io.EOF) {
			return entries, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading previous manifest: %w", err)
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
