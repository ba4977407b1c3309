// Package extsort sorts (key, value) records of any number with bounded
// memory: full buffers are written sorted to run files in a scratch
// folder and merged when read. The discovery API's registry-wide documents
// and the build's registry-wide manifest entry use it, so that a build's
// memory does not grow with the registry.
package extsort

import (
	"bufio"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// DefaultLimit is how many bytes of records a Sorter holds in memory
// before it writes them, sorted, to a run file.
const DefaultLimit = 2 << 20

// Sorter sorts (key, value) records of any number with bounded memory: it
// buffers up to a limit, writes each full buffer sorted to a run file in
// a scratch folder, and merges the runs (and the last buffer) when read.
// Records with equal keys come out in the order they were added within a
// run, runs in creation order.
type Sorter struct {
	dir   func() (string, error) // the scratch folder, created on first use
	name  string
	limit int // bytes held before a spill
	buf   []Record
	size  int
	runs  []string
	n     int
}

// Record is one (key, value) pair.
type Record struct {
	Key string
	Val []byte
}

// New returns a Sorter spilling runs named after name into the folder dir
// returns (called on first spill), past limit bytes (0: DefaultLimit).
func New(dir func() (string, error), name string, limit int) *Sorter {
	if limit <= 0 {
		limit = DefaultLimit
	}
	return &Sorter{dir: dir, name: name, limit: limit}
}

// Add copies a record in.
func (s *Sorter) Add(key string, val []byte) error {
	s.buf = append(s.buf, Record{Key: key, Val: slices.Clone(val)})
	s.size += len(key) + len(val) + 48
	s.n++
	if s.size >= s.limit {
		return s.spill()
	}
	return nil
}

// Len returns the number of records added.
func (s *Sorter) Len() int { return s.n }

// Spilled reports whether any run was written to disk.
func (s *Sorter) Spilled() bool { return len(s.runs) > 0 }

// Remove deletes the run files (a Sorter whose scratch folder outlives
// it); the Sorter is empty afterwards.
func (s *Sorter) Remove() {
	for _, r := range s.runs {
		os.Remove(r)
	}
	s.runs, s.buf, s.size, s.n = nil, nil, 0, 0
}

// Runs returns how many runs were written (tests).
func (s *Sorter) Runs() int { return len(s.runs) }

func (s *Sorter) sortBuf() {
	slices.SortStableFunc(s.buf, func(a, b Record) int { return strings.Compare(a.Key, b.Key) })
}

// spill writes the buffer as a sorted run file.
func (s *Sorter) spill() error {
	if len(s.buf) == 0 {
		return nil
	}
	dir, err := s.dir()
	if err != nil {
		return err
	}
	s.sortBuf()
	f, err := os.CreateTemp(dir, s.name+"-*.run")
	if err != nil {
		return fmt.Errorf("spilling %s records: %w", s.name, err)
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	var hdr [2 * binary.MaxVarintLen64]byte
	for _, r := range s.buf {
		n := binary.PutUvarint(hdr[:], uint64(len(r.Key)))
		n += binary.PutUvarint(hdr[n:], uint64(len(r.Val)))
		bw.Write(hdr[:n])
		bw.WriteString(r.Key)
		bw.Write(r.Val)
	}
	err = bw.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("spilling %s records: %w", s.name, err)
	}
	s.runs = append(s.runs, f.Name())
	clear(s.buf)
	s.buf, s.size = s.buf[:0], 0
	return nil
}

// Iter returns the records sorted by key. It may be called more than
// once; records added afterwards are not seen by an earlier iterator.
func (s *Sorter) Iter() (*Merger, error) {
	s.sortBuf()
	m := &Merger{}
	for i, p := range s.runs {
		f, err := os.Open(p)
		if err != nil {
			m.Close()
			return nil, fmt.Errorf("reading spilled %s records: %w", s.name, err)
		}
		src := &source{rank: i, f: f, r: bufio.NewReaderSize(f, 32<<10)}
		if err := src.next(); err != nil {
			f.Close()
			m.Close()
			return nil, err
		}
		if !src.done {
			m.h = append(m.h, src)
		} else {
			f.Close()
		}
	}
	if len(s.buf) > 0 {
		src := &source{rank: len(s.runs), mem: s.buf}
		_ = src.next()
		m.h = append(m.h, src)
	}
	heap.Init(&m.h)
	return m, nil
}

// source is one sorted run (a file or the memory buffer) being merged.
type source struct {
	rank int
	f    *os.File
	r    *bufio.Reader
	mem  []Record
	i    int
	cur  Record
	done bool
}

func (s *source) next() error {
	if s.f == nil {
		if s.i >= len(s.mem) {
			s.done = true
			return nil
		}
		s.cur = s.mem[s.i]
		s.i++
		return nil
	}
	kl, err := binary.ReadUvarint(s.r)
	if errors.Is(err, io.EOF) {
		s.done = true
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading spilled records: %w", err)
	}
	vl, err := binary.ReadUvarint(s.r)
	if err != nil || kl > 1<<30 || vl > 1<<30 {
		return fmt.Errorf("reading spilled records: damaged run %s", s.f.Name())
	}
	b := make([]byte, kl+vl)
	if _, err := io.ReadFull(s.r, b); err != nil {
		return fmt.Errorf("reading spilled records: %w", err)
	}
	s.cur = Record{Key: string(b[:kl]), Val: b[kl:]}
	return nil
}

type sourceHeap []*source

func (h sourceHeap) Len() int { return len(h) }
func (h sourceHeap) Less(i, j int) bool {
	if h[i].cur.Key != h[j].cur.Key {
		return h[i].cur.Key < h[j].cur.Key
	}
	return h[i].rank < h[j].rank
}
func (h sourceHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *sourceHeap) Push(x any)   { *h = append(*h, x.(*source)) }
func (h *sourceHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Merger yields the records of several sorted sources in key order.
type Merger struct {
	h    sourceHeap
	peek *Record
}

// Next returns the next record; ok is false at the end.
func (m *Merger) Next() (rec Record, ok bool, err error) {
	if m.peek != nil {
		rec, m.peek = *m.peek, nil
		return rec, true, nil
	}
	if len(m.h) == 0 {
		return Record{}, false, nil
	}
	src := m.h[0]
	rec = src.cur
	if err := src.next(); err != nil {
		return Record{}, false, err
	}
	if src.done {
		heap.Pop(&m.h)
		if src.f != nil {
			src.f.Close()
		}
	} else {
		heap.Fix(&m.h, 0)
	}
	return rec, true, nil
}

// Unread makes rec the next record again.
func (m *Merger) Unread(rec Record) { m.peek = &rec }

// Close closes the runs not yet read to their end.
func (m *Merger) Close() {
	for _, s := range m.h {
		if s.f != nil {
			s.f.Close()
		}
	}
	m.h = nil
}
