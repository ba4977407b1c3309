package discovery

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"time"

	"github.com/regen-registry/regen/generator/search"
)

// SavedFormat names the format of the Collector's saved state.
const SavedFormat = "regen-discovery-state/2"

// SavedPath is where a build keeps the Collector's saved state in its
// tree (under .regen/, which is never served).
const SavedPath = ".regen/discovery.ndjson"

// ErrSavedFormat is returned (wrapped) by ReadSaved for state written by
// another version of regen: the build must then visit every entry.
var ErrSavedFormat = errors.New("saved discovery state has another format")

// savedHeader is the first line of the saved state.
type savedHeader struct {
	Format string `json:"format"`
}

// savedLine is one entry of the saved state: a module or a provider
// summary, keyed like the build manifest ("module/ns/name/system",
// "provider/ns/type").
type savedLine struct {
	Key      string         `json:"key"`
	Module   *savedModule   `json:"module,omitempty"`
	Provider *savedProvider `json:"provider,omitempty"`
}

type savedModule struct {
	Namespace   string        `json:"namespace"`
	Name        string        `json:"name"`
	System      string        `json:"system"`
	Version     string        `json:"version"`
	Tag         string        `json:"tag"`
	Description string        `json:"description,omitempty"`
	Source      string        `json:"source,omitempty"`
	Published   time.Time     `json:"published"`
	Verified    bool          `json:"verified,omitempty"`
	Submodules  []string      `json:"submodules,omitempty"`
	Versions    []DocsVersion `json:"versions"`
}

type savedProvider struct {
	Namespace   string        `json:"namespace"`
	Type        string        `json:"type"`
	Version     string        `json:"version"`
	Description string        `json:"description,omitempty"`
	Source      string        `json:"source,omitempty"`
	Published   time.Time     `json:"published"`
	Warnings    []string      `json:"warnings,omitempty"`
	Versions    []DocsVersion `json:"versions"`
}

// savedLine encodes the module's saved-state line (no newline).
func (m *moduleSummary) savedLine() ([]byte, error) {
	r := m.row
	return encodeSaved(savedLine{Key: m.key(), Module: &savedModule{
		Namespace: r.Namespace, Name: r.Name, System: r.Provider, Version: r.Version, Tag: r.Tag,
		Description: r.Description, Source: r.Source, Published: r.PublishedAt, Verified: r.Verified,
		Submodules: m.submodules, Versions: m.versions,
	}})
}

// savedLine encodes the provider's saved-state line (no newline).
func (p *providerSummary) savedLine() ([]byte, error) {
	r := p.row
	return encodeSaved(savedLine{Key: p.key(), Provider: &savedProvider{
		Namespace: r.Namespace, Type: r.Type, Version: r.Version, Description: r.Description,
		Source: r.Source, Published: r.PublishedAt, Warnings: p.warnings, Versions: p.versions,
	}})
}

