package build

import (
	"bufio"
	"bytes"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/regen-registry/regen/manifest"
)

// spillFiles is how many files an entry's list holds in memory before it
// spills them, sorted, to a run on disk. Only the registry-wide entry
// (tens of thousands of files) comes near it.
const spillFiles = 4096

// fileList gathers an entry's manifest files and renders its manifest
// line sorted by path. Past spillFiles it spills sorted runs to files in
// dir and merges them while writing the line to a file, so that the
// registry-wide entry is never held whole in memory.
type fileList struct {
	dir   string
	limit int // files held before a spill
	mem   []manifest.File
	runs  []*os.File
	n     int
}

func (l *fileList) add(f manifest.File) error {
	l.mem = append(l.mem, f)
	l.n++
	if len(l.mem) >= l.limit {
		return l.spill()
	}
	return nil
}

func (l *fileList) len() int { return l.n }

func sortFiles(fs []manifest.File) {
	slices.SortFunc(fs, func(a, b manifest.File) int { return strings.Compare(a.Path, b.Path) })
}

// spill writes the files in memory to a new run: records of a uvarint
// length and a path, then a uvarint length and the file's JSON object.
func (l *fileList) spill() error {
	sortFiles(l.mem)
	f, err := os.CreateTemp(l.dir, "files.run-")
	if err != nil {
		return &sinkError{fmt.Errorf("spilling a manifest entry: %w", err)}
	}
	os.Remove(f.Name()) // unlinked: gone when closed, whatever happens
	l.runs = append(l.runs, f)
	bw := bufio.NewWriterSize(f, 64<<10)
	var obj, num []byte
	for _, mf := range l.mem {
		obj = appendFileObject(obj[:0], mf)
		num = binary.AppendUvarint(num[:0], uint64(len(mf.Path)))
		bw.Write(num)
		bw.WriteString(mf.Path)
		num = binary.AppendUvarint(num[:0], uint64(len(obj)))
		bw.Write(num)
		bw.Write(obj)
	}
	if err := bw.Flush(); err != nil {
		return &sinkError{fmt.Errorf("spilling a manifest entry: %w", err)}
	}
	l.mem = l.mem[:0]
	return nil
}

// close releases the runs.
func (l *fileList) close() {
	for _, r := range l.runs {
		r.Close()
	}
	l.runs = nil
}

// spilled reports whether the list went to disk.
func (l *fileList) spilled() bool { return len(l.runs) > 0 }

// line renders the entry's manifest line in memory (lists that never
// spilled).
func (l *fileList) line(key, input string) ([]byte, error) {
	sortFiles(l.mem)
	return entryLine(manifest.Entry{Key: key, Input: input, Files: l.mem})
}

// writeLine merges the runs (and what is left in memory) into the
// entry's manifest line, written to w; it returns the line's length.
func (l *fileList) writeLine(w io.Writer, key, input string) (int64, error) {
	if len(l.mem) > 0 {
		if err := l.spill(); err != nil {
			return 0, err
		}
	}
	cw := &countWriter{w: w}
	bw := bufio.NewWriterSize(cw, 64<<10)
	bw.WriteString(`{"entry":`)
	bw.Write(jsonString(key))
	bw.WriteString(`,"input":`)
	bw.Write(jsonString(input))
	bw.WriteString(`,"files":[`)
	h := &runHeap{}
	for _, f := range l.runs {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return 0, fmt.Errorf("merging a spilled manifest entry: %w", err)
		}
		r := &runReader{br: bufio.NewReaderSize(f, 32<<10)}
		if ok, err := r.next(); err != nil {
			return 0, err
		} else if ok {
			h.rs = append(h.rs, r)
		}
	}
	heap.Init(h)
	first := true
	for h.Len() > 0 {
		r := h.rs[0]
		if !first {
			bw.WriteByte(',')
		}
		first = false
		bw.Write(r.obj)
		ok, err := r.next()
		if err != nil {
			return 0, err
		}
		if ok {
			heap.Fix(h, 0)
		} else {
			heap.Pop(h)
		}
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

// runReader reads one spilled run.
type runReader struct {
	br   *bufio.Reader
	path []byte
	obj  []byte
}

func (r *runReader) next() (bool, error) {
	read := func(buf []byte) ([]byte, error) {
		n, err := binary.ReadUvarint(r.br)
		if err != nil {
			return nil, err
		}
		buf = slices.Grow(buf[:0], int(n))[:n]
		_, err = io.ReadFull(r.br, buf)
		return buf, err
	}
	var err error
	if r.path, err = read(r.path); err != nil {
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		return false, fmt.Errorf("merging a spilled manifest entry: %w", err)
	}
	if r.obj, err = read(r.obj); err != nil {
		return false, fmt.Errorf("merging a spilled manifest entry: %w", err)
	}
	return true, nil
}

type runHeap struct{ rs []*runReader }

func (h *runHeap) Len() int           { return len(h.rs) }
func (h *runHeap) Less(i, j int) bool { return bytes.Compare(h.rs[i].path, h.rs[j].path) < 0 }
func (h *runHeap) Swap(i, j int)      { h.rs[i], h.rs[j] = h.rs[j], h.rs[i] }
func (h *runHeap) Push(x any)         { h.rs = append(h.rs, x.(*runReader)) }
func (h *runHeap) Pop() any {
	r := h.rs[len(h.rs)-1]
	h.rs = h.rs[:len(h.rs)-1]
	return r
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
