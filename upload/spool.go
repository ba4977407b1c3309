package upload

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/regen-registry/regen/manifest"
)

// action is one planned operation on one object.
type action struct {
	Entry  string         `json:"e,omitempty"` // manifest entry the object belongs to
	Path   string         `json:"p"`
	SHA256 string         `json:"s,omitempty"`
	Size   int64          `json:"n,omitempty"`
	Type   string         `json:"t,omitempty"`
	Class  manifest.Class `json:"c,omitempty"`
	Send   bool           `json:"x,omitempty"` // upload it (false: purge only)
	Purge  bool           `json:"u,omitempty"` // its public URL served other content: purge it once published
}

// spool is an on-disk list of actions (a plan for 1.4 million objects
// does not fit comfortably in memory), written once, then read back.
type spool struct {
	f   *os.File
	gz  *gzip.Writer
	bw  *bufio.Writer
	enc *json.Encoder
	n   int64
}

func newSpool(dir string) (*spool, error) {
	f, err := os.CreateTemp(dir, "regen-upload-plan-*")
	if err != nil {
		return nil, fmt.Errorf("creating plan file: %w", err)
	}
	_ = os.Remove(f.Name()) // unlinked: gone when closed, even after a crash
	gz, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	bw := bufio.NewWriterSize(gz, 1<<16)
	return &spool{f: f, gz: gz, bw: bw, enc: json.NewEncoder(bw)}, nil
}

func (s *spool) add(a action) error {
	s.n++
	if err := s.enc.Encode(a); err != nil {
		return fmt.Errorf("writing plan file: %w", err)
	}
	return nil
}

// seal ends writing.
func (s *spool) seal() error {
	if err := s.bw.Flush(); err != nil {
		return fmt.Errorf("writing plan file: %w", err)
	}
	if err := s.gz.Close(); err != nil {
		return fmt.Errorf("writing plan file: %w", err)
	}
	return nil
}

// each calls fn for every action, in the order added, until fn fails.
func (s *spool) each(fn func(action) error) error {
	if s.n == 0 {
		return nil
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("reading plan file: %w", err)
	}
	gz, err := gzip.NewReader(bufio.NewReaderSize(s.f, 1<<16))
	if err != nil {
		return fmt.Errorf("reading plan file: %w", err)
	}
	dec := json.NewDecoder(gz)
	for {
		var a action
		if err := dec.Decode(&a); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("reading plan file: %w", err)
		}
		if err := fn(a); err != nil {
			return err
		}
	}
}

func (s *spool) close() { _ = s.f.Close() }
