package search

import (
	"slices"
	"strings"
)

// MaxQueryTerms bounds the terms of a query; later terms are ignored.
const MaxQueryTerms = 8

// maxTermLen is the longest token indexed; longer tokens (hashes, URLs
// run together) are dropped from descriptions.
const maxTermLen = 40

// maxDescriptionLen bounds the part of a description that is indexed and
// stored (bytes, cut on a rune boundary).
const maxDescriptionLen = 300

// StopWords are dropped from descriptions when indexing, and from queries
// unless a query holds nothing else. The list is written into meta.json so
// that every reader of the index uses the same one.
var StopWords = []string{
	"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into",
	"is", "it", "its", "module", "of", "on", "or", "terraform", "that", "the",
	"this", "to", "which", "with",
}

var stopSet = func() map[string]bool {
	m := make(map[string]bool, len(StopWords))
	for _, w := range StopWords {
		m[w] = true
	}
	return m
}()

// Tokenize splits s into lower-case ASCII tokens: maximal runs of
// [a-z0-9] after lower-casing A-Z. Every other byte (punctuation, spaces,
// "-", "_", non-ASCII) separates tokens. Repeated tokens are kept once, in
// order of first appearance.
func Tokenize(s string) []string {
	var out []string
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		t := strings.ToLower(s[start:end])
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
		start = -1
	}
	for i := 0; i < len(s); i++ {
		if isTermByte(s[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(s))
	return out
}

func isTermByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// NormalizeName returns the whole-name term of a module name: its tokens
// joined with "-" ("EKS_Cluster" → "eks-cluster"). A query's tokens joined
// the same way are compared with it to find exact and prefix name matches.
func NormalizeName(name string) string { return strings.Join(Tokenize(name), "-") }

// QueryTerms returns the terms a query text searches for: its tokens,
// without stop words unless the query holds only stop words, at most
// MaxQueryTerms of them.
func QueryTerms(q string) []string {
	toks := Tokenize(q)
	var kept []string
	for _, t := range toks {
		if !stopSet[t] {
			kept = append(kept, t)
		}
	}
	if len(kept) == 0 {
		kept = toks
	}
	if len(kept) > MaxQueryTerms {
		kept = kept[:MaxQueryTerms]
	}
	return kept
}

// descriptionTerms returns the indexed tokens of a description: no stop
// words, none longer than maxTermLen.
func descriptionTerms(s string) []string {
	var out []string
	for _, t := range Tokenize(s) {
		if !stopSet[t] && len(t) <= maxTermLen {
			out = append(out, t)
		}
	}
	return out
}

// clipDescription cuts s to at most maxDescriptionLen bytes on a rune
// boundary and trims spaces.
func clipDescription(s string) string {
	s = strings.TrimSpace(s)
	if len(s) <= maxDescriptionLen {
		return s
	}
	cut := maxDescriptionLen
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return strings.TrimSpace(s[:cut])
}

func isRuneStart(c byte) bool { return c&0xC0 != 0x80 }
