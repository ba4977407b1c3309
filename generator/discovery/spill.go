package discovery

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

// spillBytes is how many bytes of records a sorter holds in memory before
// it writes them, sorted, to a run file.
const spillBytes = 2 << 20

// sorter sorts (key, value) records of any number with bounded memory: it
// buffers up to a limit, writes each full buffer sorted to a run file in
// a scratch folder, and merges the runs (and the last buffer) when read.
// Records with equal keys come out in the order they were added within a
// run, runs in creation order.
type sorter struct {
	dir   func() (string, error) // the scratch folder, created on first use
	name  string
	limit int
	buf   []record
	size  int
	runs  []string
	n     int
}

type record struct {
	key string
	val []byte
}

func newSorter(dir func() (string, error), name string) *sorter {
	return &sorter{dir: dir, name: name, limit: spillBytes}
}

// add copies a record in.
func (s *sorter) add(key string, val []byte) error {
	s.buf = append(s.buf, record{key: key, val: slices.Clone(val)})
	s.size += len(key) + len(val) + 48
	s.n++
	if s.size >= s.limit {
		return s.spill()
	}
	return nil
}

// len returns the number of records added.
func (s *sorter) len() int { return s.n }

func (s *sorter) sortBuf() {
	slices.SortStableFunc(s.buf, func(a, b record) int { return strings.Compare(a.key, b.key) })
}

// spill writes the buffer as a sorted run file.
func (s *sorter) spill() error {
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
		return fmt.Errorf("discovery: spilling summaries: %w", err)
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	var hdr [2 * binary.MaxVarintLen64]byte
	for _, r := range s.buf {
		n := binary.PutUvarint(hdr[:], uint64(len(r.key)))
		n += binary.PutUvarint(hdr[n:], uint64(len(r.val)))
		bw.Write(hdr[:n])
		bw.WriteString(r.key)
		bw.Write(r.val)
	}
	err = bw.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("discovery: spilling summaries: %w", err)
	}
	s.runs = append(s.runs, f.Name())
	clear(s.buf)
	s.buf, s.size = s.buf[:0], 0
	return nil
}

// iter returns the records sorted by key. It may be called more than
// once; records added afterwards are not seen by an earlier iterator.
func (s *sorter) iter() (*merger, error) {
	s.sortBuf()
	m := &merger{}
	for i, p := range s.runs {
		f, err := os.Open(p)
		if err != nil {
			m.close()
			return nil, fmt.Errorf("discovery: reading spilled summaries: %w", err)
		}
		src := &source{rank: i, f: f, r: bufio.NewReaderSize(f, 32<<10)}
		if err := src.next(); err != nil {
			f.Close()
			m.close()
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
	mem  []record
	i    int
	cur  record
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
		return fmt.Errorf("discovery: reading spilled summaries: %w", err)
	}
	vl, err := binary.ReadUvarint(s.r)
	if err != nil || kl > 1<<30 || vl > 1<<30 {
		return fmt.Errorf("discovery: reading spilled summaries: damaged run %s", s.f.Name())
	}
	b := make([]byte, kl+vl)
	if _, err := io.ReadFull(s.r, b); err != nil {
		return fmt.Errorf("discovery: reading spilled summaries: %w", err)
	}
	s.cur = record{key: string(b[:kl]), val: b[kl:]}
	return nil
}

type sourceHeap []*source

func (h sourceHeap) Len() int { return len(h) }
func (h sourceHeap) Less(i, j int) bool {
	if h[i].cur.key != h[j].cur.key {
		return h[i].cur.key < h[j].cur.key
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

// merger yields the records of several sorted sources in key order.
type merger struct {
	h    sourceHeap
	peek *record
}

// next returns the next record; ok is false at the end.
func (m *merger) next() (rec record, ok bool, err error) {
	if m.peek != nil {
		rec, m.peek = *m.peek, nil
		return rec, true, nil
	}
	if len(m.h) == 0 {
		return record{}, false, nil
	}
	src := m.h[0]
	rec = src.cur
	if err := src.next(); err != nil {
		return record{}, false, err
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

// unread makes rec the next record again.
func (m *merger) unread(rec record) { m.peek = &rec }

func (m *merger) close() {
	for _, s := range m.h {
		if s.f != nil {
			s.f.Close()
		}
	}
	m.h = nil
}
