package build

import (
	"slices"
	"sort"
	"strings"

	"github.com/regen-registry/regen/regdata"
)

// systemIndex answers which target systems are published under a module's
// namespace and name (the "providers" of module details) from the build's
// entries, which are sorted by key: the modules of one namespace and name
// are the adjacent entries whose keys start "module/<ns>/<name>/". It
// holds nothing of its own, so it costs no memory per module, as
// discovery.SystemsByName's map would.
type systemIndex []entry

// Of returns the systems published under a's namespace and name, sorted,
// as discovery.Systems.Of does.
func (s systemIndex) Of(a regdata.ModuleAddr) []string {
	prefix := strings.TrimSuffix(a.Key(), strings.ToLower(a.System))
	i := sort.Search(len(s), func(i int) bool { return s[i].key >= prefix })
	var out []string
	for ; i < len(s) && strings.HasPrefix(s[i].key, prefix); i++ {
		if e := s[i]; e.kind == kindModule && !slices.Contains(out, e.mod().System) {
			out = append(out, e.mod().System)
		}
	}
	slices.Sort(out)
	return out
}
