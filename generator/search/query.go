package search

import (
	"math/bits"
	"slices"
	"strings"
	"sync"
)

// Query selects modules: a text search when Text is set, else a listing
// in index (popularity) order; either filtered and paged.
type Query struct {
	// Text is the search text; empty lists instead.
	Text string
	// Namespace, Name and Provider keep only modules whose namespace, name
	// and target system equal them (case-insensitively); empty keeps all.
	Namespace string
	Name      string
	Provider  string
	// Verified keeps only verified modules.
	Verified bool
	// Offset and Limit page the results (Limit 0: DefaultLimit; capped at
	// MaxLimit).
	Offset int
	Limit  int
}

// Result is one page of modules and how many match in all.
type Result struct {
	Total   int
	Modules []Module
}

// Ranking tiers of a search result, best first.
const (
	tierExactName   = iota // the query, joined with "-", is the whole normalised name
	tierNamePrefix         // … is a prefix of the whole normalised name
	tierAddress            // every query term matches in namespace, name or provider
	tierDescription        // some query term matches only in the description
	numTiers
)

// numBuckets orders results by tier, then by name hits (descending).
const numBuckets = numTiers * (MaxQueryTerms + 1)

// scratch holds per-module state for one search, indexed by module, and
// the candidates (modules matching the first term).
type scratch struct {
	seen, addr, name, nameTier []uint8
	cand                       []int32
}

var scratchPools sync.Map // module count → *sync.Pool (indexes of equal size share)

func getScratch(n int) *scratch {
	p, _ := scratchPools.LoadOrStore(n, &sync.Pool{New: func() any {
		return &scratch{seen: make([]uint8, n), addr: make([]uint8, n), name: make([]uint8, n), nameTier: make([]uint8, n)}
	}})
	return p.(*sync.Pool).Get().(*scratch)
}

func putScratch(n int, s *scratch) {
	clear(s.seen)
	clear(s.addr)
	clear(s.name)
	clear(s.nameTier)
	s.cand = s.cand[:0]
	p, _ := scratchPools.Load(n)
	p.(*sync.Pool).Put(s)
}

// Modules answers q.
func (ix *Index) Modules(q Query) Result {
	q.Limit = clampLimit(q.Limit)
	q.Offset = max(q.Offset, 0)
	if q.Text == "" {
		return ix.list(q)
	}
	return ix.search(QueryTerms(q.Text), q)
}

func clampLimit(l int) int {
	if l <= 0 {
		return DefaultLimit
	}
	return min(l, MaxLimit)
}

// keep reports whether module i passes q's filters.
func (ix *Index) keep(i int32, q Query) bool {
	m := &ix.modules[i]
	return (q.Namespace == "" || strings.EqualFold(m.Namespace, q.Namespace)) &&
		(q.Name == "" || strings.EqualFold(m.Name, q.Name)) &&
		(q.Provider == "" || strings.EqualFold(m.Provider, q.Provider)) &&
		(!q.Verified || m.Verified)
}

func (ix *Index) list(q Query) Result {
	var base []int32
	rest := q // the filters base does not apply
	switch {
	case q.Namespace != "":
		base, rest.Namespace = ix.byNamespace[strings.ToLower(q.Namespace)], ""
	case q.Provider != "":
		base, rest.Provider = ix.byProvider[strings.ToLower(q.Provider)], ""
	case q.Verified:
		base, rest.Verified = ix.verified, false
	default:
		total := len(ix.modules)
		lo, hi := min(q.Offset, total), min(q.Offset+q.Limit, total)
		return Result{Total: total, Modules: ix.modules[lo:hi:hi]}
	}
	if rest.Namespace == "" && rest.Name == "" && rest.Provider == "" && !rest.Verified {
		res := Result{Total: len(base)}
		for _, i := range base[min(q.Offset, len(base)):min(q.Offset+q.Limit, len(base))] {
			res.Modules = append(res.Modules, ix.modules[i])
		}
		return res
	}
	var res Result
	for _, i := range base {
		if !ix.keep(i, rest) {
			continue
		}
		if res.Total >= q.Offset && len(res.Modules) < q.Limit {
			res.Modules = append(res.Modules, ix.modules[i])
		}
		res.Total++
	}
	return res
}

