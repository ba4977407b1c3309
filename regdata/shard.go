package regdata

import (
	"fmt"
	"path"
	"strings"
)

// Shard is a set of the data folder's first-letter directories
// (providers/<c>/, modules/<c>/, the lower-cased first character of a
// namespace), so that parallel ingest jobs each own a disjoint part of the
// data folder. It is written like the inside of a shell bracket
// expression: single characters and ranges, "a-b", "e-h", "u-z0-9_-" (a
// leading or trailing "-" is the character itself).
type Shard struct {
	spec string
	set  [128]bool
}

// ParseShard parses a shard specification.
func ParseShard(spec string) (Shard, error) {
	s := Shard{spec: spec}
	if spec == "" {
		return s, fmt.Errorf("empty shard specification")
	}
	b := []byte(spec)
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c >= 128 || !shardChar(c) {
			return Shard{}, fmt.Errorf("shard %q: character %q cannot start a namespace", spec, c)
		}
		if i+2 < len(b) && b[i+1] == '-' {
			hi := b[i+2]
			if hi >= 128 || !shardChar(hi) || hi < c {
				return Shard{}, fmt.Errorf("shard %q: bad range %c-%c", spec, c, hi)
			}
			for x := c; x <= hi; x++ {
				if shardChar(x) {
					s.set[x] = true
				}
			}
			i += 2
			continue
		}
		s.set[c] = true
	}
	return s, nil
}

// shardChar reports whether c can be a first-letter directory: lower-case
// letters, digits, "_" and "-".
func shardChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// String returns the specification the shard was parsed from.
func (s Shard) String() string { return s.spec }

// HasLetter reports whether the first-letter directory c belongs to the
// shard.
func (s Shard) HasLetter(c string) bool {
	return len(c) == 1 && c[0] < 128 && s.set[c[0]]
}

// HasNamespace reports whether a namespace's entries belong to the shard.
func (s Shard) HasNamespace(ns string) bool { return s.HasLetter(shard(ns)) }

// HasPath reports whether a slash-separated path relative to the data
// folder lies in the shard's part of it: providers/<c>/… or modules/<c>/…
// with c in the shard.
func (s Shard) HasPath(rel string) bool {
	parts := strings.SplitN(path.Clean(rel), "/", 3)
	if len(parts) < 3 || (parts[0] != "providers" && parts[0] != "modules") {
		return false
	}
	return s.HasLetter(parts[1])
}

// Overlaps reports the first-letter directories two shards share.
func (s Shard) Overlaps(o Shard) []string {
	var out []string
	for c := range 128 {
		if s.set[c] && o.set[c] {
			out = append(out, string(rune(c)))
		}
	}
	return out
}
