package search

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path"
	"slices"
	"time"
)

// OpenFunc reads one file of a built tree by its slash-separated path
// relative to the tree root.
type OpenFunc func(ctx context.Context, name string) ([]byte, error)

// Load reads an index written by Index.Files through open.
func Load(ctx context.Context, open OpenFunc) (*Index, error) {
	read := func(rel string, v any) error {
		name := path.Join(Dir, rel)
		data, err := open(ctx, name)
		if err != nil {
			return fmt.Errorf("reading search index %s: %w", name, err)
		}
		if err := json.Unmarshal(data, v); err != nil {
			return fmt.Errorf("reading search index %s: %w", name, err)
		}
		return nil
	}
	var meta Meta
	if err := read(MetaFile, &meta); err != nil {
		return nil, err
	}
	if meta.Format != Format {
		return nil, fmt.Errorf("reading search index %s: format %q, want %q", path.Join(Dir, MetaFile), meta.Format, Format)
	}
	if !slices.Equal(meta.Modules.Columns, ModuleColumns) || !slices.Equal(meta.Providers.Columns, ProviderColumns) {
		return nil, fmt.Errorf("reading search index %s: unexpected table columns", path.Join(Dir, MetaFile))
	}
	if meta.Modules.Count < 0 || meta.Providers.Count < 0 || meta.Modules.Count > math.MaxInt32 ||
		(meta.Modules.Count > 0 && meta.Modules.ShardSize <= 0) || (meta.Providers.Count > 0 && meta.Providers.ShardSize <= 0) {
		return nil, fmt.Errorf("reading search index %s: bad table sizes", path.Join(Dir, MetaFile))
	}
	ix := &Index{built: meta.Built.UTC(), split: meta.Terms.Split, postings: map[string][]Posting{}}
	if ix.split == nil {
		ix.split = map[string][]string{}
	}

	var err error
	ix.modules, err = loadTable(meta.Modules, "modules", read, decodeModule)
	if err != nil {
		return nil, err
	}
	ix.providers, err = loadTable(meta.Providers, "providers", read, decodeProvider)
	if err != nil {
		return nil, err
	}

	var vd []int32
	if err := read(VerifiedFile, &vd); err != nil {
		return nil, err
	}
	if ix.verified, err = undelta(vd, len(ix.modules)); err != nil {
		return nil, fmt.Errorf("reading search index %s: %w", path.Join(Dir, VerifiedFile), err)
	}

	var keys []string
	if err := read(TermShardsFile, &keys); err != nil {
		return nil, err
	}
	for _, k := range keys {
		if !validShardKey(k) {
			return nil, fmt.Errorf("reading search index %s: bad shard key %q", path.Join(Dir, TermShardsFile), k)
		}
		var shard map[string][]int64
		rel := "terms/" + k + ".json"
		if err := read(rel, &shard); err != nil {
			return nil, err
		}
		for term, flat := range shard {
			ps, err := decodePostings(flat, len(ix.modules))
			if err != nil {
				return nil, fmt.Errorf("reading search index %s: term %q: %w", path.Join(Dir, rel), term, err)
			}
			if ShardKey(term, ix.split) != k {
				return nil, fmt.Errorf("reading search index %s: term %q belongs in shard %q", path.Join(Dir, rel), term, ShardKey(term, ix.split))
			}
			ix.postings[term] = ps
			ix.terms = append(ix.terms, term)
		}
	}
	ix.derive()
	return ix, nil
}

func validShardKey(k string) bool {
	if k == "" || len(k) > maxKeyLen {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		lowerAlnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !lowerAlnum && !(i > 0 && (c == '-' || c == '_')) {
			return false
		}
	}
	return true
}

