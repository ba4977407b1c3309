package pipeline

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/regdata/events"
)

// packFormat is written in every pack's manifest; Apply refuses others.
const packFormat = 1

// Names inside a pack (a gzipped tar).
const (
	manifestName = "pack.json"
	dataPrefix   = "data/"
	docsPrefix   = "docs/"
	// archivesPrefix holds archive mode's module package store files.
	archivesPrefix = "archives/"
)

// Manifest is a pack's table of contents, its first entry.
type Manifest struct {
	Format int `json:"format"`
	// Shard is the part of the data folder the pack writes.
	Shard string `json:"shard"`
	// Base is the commit the shard started from.
	Base string `json:"base"`
	// Created is when the pack was made.
	Created time.Time `json:"created"`
	// Files are the shard's changed data files.
	Files []FileChange `json:"files"`
	// Events are the events the shard appended to the change log, in the
	// order it appended them.
	Events []events.Event `json:"events"`
	// Docs are the docs store files the shard's ingest wrote
	// (slash-separated, relative to the store).
	Docs []string `json:"docs"`
	// Archives are the archive store files the shard's ingest wrote
	// (slash-separated, relative to the store): module indexes and the
	// packages their new entries name.
	Archives []string `json:"archives,omitempty"`
}

// FileChange is one changed data file.
type FileChange struct {
	// Path is relative to the data folder, slash-separated.
	Path string `json:"path"`
	// Base is the hex sha256 of the file at the base commit, "" when it
	// did not exist there. Apply writes the change only when the file is
	// still as the shard found it.
	Base string `json:"base,omitempty"`
	// Delete is set when the shard removed the file.
	Delete bool `json:"delete,omitempty"`
	// SHA256 is the hex sha256 of the new content.
	SHA256 string `json:"sha256,omitempty"`
}

// check validates a manifest read from a pack named name.
func (m *Manifest) check(name string) (regdata.Shard, error) {
	if m.Format != packFormat {
		return regdata.Shard{}, fmt.Errorf("%s: pack format %d, want %d (made by another regen version?)", name, m.Format, packFormat)
	}
	sh, err := regdata.ParseShard(m.Shard)
	if err != nil {
		return regdata.Shard{}, fmt.Errorf("%s: %w", name, err)
	}
	seen := map[string]bool{}
	for _, f := range m.Files {
		if !cleanRel(f.Path) || !sh.HasPath(f.Path) {
			return sh, fmt.Errorf("%s: file %q is outside shard %s", name, f.Path, m.Shard)
		}
		if seen[f.Path] {
			return sh, fmt.Errorf("%s: file %q listed twice", name, f.Path)
		}
		seen[f.Path] = true
		if !f.Delete && !hexHash(f.SHA256) || f.Base != "" && !hexHash(f.Base) {
			return sh, fmt.Errorf("%s: file %q: bad hash", name, f.Path)
		}
	}
	for _, e := range m.Events {
		if err := e.Validate(); err != nil {
			return sh, fmt.Errorf("%s: %w", name, err)
		}
		if !sh.HasNamespace(e.Namespace) {
			return sh, fmt.Errorf("%s: event %s for %s is outside shard %s", name, e.Type, e.Addr(), m.Shard)
		}
	}
	for _, d := range m.Docs {
		if err := checkDocsPath(d, sh); err != nil {
			return sh, fmt.Errorf("%s: %w", name, err)
		}
	}
	for _, a := range m.Archives {
		if err := checkArchivePath(a, sh); err != nil {
			return sh, fmt.Errorf("%s: %w", name, err)
		}
	}
	return sh, nil
}

// checkDocsPath accepts the docs store files a shard may write: objects
// (content-addressed, so shards writing the same one agree) and the
// indexes of its own modules.
func checkDocsPath(p string, sh regdata.Shard) error {
	if !cleanRel(p) {
		return fmt.Errorf("docs file %q: not a clean relative path", p)
	}
	parts := strings.Split(p, "/")
	switch {
	case parts[0] == "objects" && len(parts) == 3:
		return nil
	case parts[0] == "index" && len(parts) == 4 && parts[1] != "" && sh.HasNamespace(parts[1]):
		return nil
	}
	return fmt.Errorf("docs file %q is not an object or an index of shard %s", p, sh)
}

// cleanRel reports whether p is a clean, relative, slash-separated path
// without "..".
func cleanRel(p string) bool {
	return p != "" && p == path.Clean(p) && !path.IsAbs(p) && !strings.HasPrefix(p, "../") && p != ".." &&
		!strings.Contains(p, "\\") && filepath.IsLocal(filepath.FromSlash(p))
}

func hexHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// RunMark is what `regen ingest --shard` records for `regen shard pack`:
// which shard the working copy ingested, and since when (docs and archive
// store files written after Started are the run's).
type RunMark struct {
	Shard   string    `json:"shard"`
	Started time.Time `json:"started"`
}

// markPath is the run mark's place in the data folder (never committed).
const markPath = ".regen/shard-run.json"

// WriteRunMark records the start of a sharded ingest in the data folder.
func WriteRunMark(data string, m RunMark) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return regdata.WriteFileAtomic(filepath.Join(data, filepath.FromSlash(markPath)), append(b, '\n'), 0o644)
}

// ReadRunMark returns the mark of the last sharded ingest.
func ReadRunMark(data string) (RunMark, error) {
	var m RunMark
	p := filepath.Join(data, filepath.FromSlash(markPath))
	b, err := os.ReadFile(p)
	if err != nil {
		return m, fmt.Errorf("reading %s (written by regen ingest --shard): %w", p, err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("reading %s: %w", p, err)
	}
	return m, nil
}
