package search

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// IndexWriter builds the same index files as Build and Files from rows
// handed over one at a time, in index order, so that a registry's rows
// are never all in memory: table shards go to files in a scratch folder
// as they fill. What it keeps is the term postings (8 bytes per posting),
// the verified module ids and a few bytes per shard.
type IndexWriter struct {
	o         BuildOptions
	dir       string
	shardSize int
	files     []string // paths relative to Dir, written under dir

	modules   []Module // the module shard being filled
	nModules  int
	last      Module
	providers []Provider
	nProvs    int
	lastProv  string
	firstKeys []string
	postings  map[string][]Posting
	verified  []int32
}

// NewIndexWriter returns an IndexWriter keeping its files under dir (an
// existing scratch folder the caller removes). o.DocShardSize is the rows
// per table shard (0: 64).
func NewIndexWriter(dir string, o BuildOptions) *IndexWriter {
	return &IndexWriter{o: o, dir: dir, shardSize: cmp.Or(max(o.DocShardSize, 0), 64), postings: map[string][]Posting{}}
}

// moduleOrder is the index order of modules: downloads descending, then
// Key.
func moduleOrder(a, b Module) int {
	if c := cmp.Compare(b.Downloads, a.Downloads); c != 0 {
		return c
	}
	return strings.Compare(a.Key(), b.Key())
}

// AddModule adds the next module in index order (ModuleOrderKey).
func (w *IndexWriter) AddModule(m Module) error {
	m.Description = clipDescription(m.Description)
	if w.nModules > 0 && moduleOrder(w.last, m) >= 0 {
		return fmt.Errorf("search index: module %s added after %s, out of index order", m.Key(), w.last.Key())
	}
	w.last = m
	doc := int32(w.nModules)
	if m.Verified {
		w.verified = append(w.verified, doc)
	}
	moduleTerms(m, func(term string, flag uint8) {
		if term == "" {
			return
		}
		ps := w.postings[term]
		if n := len(ps); n > 0 && ps[n-1].Doc == doc {
			ps[n-1].Flags |= flag
			return
		}
		w.postings[term] = append(ps, Posting{Doc: doc, Flags: flag})
	})
	w.modules = append(w.modules, m)
	w.nModules++
	if len(w.modules) == w.shardSize {
		return w.flushModules()
	}
	return nil
}

// AddProvider adds the next provider in Key order.
func (w *IndexWriter) AddProvider(p Provider) error {
	p.Description = clipDescription(p.Description)
	k := p.Key()
	if w.nProvs > 0 && k <= w.lastProv {
		return fmt.Errorf("search index: provider %s added after %s, out of order", k, w.lastProv)
	}
	w.lastProv = k
	w.providers = append(w.providers, p)
	w.nProvs++
	if len(w.providers) == w.shardSize {
		return w.flushProviders()
	}
	return nil
}

func (w *IndexWriter) flushModules() error {
	if len(w.modules) == 0 {
		return nil
	}
	first := w.nModules - len(w.modules)
	data, err := encodeRows(first, w.modules, moduleRow)
	if err != nil {
		return err
	}
	w.modules = w.modules[:0]
	return w.write(fmt.Sprintf("modules/%d.json", first/w.shardSize), data)
}

func (w *IndexWriter) flushProviders() error {
	if len(w.providers) == 0 {
		return nil
	}
	first := w.nProvs - len(w.providers)
	w.firstKeys = append(w.firstKeys, w.providers[0].Key())
	data, err := encodeRows(first, w.providers, providerRow)
	if err != nil {
		return err
	}
	w.providers = w.providers[:0]
	return w.write(fmt.Sprintf("providers/%d.json", first/w.shardSize), data)
}

// write keeps one index file in the scratch folder.
func (w *IndexWriter) write(rel string, data []byte) error {
	p := filepath.Join(w.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	w.files = append(w.files, rel)
	return nil
}

// Finish writes the term shards, the verified list and meta.json, and
// hands every index file to put (meta.json last), each read back from the
// scratch folder in turn.
func (w *IndexWriter) Finish(put func(File) error) error {
	if err := w.flushModules(); err != nil {
		return err
	}
	if err := w.flushProviders(); err != nil {
		return err
	}
	terms := make([]string, 0, len(w.postings))
	for t := range w.postings {
		terms = append(terms, t)
	}
	slices.Sort(terms)
	split := planShards(terms, w.postings, shardBytes(w.o.ShardBytes))
	shards := map[string][]string{}
	for _, t := range terms {
		k := ShardKey(t, split)
		shards[k] = append(shards[k], t)
	}
	keys := make([]string, 0, len(shards))
	for k := range shards {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := w.write("terms/"+k+".json", encodeTermShard(shards[k], w.postings)); err != nil {
			return err
		}
	}
	data, err := marshal(keys)
	if err != nil {
		return err
	}
	if err := w.write(TermShardsFile, data); err != nil {
		return err
	}
	data, err = marshal(deltas(w.verified))
	if err != nil {
		return err
	}
	if err := w.write(VerifiedFile, data); err != nil {
		return err
	}
	w.postings, w.verified = nil, nil

	meta := newMeta(w.o.Built.UTC(), w.nModules, w.nProvs, w.shardSize, split)
	meta.Providers.FirstKeys = append(meta.Providers.FirstKeys, w.firstKeys...)
	slices.SortFunc(w.files, func(a, b string) int { return cmpString(path.Join(Dir, a), path.Join(Dir, b)) })
	h := sha256.New()
	for _, rel := range w.files {
		data, err := os.ReadFile(filepath.Join(w.dir, filepath.FromSlash(rel)))
		if err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		p := path.Join(Dir, rel)
		h.Write([]byte(p))
		h.Write([]byte{0})
		h.Write(data)
		h.Write([]byte{0})
		if err := put(File{Path: p, Data: data}); err != nil {
			return err
		}
	}
	meta.Digest = hex.EncodeToString(h.Sum(nil))
	data, err = marshal(meta)
	if err != nil {
		return err
	}
	return put(File{Path: path.Join(Dir, MetaFile), Data: data})
}