func loadTable[T any](t Table, dir string, read func(string, any) error, decode func(json.RawMessage) (T, error)) ([]T, error) {
	out := make([]T, 0, t.Count)
	for k := 0; k*t.ShardSize < t.Count; k++ {
		rel := fmt.Sprintf("%s/%d.json", dir, k)
		var shard tableShard
		if err := read(rel, &shard); err != nil {
			return nil, err
		}
		want := min(t.ShardSize, t.Count-k*t.ShardSize)
		if shard.First != k*t.ShardSize || len(shard.Rows) != want {
			return nil, fmt.Errorf("reading search index %s: first %d with %d rows, want %d with %d", path.Join(Dir, rel), shard.First, len(shard.Rows), k*t.ShardSize, want)
		}
		for i, raw := range shard.Rows {
			v, err := decode(raw)
			if err != nil {
				return nil, fmt.Errorf("reading search index %s: row %d: %w", path.Join(Dir, rel), i, err)
			}
			out = append(out, v)
		}
	}
	return out, nil
}

func decodeModule(raw json.RawMessage) (Module, error) {
	var m Module
	var published string
	row := [...]any{&m.Namespace, &m.Name, &m.Provider, &m.Version, &m.Tag, &m.Description, &m.Source, &published, &m.Downloads, &m.Verified}
	if err := decodeRow(raw, row[:]); err != nil {
		return Module{}, err
	}
	t, err := parsePublished(published)
	if err != nil {
		return Module{}, err
	}
	m.PublishedAt = t
	return m, nil
}

func decodeProvider(raw json.RawMessage) (Provider, error) {
	var p Provider
	var published string
	row := [...]any{&p.Namespace, &p.Type, &p.Version, &p.Description, &p.Source, &published, &p.Downloads}
	if err := decodeRow(raw, row[:]); err != nil {
		return Provider{}, err
	}
	t, err := parsePublished(published)
	if err != nil {
		return Provider{}, err
	}
	p.PublishedAt = t
	return p, nil
}

// decodeRow decodes a JSON array into the pointers of row, requiring
// exactly as many elements.
func decodeRow(raw json.RawMessage, row []any) error {
	var cols []json.RawMessage
	if err := json.Unmarshal(raw, &cols); err != nil {
		return err
	}
	if len(cols) != len(row) {
		return fmt.Errorf("%d columns, want %d", len(cols), len(row))
	}
	for i, c := range cols {
		if err := json.Unmarshal(c, row[i]); err != nil {
			return fmt.Errorf("column %d: %w", i, err)
		}
	}
	return nil
}

// decodePostings turns a flat [delta, flags, …] array into postings,
// checking that documents ascend and stay below n.
func decodePostings(flat []int64, n int) ([]Posting, error) {
	if len(flat)%2 != 0 {
		return nil, fmt.Errorf("odd postings length %d", len(flat))
	}
	ps := make([]Posting, 0, len(flat)/2)
	doc := int64(0)
	for i := 0; i < len(flat); i += 2 {
		d, f := flat[i], flat[i+1]
		if d < 0 || (i > 0 && d == 0) || f < 0 || f > math.MaxUint8 {
			return nil, fmt.Errorf("bad posting [%d,%d]", d, f)
		}
		doc += d
		if doc >= int64(n) {
			return nil, fmt.Errorf("posting names module %d of %d", doc, n)
		}
		ps = append(ps, Posting{Doc: int32(doc), Flags: uint8(f)})
	}
	return ps, nil
}

func undelta(ds []int32, n int) ([]int32, error) {
	out := make([]int32, len(ds))
	cur := int64(0)
	for i, d := range ds {
		if d < 0 || (i > 0 && d == 0) {
			return nil, fmt.Errorf("bad delta %d", d)
		}
		cur += int64(d)
		if cur >= int64(n) {
			return nil, fmt.Errorf("module %d of %d", cur, n)
		}
		out[i] = int32(cur)
	}
	return out, nil
}

// parsePublished reads a row's published_at: "" (unknown) is the zero
// time.
func parsePublished(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("published_at: %w", err)
	}
	return t, nil
}