// matchTerms returns the positions [lo, hi) in the term list of the index
// terms a query term matches: every term it is a prefix of, or only
// itself when it is shorter than PrefixLen.
func (ix *Index) matchTerms(t string) (lo, hi int) {
	lo, hi = ix.termRange(t)
	if len(t) < PrefixLen && lo < hi {
		if ix.terms[lo] != t {
			return lo, lo
		}
		hi = lo + 1
	}
	return lo, hi
}

func (ix *Index) search(terms []string, q Query) Result {
	if len(terms) == 0 || len(ix.modules) == 0 {
		return Result{}
	}
	n := len(ix.modules)
	s := getScratch(n)
	defer putScratch(n, s)
	// The term with the fewest postings goes first: its modules are the
	// only candidates (a result matches every term).
	type termMatch struct {
		bit     uint8
		lo, hi  int
		matches int
	}
	tm := make([]termMatch, len(terms))
	for i, t := range terms {
		lo, hi := ix.matchTerms(t)
		tm[i] = termMatch{bit: uint8(1) << i, lo: lo, hi: hi}
		for _, pl := range ix.plists[lo:hi] {
			tm[i].matches += len(pl)
		}
	}
	slices.SortStableFunc(tm, func(a, b termMatch) int { return a.matches - b.matches })
	for k, m := range tm {
		for _, pl := range ix.plists[m.lo:m.hi] {
			for _, p := range pl {
				if k == 0 && s.seen[p.Doc] == 0 {
					s.cand = append(s.cand, p.Doc)
				}
				s.seen[p.Doc] |= m.bit
				if p.Flags&addressFlags != 0 {
					s.addr[p.Doc] |= m.bit
				}
				if p.Flags&nameFlags != 0 {
					s.name[p.Doc] |= m.bit
				}
			}
		}
		if len(s.cand) == 0 {
			return Result{}
		}
	}
	joined := strings.Join(terms, "-")
	lo, hi := ix.matchTerms(joined)
	for ti := lo; ti < hi; ti++ {
		exact := ix.terms[ti] == joined
		for _, p := range ix.plists[ti] {
			switch {
			case p.Flags&FlagNameExact == 0:
			case exact:
				s.nameTier[p.Doc] = 1
			case s.nameTier[p.Doc] == 0:
				s.nameTier[p.Doc] = 2
			}
		}
	}

	full := uint8(1)<<len(terms) - 1
	want := q.Offset + q.Limit
	var counts [numBuckets]int
	var buckets [numBuckets][]int32
	total := 0
	slices.Sort(s.cand) // id order is the tie-break
	for _, i := range s.cand {
		if s.seen[i] != full || !ix.keep(i, q) {
			continue
		}
		var tier int
		switch {
		case s.nameTier[i] == 1:
			tier = tierExactName
		case s.nameTier[i] == 2:
			tier = tierNamePrefix
		case s.addr[i] == full:
			tier = tierAddress
		default:
			tier = tierDescription
		}
		b := tier*(MaxQueryTerms+1) + (MaxQueryTerms - bits.OnesCount8(s.name[i]))
		counts[b]++
		total++
		if len(buckets[b]) < want {
			buckets[b] = append(buckets[b], i)
		}
	}
	res := Result{Total: total}
	skip := q.Offset
	for b := range buckets {
		if len(res.Modules) >= q.Limit {
			break
		}
		if skip >= counts[b] {
			skip -= counts[b]
			continue
		}
		for _, i := range buckets[b][skip:] {
			if len(res.Modules) >= q.Limit {
				break
			}
			res.Modules = append(res.Modules, ix.modules[i])
		}
		skip = 0
	}
	return res
}

// Providers returns one page of providers in address order, all of them
// or those of a namespace, and how many there are in all.
func (ix *Index) Providers(namespace string, offset, limit int) (total int, page []Provider) {
	limit = clampLimit(limit)
	offset = max(offset, 0)
	lo, hi := 0, len(ix.providers)
	if namespace != "" {
		r, ok := ix.provNSRanges[strings.ToLower(namespace)]
		if !ok {
			return 0, nil
		}
		lo, hi = r[0], r[1]
	}
	total = hi - lo
	start, end := min(lo+offset, hi), min(lo+offset+limit, hi)
	return total, ix.providers[start:end:end]
}
