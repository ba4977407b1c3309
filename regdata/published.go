package regdata

import "strings"

// Published is one version as clients see it: its normalised string (the
// one used in API paths and version lists) and the entry it comes from.
type Published[T any] struct {
	Version string // normalised, e.g. "1.0.0" for tag "v1.0"
	Entry   T
}

// Dropped explains why a listed version is not published.
type Dropped struct {
	Version string // as written in the data file
	Reason  string
}

// PublishedProviderVersions returns the versions clients may see, newest
// first: unparsable versions, blacklisted versions and duplicates after
// normalisation are left out (and reported in dropped).
func PublishedProviderVersions(addr ProviderAddr, f *ProviderFile, bl *Blacklist) (pub []Published[ProviderVersion], dropped []Dropped) {
	return publish(f.Versions, func(v ProviderVersion) string { return v.Version },
		func(n string) (bool, string) { return bl.ProviderBlocked(addr, n) },
		func(v ProviderVersion) int { return len(v.Targets) })
}

// PublishedModuleVersions returns the versions clients may see, newest
// first, with the same rules as PublishedProviderVersions. Among duplicates
// after normalisation ("v2.0", "2.0.0"), the one with a commit wins, then
// the canonical spelling, then the first listed.
func PublishedModuleVersions(addr ModuleAddr, f *ModuleFile, bl *Blacklist) (pub []Published[ModuleVersion], dropped []Dropped) {
	return publish(f.Versions, func(v ModuleVersion) string { return v.Version },
		func(n string) (bool, string) { return bl.ModuleBlocked(addr, n) },
		func(v ModuleVersion) int {
			if v.Commit != "" {
				return 1
			}
			return 0
		})
}

func publish[T any](versions []T, version func(T) string, blocked func(string) (bool, string), weight func(T) int) ([]Published[T], []Dropped) {
	var pub []Published[T]
	var dropped []Dropped
	index := map[string]int{}
	for _, v := range versions {
		raw := version(v)
		n, err := NormalizeVersion(raw)
		if err != nil {
			dropped = append(dropped, Dropped{raw, err.Error()})
			continue
		}
		if b, reason := blocked(n); b {
			dropped = append(dropped, Dropped{raw, "blacklisted: " + reason})
			continue
		}
		if i, dup := index[n]; dup {
			if better(v, pub[i].Entry, n, version, weight) {
				dropped = append(dropped, Dropped{version(pub[i].Entry), "duplicate of " + raw})
				pub[i].Entry = v
			} else {
				dropped = append(dropped, Dropped{raw, "duplicate of " + version(pub[i].Entry)})
			}
			continue
		}
		index[n] = len(pub)
		pub = append(pub, Published[T]{Version: n, Entry: v})
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
