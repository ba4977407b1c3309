package search

import (
	"slices"
	"strconv"
	"strings"
)

// PrefixLen is the length of the term prefix that names a term shard
// before any split.
const PrefixLen = 2

// maxKeyLen bounds how deep a term shard may be split.
const maxKeyLen = 8

// ShardKey returns the key of the term shard holding term: its first
// PrefixLen bytes (the whole term when shorter), lengthened one byte at a
// time while the key is a split prefix and the term is longer than it.
func ShardKey(term string, split map[string][]string) string {
	k := min(PrefixLen, len(term))
	for k < len(term) {
		if _, ok := split[term[:k]]; !ok {
			break
		}
		k++
	}
	return term[:k]
}

// planShards decides which shard keys to split so that no term shard
// encodes to more than limit bytes (unless a single term is that large).
func planShards(terms []string, postings map[string][]Posting, limit int) map[string][]string {
	split := map[string][]string{}
	var visit func(key string, terms []string)
	visit = func(key string, terms []string) {
		if len(key) >= maxKeyLen || len(encodeTermShard(terms, postings)) <= limit {
			return
		}
		var longer []string
		for _, t := range terms {
			if len(t) > len(key) {
				longer = append(longer, t)
			}
		}
		if len(longer) == 0 {
			return
		}
		groups := groupByPrefix(longer, len(key)+1)
		if len(groups) == 1 && len(longer) == len(terms) {
			return // one child holding everything: splitting gains nothing
		}
		var children []string
		for _, g := range groups {
			children = append(children, g.key)
		}
		split[key] = children
		for _, g := range groups {
			visit(g.key, g.terms)
		}
	}
	for _, g := range groupByPrefix(terms, PrefixLen) {
		visit(g.key, g.terms)
	}
	return split
}

type termGroup struct {
	key   string
	terms []string
}

// groupByPrefix groups sorted terms by their first n bytes (the whole
// term when shorter).
func groupByPrefix(terms []string, n int) []termGroup {
	var out []termGroup
	for _, t := range terms {
		k := t[:min(n, len(t))]
		if len(out) == 0 || out[len(out)-1].key != k {
			out = append(out, termGroup{key: k})
		}
		out[len(out)-1].terms = append(out[len(out)-1].terms, t)
	}
	return out
}

// termShards returns the terms of each shard, by key.
func (ix *Index) termShards() map[string][]string {
	shards := map[string][]string{}
	for _, t := range ix.terms {
		k := ShardKey(t, ix.split)
		shards[k] = append(shards[k], t)
	}
	return shards
}

// encodeTermShard renders a term shard: a JSON object mapping each term
// (in sorted order) to its postings as a flat array of [doc delta, flags]
// pairs, the first delta counted from 0.
func encodeTermShard(terms []string, postings map[string][]Posting) []byte {
	b := make([]byte, 0, 256)
	b = append(b, '{')
	for i, t := range terms {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, t)
		b = append(b, ':', '[')
		prev := int32(0)
		for j, p := range postings[t] {
			if j > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, int64(p.Doc-prev), 10)
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(p.Flags), 10)
			prev = p.Doc
		}
		b = append(b, ']')
	}
	b = append(b, '}', '\n')
	return b
}

// termRange returns the positions [lo, hi) in the sorted term list of the
// terms having prefix p.
func (ix *Index) termRange(p string) (lo, hi int) {
	lo, _ = slices.BinarySearch(ix.terms, p)
	hi = lo
	for hi < len(ix.terms) && strings.HasPrefix(ix.terms[hi], p) {
		hi++
	}
	return lo, hi
}