func encodeSaved(l savedLine) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(l); err != nil {
		return nil, fmt.Errorf("encoding discovery state: %w", err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// WriteSaved writes the Collector's summaries — a header line, then one
// line per entry sorted by key — for the next build to restore the
// entries it does not re-read (AddSaved). Download counts are not saved:
// they come from Options.Downloads on every build. Duplicate entries are
// written as they are (Finish reports them).
func (c *Collector) WriteSaved(w io.Writer) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	it, err := c.entries.Iter()
	if err != nil {
		return err
	}
	defer it.Close()
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(savedHeader{Format: SavedFormat}); err != nil {
		return fmt.Errorf("writing discovery state: %w", err)
	}
	for {
		rec, ok, err := it.Next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		bw.Write(rec.Val)
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing discovery state: %w", err)
	}
	return nil
}

// ReadSaved reads state written by WriteSaved into a map from entry key to
// its raw line, for AddSaved. State of another format gives an error
// wrapping ErrSavedFormat.
func ReadSaved(r io.Reader) (map[string][]byte, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	out := map[string][]byte{}
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if n == 1 {
			var h savedHeader
			if err := json.Unmarshal(line, &h); err != nil || h.Format != SavedFormat {
				return nil, fmt.Errorf("reading discovery state: %w (%q)", ErrSavedFormat, h.Format)
			}
			continue
		}
		key := savedKey(line)
		if key == "" {
			return nil, fmt.Errorf("reading discovery state line %d: no key", n)
		}
		out[key] = bytes.Clone(line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading discovery state: %w", err)
	}
	if n == 0 {
		return nil, fmt.Errorf("reading discovery state: %w (empty)", ErrSavedFormat)
	}
	return out, nil
}

// savedKey returns a saved line's key: read from the `{"key":"…",` that
// WriteSaved puts first when it holds no escapes, else by decoding the line
// ("" when it has none).
func savedKey(line []byte) string {
	const prefix = `{"key":"`
	if rest, ok := bytes.CutPrefix(line, []byte(prefix)); ok {
		if i := bytes.IndexByte(rest, '"'); i > 0 && bytes.IndexByte(rest[:i], '\\') < 0 {
			return string(rest[:i])
		}
	}
	var k struct {
		Key string `json:"key"`
	}
	if err := json.Unmarshal(line, &k); err != nil {
		return ""
	}
	return k.Key
}

// AddSaved restores one entry from a line ReadSaved (or SavedState.Line)
// returned, as if it had been added with AddModule or AddProvider.
func (c *Collector) AddSaved(line []byte) error {
	line = bytes.TrimSpace(line)
	m, p, err := decodeSaved(line)
	if err != nil {
		return err
	}
	if m != nil {
		return c.add(m.key(), line, m.row.PublishedAt)
	}
	return c.add(p.key(), line, p.row.PublishedAt)
}

// decodeSaved decodes and checks a saved line: one of the summaries is
// set.
func decodeSaved(line []byte) (*moduleSummary, *providerSummary, error) {
	var l savedLine
	if err := json.Unmarshal(line, &l); err != nil {
		return nil, nil, fmt.Errorf("restoring discovery state: %w", err)
	}
	switch {
	case l.Module != nil:
		m := l.Module
		s := &moduleSummary{
			row: search.Module{Namespace: m.Namespace, Name: m.Name, Provider: m.System, Version: m.Version, Tag: m.Tag,
				Description: m.Description, Source: m.Source, PublishedAt: m.Published.UTC(), Verified: m.Verified},
			submodules: m.Submodules, versions: m.Versions,
		}
		if s.key() != l.Key || len(s.versions) == 0 {
			return nil, nil, fmt.Errorf("restoring discovery state: module line %q does not match its key or has no versions", l.Key)
		}
		return s, nil, nil
	case l.Provider != nil:
		p := l.Provider
		s := &providerSummary{
			row: search.Provider{Namespace: p.Namespace, Type: p.Type, Version: p.Version, Description: p.Description,
				Source: p.Source, PublishedAt: p.Published.UTC()},
			versions: p.Versions, warnings: p.Warnings,
		}
		if s.key() != l.Key || len(s.versions) == 0 {
			return nil, nil, fmt.Errorf("restoring discovery state: provider line %q does not match its key or has no versions", l.Key)
		}
		return nil, s, nil
	}
	return nil, nil, fmt.Errorf("restoring discovery state: line %q is neither a module nor a provider", l.Key)
}

// SavedState is a previous build's saved state opened for restoring
// entries one at a time: it keeps where each line is, not the lines.
//
// It keeps a hash of each key, not the key: Line checks the key of the
// line it reads, so a collision costs a regeneration, never a wrong line.
type SavedState struct {
	f    *os.File
	seed maphash.Seed
	at   map[uint64][2]int64 // hash of the entry key → offset, length
	name string
}

// OpenSaved opens state written by WriteSaved. State of another format
// gives an error wrapping ErrSavedFormat.
func OpenSaved(name string) (*SavedState, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	s := &SavedState{f: f, seed: maphash.MakeSeed(), at: map[uint64][2]int64{}, name: name}
	if err := s.scan(); err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

func (s *SavedState) scan() error {
	br := bufio.NewReaderSize(s.f, 64<<10)
	var off int64
	n := 0
	for {
		line, err := readLine(br)
		if len(line) > 0 {
			n++
			start := off
			off += int64(len(line))
			body := bytes.TrimSpace(line)
			switch {
			case n == 1:
				var h savedHeader
				if jerr := json.Unmarshal(body, &h); jerr != nil || h.Format != SavedFormat {
					return fmt.Errorf("reading discovery state: %w (%q)", ErrSavedFormat, h.Format)
				}
			case len(body) > 0:
				key := savedKey(body)
				if key == "" {
					return fmt.Errorf("reading discovery state %s line %d: no key", s.name, n)
				}
				s.at[maphash.String(s.seed, key)] = [2]int64{start, int64(len(line))}
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("reading discovery state: %w", err)
		}
	}
	if n == 0 {
		return fmt.Errorf("reading discovery state: %w (empty)", ErrSavedFormat)
	}
	return nil
}

// maxSavedLine bounds one line of the saved state.
const maxSavedLine = 64 << 20

// readLine reads one line of any length up to maxSavedLine, with its
// newline.
func readLine(br *bufio.Reader) ([]byte, error) {
	var out []byte
	for {
		part, err := br.ReadSlice('\n')
		out = append(out, part...)
		if len(out) > maxSavedLine {
			return nil, fmt.Errorf("a line longer than %d bytes", maxSavedLine)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return out, err
	}
}

// Line returns an entry's saved line (nil when it has none). It is safe
// for concurrent use.
func (s *SavedState) Line(key string) ([]byte, error) {
	at, ok := s.at[maphash.String(s.seed, key)]
	if !ok {
		return nil, nil
	}
	b := make([]byte, at[1])
	if _, err := s.f.ReadAt(b, at[0]); err != nil {
		return nil, fmt.Errorf("reading discovery state: %w", err)
	}
	b = bytes.TrimSpace(b)
	if savedKey(b) != key {
		return nil, nil // another key of the same hash
	}
	return b, nil
}

// Close closes the state's file.
func (s *SavedState) Close() error { return s.f.Close() }
