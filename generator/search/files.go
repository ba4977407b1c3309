package search

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strconv"
	"time"
)

// Format names the index format written into meta.json.
const Format = "regen-search/1"

// Dir is the folder of the index in a built tree.
const Dir = "v1/search-index"

// Paths of the index files, relative to Dir.
const (
	MetaFile       = "meta.json"
	VerifiedFile   = "verified.json"
	TermShardsFile = "term-shards.json"
)

// ModuleColumns are the columns of a module table row, in order.
var ModuleColumns = []string{"namespace", "name", "provider", "version", "tag", "description", "source", "published_at", "downloads", "verified"}

// ProviderColumns are the columns of a provider table row, in order.
var ProviderColumns = []string{"namespace", "type", "version", "description", "source", "published_at", "downloads"}

// Meta is meta.json: what a reader needs to find and interpret the other
// files.
type Meta struct {
	Format       string    `json:"format"`
	Built        time.Time `json:"built"`
	DefaultLimit int       `json:"default_limit"`
	MaxLimit     int       `json:"max_limit"`
	Modules      Table     `json:"modules"`
	Providers    Table     `json:"providers"`
	Terms        TermsMeta `json:"terms"`
	// Digest is the SHA-256 (hex) of every other index file (each path,
	// a NUL, its content, a NUL, in path order): it changes whenever the
	// index does, so a reader can tell a new index from meta.json alone.
	Digest string `json:"digest"`
	// Flags maps each posting flag's name to its bit.
	Flags     map[string]int `json:"flags"`
	StopWords []string       `json:"stop_words"`
}

// Table describes a sharded table (modules or providers).
type Table struct {
	Count     int      `json:"count"`
	ShardSize int      `json:"shard_size"`
	Columns   []string `json:"columns"`
	// FirstKeys (providers only) is the Key of the first row of each
	// shard, for binary search by namespace.
	FirstKeys []string `json:"first_keys,omitempty"`
}

// TermsMeta describes the term shards.
type TermsMeta struct {
	PrefixLen int                 `json:"prefix_len"`
	Split     map[string][]string `json:"split"`
}

// File is one file of the index, its path relative to the tree root.
type File struct {
	Path string
	Data []byte
}

// Files renders the index as the files a static host serves, sorted by
// path. docShardSize is the number of rows per table shard (0: 64).
func (ix *Index) Files(docShardSize int) ([]File, error) {
	if docShardSize <= 0 {
		docShardSize = 64
	}
	var files []File
	add := func(rel string, data []byte) { files = append(files, File{Path: path.Join(Dir, rel), Data: data}) }

	meta := newMeta(ix.built, len(ix.modules), len(ix.providers), docShardSize, ix.split)
	for k := 0; k*docShardSize < len(ix.modules); k++ {
		rows := ix.modules[k*docShardSize : min((k+1)*docShardSize, len(ix.modules))]
		data, err := encodeRows(k*docShardSize, rows, moduleRow)
		if err != nil {
			return nil, err
		}
		add(fmt.Sprintf("modules/%d.json", k), data)
	}
	for k := 0; k*docShardSize < len(ix.providers); k++ {
		rows := ix.providers[k*docShardSize : min((k+1)*docShardSize, len(ix.providers))]
		meta.Providers.FirstKeys = append(meta.Providers.FirstKeys, rows[0].Key())
		data, err := encodeRows(k*docShardSize, rows, providerRow)
		if err != nil {
			return nil, err
		}
		add(fmt.Sprintf("providers/%d.json", k), data)
	}
	shards := ix.termShards()
	keys := make([]string, 0, len(shards))
	for k := range shards {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		add("terms/"+k+".json", encodeTermShard(shards[k], ix.postings))
	}
	data, err := marshal(keys)
	if err != nil {
		return nil, err
	}
	add(TermShardsFile, data)
	data, err = marshal(deltas(ix.verified))
	if err != nil {
		return nil, err
	}
	add(VerifiedFile, data)
	slices.SortFunc(files, func(a, b File) int { return cmpString(a.Path, b.Path) })
	h := sha256.New()
	for _, f := range files {
		h.Write([]byte(f.Path))
		h.Write([]byte{0})
		h.Write(f.Data)
		h.Write([]byte{0})
	}
	meta.Digest = hex.EncodeToString(h.Sum(nil))
	data, err = marshal(meta)
	if err != nil {
		return nil, err
	}
	add(MetaFile, data)
	slices.SortFunc(files, func(a, b File) int { return cmpString(a.Path, b.Path) })
	return files, nil
}

// newMeta returns meta.json without its digest and provider first keys.
func newMeta(built time.Time, modules, providers, docShardSize int, split map[string][]string) Meta {
	meta := Meta{
		Format:       Format,
		Built:        built,
		DefaultLimit: DefaultLimit,
		MaxLimit:     MaxLimit,
		Modules:      Table{Count: modules, ShardSize: docShardSize, Columns: ModuleColumns},
		Providers:    Table{Count: providers, ShardSize: docShardSize, Columns: ProviderColumns, FirstKeys: []string{}},
		Terms:        TermsMeta{PrefixLen: PrefixLen, Split: split},
		Flags: map[string]int{
			"namespace": FlagNamespace, "name": FlagName, "provider": FlagProvider, "description": FlagDescription,
			"namespace_exact": FlagNamespaceExact, "name_exact": FlagNameExact, "verified": FlagVerified,
		},
		StopWords: StopWords,
	}
	if meta.Terms.Split == nil {
		meta.Terms.Split = map[string][]string{}
	}
	return meta
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func moduleRow(m Module) []any {
	return []any{m.Namespace, m.Name, m.Provider, m.Version, m.Tag, m.Description, m.Source, timeString(m.PublishedAt), m.Downloads, m.Verified}
}

func providerRow(p Provider) []any {
	return []any{p.Namespace, p.Type, p.Version, p.Description, p.Source, timeString(p.PublishedAt), p.Downloads}
}

// timeString renders a row's published_at: RFC 3339 UTC, "" when unknown
// (a data file without discovery dates).
func timeString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// tableShard is a module or provider table shard.
type tableShard struct {
	First int               `json:"first"`
	Rows  []json.RawMessage `json:"rows"`
}

func encodeRows[T any](first int, rows []T, row func(T) []any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"first":` + strconv.Itoa(first) + `,"rows":[`)
	for i, r := range rows {
		if i > 0 {
			b.WriteString(",\n")
		} else {
			b.WriteString("\n")
		}
		line, err := marshalCompact(row(r))
		if err != nil {
			return nil, err
		}
		b.Write(line)
	}
	b.WriteString("\n]}\n")
	return b.Bytes(), nil
}

// marshal renders v as compact JSON without HTML escaping, with a
// trailing newline.
func marshal(v any) ([]byte, error) {
	b, err := marshalCompact(v)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func marshalCompact(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encoding search index: %w", err)
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

func deltas(ids []int32) []int32 {
	out := make([]int32, len(ids))
	prev := int32(0)
	for i, id := range ids {
		out[i] = id - prev
		prev = id
	}
	return out
}
