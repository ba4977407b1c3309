package search

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Index is the search index of a registry: its modules in popularity
// order, its providers in address order, and the inverted index of module
// terms. It is immutable once built or loaded and safe for concurrent use.
type Index struct {
	built     time.Time
	modules   []Module
	providers []Provider
	terms     []string             // sorted
	postings  map[string][]Posting // by term, sorted by Doc
	plists    [][]Posting          // postings[terms[i]], for queries without map lookups
	verified  []int32              // modules that are verified, ascending
	split     map[string][]string  // term shard keys that are split, with their children

	// Derived lookups for the Go reader (not written to files).
	byNamespace  map[string][]int32 // lower-cased namespace → module ids
	byProvider   map[string][]int32 // target system → module ids
	provNSRanges map[string][2]int  // lower-cased namespace → provider [start, end)
}

// BuildOptions tune Build.
type BuildOptions struct {
	// Built is the build time written into meta.json.
	Built time.Time
	// ShardBytes is the size above which a term shard is split by one more
	// character (0: 24 KiB).
	ShardBytes int
	// DocShardSize is the number of rows per module or provider table
	// shard (0: 64).
	DocShardSize int
}

// Build indexes modules and providers. Modules are ordered by downloads
// (most first), then by Key; providers by Key. The inputs are not modified.
func Build(modules []Module, providers []Provider, o BuildOptions) *Index {
	ix := &Index{
		built:     o.Built.UTC(),
		modules:   slices.Clone(modules),
		providers: slices.Clone(providers),
		postings:  map[string][]Posting{},
	}
	for i := range ix.modules {
		ix.modules[i].Description = clipDescription(ix.modules[i].Description)
	}
	for i := range ix.providers {
		ix.providers[i].Description = clipDescription(ix.providers[i].Description)
	}
	slices.SortStableFunc(ix.modules, func(a, b Module) int {
		if c := cmp.Compare(b.Downloads, a.Downloads); c != 0 {
			return c
		}
		return strings.Compare(a.Key(), b.Key())
	})
	slices.SortStableFunc(ix.providers, func(a, b Provider) int { return strings.Compare(a.Key(), b.Key()) })

	acc := map[string]map[int32]uint8{}
	add := func(term string, doc int32, flag uint8) {
		if term == "" {
			return
		}
		m := acc[term]
		if m == nil {
			m = map[int32]uint8{}
			acc[term] = m
		}
		m[doc] |= flag
	}
	for i, m := range ix.modules {
		doc := int32(i)
		if m.Verified {
			ix.verified = append(ix.verified, doc)
		}
		moduleTerms(m, func(term string, flag uint8) { add(term, doc, flag) })
	}
	for term, docs := range acc {
		ps := make([]Posting, 0, len(docs))
		for d, f := range docs {
			ps = append(ps, Posting{Doc: d, Flags: f})
		}
		slices.SortFunc(ps, func(a, b Posting) int { return cmp.Compare(a.Doc, b.Doc) })
		ix.postings[term] = ps
		ix.terms = append(ix.terms, term)
	}
	ix.split = planShards(ix.sortedTerms(), ix.postings, shardBytes(o.ShardBytes))
	ix.derive()
	return ix
}

func shardBytes(n int) int {
	if n <= 0 {
		return 24 << 10
	}
	return n
}

// sortedTerms sorts the term list and returns it.
func (ix *Index) sortedTerms() []string {
	slices.Sort(ix.terms)
	return ix.terms
}

// derive fills the lookups the Go reader uses.
func (ix *Index) derive() {
	slices.Sort(ix.terms)
	ix.plists = make([][]Posting, len(ix.terms))
	for i, t := range ix.terms {
		ix.plists[i] = ix.postings[t]
	}
	ix.byNamespace = map[string][]int32{}
	ix.byProvider = map[string][]int32{}
	for i, m := range ix.modules {
		ns := strings.ToLower(m.Namespace)
		ix.byNamespace[ns] = append(ix.byNamespace[ns], int32(i))
		p := strings.ToLower(m.Provider)
		ix.byProvider[p] = append(ix.byProvider[p], int32(i))
	}
	ix.provNSRanges = map[string][2]int{}
	for i, p := range ix.providers {
		ns := strings.ToLower(p.Namespace)
		r, ok := ix.provNSRanges[ns]
		if !ok {
			r[0] = i
		}
		r[1] = i + 1
		ix.provNSRanges[ns] = r
	}
}

// Built returns the build time recorded in the index.
func (ix *Index) Built() time.Time { return ix.built }

// ModuleCount returns the number of modules indexed.
func (ix *Index) ModuleCount() int { return len(ix.modules) }

// ProviderCount returns the number of providers indexed.
func (ix *Index) ProviderCount() int { return len(ix.providers) }

// HasNamespace reports whether any module is in the namespace (compared
// case-insensitively).
func (ix *Index) HasNamespace(ns string) bool {
	_, ok := ix.byNamespace[strings.ToLower(ns)]
	return ok
}

// HasProviderNamespace reports whether any provider is in the namespace.
func (ix *Index) HasProviderNamespace(ns string) bool {
	_, ok := ix.provNSRanges[strings.ToLower(ns)]
	return ok
}

// moduleTerms calls add for every term a module is indexed under, with
// its flag (FlagVerified added for a verified module); a term may come
// more than once.
func moduleTerms(m Module, add func(term string, flag uint8)) {
	var ver uint8
	if m.Verified {
		ver = FlagVerified
	}
	for _, t := range Tokenize(m.Namespace) {
		add(t, FlagNamespace|ver)
	}
	add(strings.ToLower(m.Namespace), FlagNamespaceExact|ver)
	for _, t := range Tokenize(m.Name) {
		add(t, FlagName|ver)
	}
	add(NormalizeName(m.Name), FlagNameExact|ver)
	add(strings.ToLower(m.Provider), FlagProvider|ver)
	for _, t := range descriptionTerms(m.Description) {
		add(t, FlagDescription|ver)
	}
}
