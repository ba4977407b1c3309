package pollstate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/regen-registry/regen/regdata"
)

// Folder is the state's folder relative to the data folder.
const Folder = ".regen/ingest-state"

// formatVersion is written in every file; files of another format are
// ignored (and rewritten).
const formatVersion = 1

// Entry is what is remembered about one provider or module.
type Entry struct {
	// Addr is the entry's address as the data folder spells it
	// ("Azure/azapi", "hashicorp/consul/aws").
	Addr string `json:"addr"`
	// Feed is the feed the validators belong to; validators of another
	// feed (the repository moved) are not sent.
	Feed string `json:"feed,omitempty"`
	// ETag and LastModified are the feed's validators.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	// LastFull is when the entry's tags were last listed in full.
	LastFull time.Time `json:"last_full,omitzero"`
	// Retries holds the back-off of versions that failed, by normalised
	// version.
	Retries map[string]Retry `json:"retries,omitempty"`
	// DocsComplete records that the last documentation stage left no
	// version of the module without an entry in the docs store, so an
	// unchanged poll need not look again (a full listing always does).
	DocsComplete bool `json:"docs_complete,omitempty"`
	// Backlog counts the new versions the last listing found over the
	// per-run bound (ingest Options.MaxNewVersions): while it is not zero,
	// every run lists the tags whatever the feed says.
	Backlog int `json:"backlog,omitempty"`
}

// Retry is the back-off of one failing version.
type Retry struct {
	// Attempts is how many times the version failed in a row.
	Attempts int `json:"attempts"`
	// Next is when to try again.
	Next time.Time `json:"next"`
}

// Due reports whether a version may be tried at now: it never failed, or
// its back-off is over.
func (e Entry) Due(version string, now time.Time) bool {
	r, ok := e.Retries[version]
	return !ok || !now.Before(r.Next)
}

// Backoff returns the delay after the n-th failure in a row: base·2^(n-1),
// at most max.
func Backoff(n int, base, max time.Duration) time.Duration {
	if n < 1 {
		n = 1
	}
	d := base
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}

// Store is the state of one data folder, loaded whole and saved shard by
// shard. It is safe for concurrent use.
type Store struct {
	dir string

	mu      sync.Mutex
	entries map[string]map[string]Entry // shard → key → entry
	dirty   map[string]bool
}

// file is one shard file.
type file struct {
	Format  int              `json:"format"`
	Entries map[string]Entry `json:"entries"`
}

// Load reads the state of the data folder root. Files that cannot be read
// or parsed are skipped and returned as problems (the state they held is
// forgotten, which costs requests, not data).
func Load(root string) (*Store, []error, error) {
	s := &Store{
		dir:     filepath.Join(root, filepath.FromSlash(Folder)),
		entries: map[string]map[string]Entry{},
		dirty:   map[string]bool{},
	}
	des, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", s.dir, err)
	}
	var problems []error
	for _, de := range des {
		name := de.Name()
		if de.IsDir() || !strings.HasSuffix(name, ".json") || strings.HasPrefix(name, ".") {
			continue
		}
		p := filepath.Join(s.dir, name)
		data, err := os.ReadFile(p)
		if err != nil {
			problems = append(problems, fmt.Errorf("reading %s: %w", p, err))
			continue
		}
		var f file
		if err := json.Unmarshal(data, &f); err != nil {
			problems = append(problems, fmt.Errorf("%s: %w (ignoring it)", p, err))
			s.dirty[strings.TrimSuffix(name, ".json")] = true
			continue
		}
		if f.Format != formatVersion {
			problems = append(problems, fmt.Errorf("%s: state format %d, want %d (ignoring it)", p, f.Format, formatVersion))
			s.dirty[strings.TrimSuffix(name, ".json")] = true
			continue
		}
		if f.Entries == nil {
			f.Entries = map[string]Entry{}
		}
		s.entries[strings.TrimSuffix(name, ".json")] = f.Entries
	}
	return s, problems, nil
}

// shardOf returns the shard of a key ("provider/ns/type" or
// "module/ns/name/system"): the first character of the namespace.
func shardOf(key string) string {
	_, rest, _ := strings.Cut(key, "/")
	if rest == "" {
		return "_"
	}
	c := strings.ToLower(rest[:1])
	if !regdata.SafeSegment(c) {
		return "_"
	}
	return c
}

// Get returns the entry stored under key (a regdata Key()), or a zero
// entry.
func (s *Store) Get(key string) Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entries[shardOf(key)][key]
	e.Retries = maps.Clone(e.Retries)
	return e
}

// Put stores an entry under key.
func (s *Store) Put(key string, e Entry) {
	if len(e.Retries) == 0 {
		e.Retries = nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sh := shardOf(key)
	m := s.entries[sh]
	if m == nil {
		m = map[string]Entry{}
		s.entries[sh] = m
	}
	if old, ok := m[key]; ok && equal(old, e) {
		return
	}
	m[key] = e
	s.dirty[sh] = true
}

// Delete forgets the entry stored under key.
func (s *Store) Delete(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh := shardOf(key)
	if _, ok := s.entries[sh][key]; ok {
		delete(s.entries[sh], key)
		s.dirty[sh] = true
	}
}

// Keys returns every stored key starting with prefix ("provider/",
// "module/"), sorted.
func (s *Store) Keys(prefix string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var keys []string
	for _, m := range s.entries {
		for k := range m {
			if strings.HasPrefix(k, prefix) {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	return keys
}

// Save writes every shard that changed since Load or the last Save,
// atomically.
func (s *Store) Save() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for _, sh := range slices.Sorted(maps.Keys(s.dirty)) {
		f := file{Format: formatVersion, Entries: s.entries[sh]}
		if f.Entries == nil {
			f.Entries = map[string]Entry{}
		}
		data, err := encode(f)
		if err == nil {
			err = regdata.WriteFileAtomic(filepath.Join(s.dir, sh+".json"), data, 0o644)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("saving ingest state %s: %w", sh, err))
			continue
		}
		delete(s.dirty, sh)
	}
	return errors.Join(errs...)
}

func encode(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func equal(a, b Entry) bool {
	if a.Addr != b.Addr || a.Feed != b.Feed || a.ETag != b.ETag || a.LastModified != b.LastModified ||
		!a.LastFull.Equal(b.LastFull) || a.DocsComplete != b.DocsComplete || len(a.Retries) != len(b.Retries) {
		return false
	}
	for k, ra := range a.Retries {
		rb, ok := b.Retries[k]
		if !ok || ra.Attempts != rb.Attempts || !ra.Next.Equal(rb.Next) {
			return false
		}
	}
	return true
}
