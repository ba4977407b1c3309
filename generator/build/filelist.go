package build

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/regen-registry/regen/internal/extsort"
	"github.com/regen-registry/regen/manifest"
)

// spillFiles is how many files an entry's list holds in memory before it
// moves them to an external sort. Only the registry-wide entry (tens of
// thousands of files) comes near it.
const spillFiles = 4096

// fileList gathers an entry's manifest files and renders its manifest
// line sorted by path. Past limit files it moves them to an external sort
// (extsort) whose runs spill to dir, and writes the merged line to a
// file, so that the registry-wide entry is never held whole in memory.
type fileList struct {
	dir    string
	limit  int // files held before moving to the sorter
	runs   int // the sorter's bytes per run (0: extsort.DefaultLimit; tests)
	mem    []manifest.File
	sorter *extsort.Sorter // nil until the list outgrows limit
	n      int
}

func (l *fileList) add(f manifest.File) error {
	l.n++
	if l.sorter == nil {
		l.mem = append(l.mem, f)
		if len(l.mem) < l.limit {
			return nil
		}
		l.sorter = extsort.New(func() (string, error) { return l.dir, nil }, "manifest-files", l.runs)
		for _, m := range l.mem {
			if err := l.sort(m); err != nil {
				return err
			}
		}
		l.mem = nil
		return nil
	}
	return l.sort(f)
}

func (l *fileList) sort(f manifest.File) error {
	if err := l.sorter.Add(f.Path, appendFileObject(nil, f)); err != nil {
		return &sinkError{fmt.Errorf("spilling a manifest entry: %w", err)}
	}
	return nil
}

func (l *fileList) len() int { return l.n }

func sortFiles(fs []manifest.File) {
	slices.SortFunc(fs, func(a, b manifest.File) int { return strings.Compare(a.Path, b.Path) })
}

// close removes the sorter's runs.
func (l *fileList) close() {
	if l.sorter != nil {
		l.sorter.Remove()
	}
}

// spilled reports whether the list went to the sorter.
func (l *fileList) spilled() bool { return l.sorter != nil }

// line renders the entry's manifest line in memory (lists that never
// spilled).
func (l *fileList) line(key, input string) ([]byte, error) {
	sortFiles(l.mem)
	return entryLine(manifest.Entry{Key: key, Input: input, Files: l.mem})
}

// writeLine merges the sorted files into the entry's manifest line,
// written to w; it returns the line's length.
func (l *fileList) writeLine(w io.Writer, key, input string) (int64, error) {
	it, err := l.sorter.Iter()
	if err != nil {
		return 0, err
	}
	defer it.Close()
	cw := &countWriter{w: w}
	bw := bufio.NewWriterSize(cw, 64<<10)
	bw.WriteString(`{"entry":`)
	bw.Write(jsonString(key))
	bw.WriteString(`,"input":`)
	bw.Write(jsonString(input))
	bw.WriteString(`,"files":[`)
	for first := true; ; first = false {
		rec, ok, err := it.Next()
		if err != nil {
			return 0, err
		}
		if !ok {
			break
		}
		if !first {
			bw.WriteByte(',')
		}
		bw.Write(rec.Val)
	}
	bw.WriteString("]}\n")
	if err := bw.Flush(); err != nil {
		return 0, &sinkError{fmt.Errorf("writing a manifest entry: %w", err)}
	}
	return cw.n, nil
}

// appendFileObject renders one file of a manifest line as manifest.Writer
// does (see appendEntryLine).
func appendFileObject(b []byte, f manifest.File) []byte {
	if plain(f.Path) && plain(f.SHA256) && plain(f.Type) && plain(string(f.Class)) {
		b = append(b, `{"path":"`...)
		b = append(b, f.Path...)
		b = append(b, `","sha256":"`...)
		b = append(b, f.SHA256...)
		b = append(b, `","size":`...)
		b = strconv.AppendInt(b, f.Size, 10)
		b = append(b, `,"type":"`...)
		b = append(b, f.Type...)
		b = append(b, `","class":"`...)
		b = append(b, f.Class...)
		return append(b, `"}`...)
	}
	var buf bytes.Buffer
	_ = encodeLine(&buf, f) // a struct of strings and an int always encodes
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}

// jsonString renders s as encodeLine does.
func jsonString(s string) []byte {
	var buf bytes.Buffer
	_ = encodeLine(&buf, s) // a string always encodes
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// countWriter counts what passes through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}
