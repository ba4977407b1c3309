package regdata

import (
	"fmt"
	"strconv"
	"strings"
)

// Published is one version as clients see it: its normalised string (the
// one used in API paths and version lists) and the entry it comes from.
type Published[T any] struct {
	Version string // normalised, e.g. "1.0.0" for tag "v1.0"
	Entry   T
}

// Dropped explains why a listed version is not published.
type Dropped struct {
	Version string // as written in the data file
	// Field is the JSON path of the value at fault, such as
	// "versions[3].targets[0].shasum" ("" when the version is only
	// blacklisted).
	Field  string
	Reason string
}

// PublishedProviderVersions returns the versions clients may see, newest
// first. Left out (and reported in dropped) are versions holding a value
// that breaks the rules (see rules.go: every one `regen validate` calls an
// error, such as a bad shasum, h1 or download URL, a version that does not
// parse, an exact duplicate), every version of a file whose repository
// breaks them, blacklisted versions, and duplicates after normalisation.
func PublishedProviderVersions(addr ProviderAddr, f *ProviderFile, bl *Blacklist) (pub []Published[ProviderVersion], dropped []Dropped) {
	return publish(f.Versions, f.Repository, func(v ProviderVersion) string { return v.Version },
		ProviderVersionViolations,
		func(n string) (bool, string) { return bl.ProviderBlocked(addr, n) },
		func(v ProviderVersion) int { return len(v.Targets) })
}

// PublishedModuleVersions returns the versions clients may see, newest
// first, with the same rules as PublishedProviderVersions. Among duplicates
// after normalisation ("v2.0", "2.0.0"), the one with a commit wins, then
// the canonical spelling, then the first listed.
func PublishedModuleVersions(addr ModuleAddr, f *ModuleFile, bl *Blacklist) (pub []Published[ModuleVersion], dropped []Dropped) {
	return publish(f.Versions, f.Repository, func(v ModuleVersion) string { return v.Version },
		ModuleVersionViolations,
		func(n string) (bool, string) { return bl.ModuleBlocked(addr, n) },
		func(v ModuleVersion) int {
			if v.Commit != "" {
				return 1
			}
			return 0
		})
}

func publish[T any](versions []T, repository string, version func(T) string, violations func(string, T) []Violation,
	blocked func(string) (bool, string), weight func(T) int) ([]Published[T], []Dropped) {
	var pub []Published[T]
	var dropped []Dropped
	if msg := CheckRepository(repository); msg != "" {
		for _, v := range versions {
			dropped = append(dropped, Dropped{Version: version(v), Field: "repository", Reason: msg})
		}
		return nil, dropped
	}
	index := map[string]int{}
	exact := make(map[string]int, len(versions))
	var from []int // per pub entry: its index in versions
	for i, v := range versions {
		raw := version(v)
		field := "versions[" + strconv.Itoa(i) + "]"
		n, msg := CheckVersion(raw)
		if msg != "" {
			dropped = append(dropped, Dropped{Version: raw, Field: field + ".version", Reason: msg})
			continue
		}
		if j, dup := exact[raw]; dup {
			dropped = append(dropped, Dropped{Version: raw, Field: field + ".version", Reason: "duplicate of versions[" + strconv.Itoa(j) + "]"})
			continue
		}
		exact[raw] = i
		if vs := violations(field, v); len(vs) > 0 {
			reason := vs[0].Message
			if len(vs) > 1 {
				reason += fmt.Sprintf(" (and %d more problems)", len(vs)-1)
			}
			dropped = append(dropped, Dropped{Version: raw, Field: vs[0].Field, Reason: reason})
			continue
		}
		if b, reason := blocked(n); b {
			dropped = append(dropped, Dropped{Version: raw, Reason: "blacklisted: " + reason})
			continue
		}
		if k, dup := index[n]; dup {
			if better(v, pub[k].Entry, n, version, weight) {
				dropped = append(dropped, Dropped{Version: version(pub[k].Entry), Field: "versions[" + strconv.Itoa(from[k]) + "].version", Reason: "duplicate of " + raw})
				pub[k].Entry, from[k] = v, i
			} else {
				dropped = append(dropped, Dropped{Version: raw, Field: field + ".version", Reason: "duplicate of " + version(pub[k].Entry)})
			}
			continue
		}
		index[n] = len(pub)
		pub = append(pub, Published[T]{Version: n, Entry: v})
		from = append(from, i)
	}
	sortNewestFirst(pub, func(p Published[T]) string { return p.Version })
	return pub, dropped
}

func better[T any](a, b T, n string, version func(T) string, weight func(T) int) bool {
	if wa, wb := weight(a), weight(b); wa != wb {
		return wa > wb
	}
	ca := strings.TrimPrefix(version(a), "v") == n
	cb := strings.TrimPrefix(version(b), "v") == n
	return ca && !cb
}
