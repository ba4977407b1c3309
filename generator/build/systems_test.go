package build

import (
	"slices"
	"strings"
	"testing"

	"github.com/regen-registry/regen/generator/discovery"
	"github.com/regen-registry/regen/regdata"
)

// The index over sorted entries answers what discovery.SystemsByName's map
// does, including names that are prefixes of others and mixed case.
func TestSystemIndexAgreesWithSystemsByName(t *testing.T) {
	var mods []regdata.ModuleAddr
	for _, ns := range []string{"acme", "Acme-x", "b"} {
		for _, name := range []string{"net", "net-x", "Net2", "n"} {
			for _, sys := range []string{"aws", "AzureRM", "google"} {
				if (len(ns)+len(name)+len(sys))%3 != 0 {
					mods = append(mods, regdata.ModuleAddr{Namespace: ns, Name: name, System: sys})
				}
			}
		}
	}
	var entries []entry
	for _, a := range mods {
		entries = append(entries, entry{key: a.Key(), kind: kindModule, rel: regdata.ModuleFilePath(a)})
	}
	entries = append(entries, entry{key: "provider/acme/net", kind: kindProvider})
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.key, b.key) })
	want := discovery.SystemsByName(mods)
	idx := systemIndex(entries)
	for _, a := range append(mods, regdata.ModuleAddr{Namespace: "none", Name: "x", System: "aws"}) {
		if got := idx.Of(a); !slices.Equal(got, want.Of(a)) {
			t.Errorf("%s: %v, want %v", a, got, want.Of(a))
		}
	}
}

// An entry reads back the address it was listed with.
func TestEntryAddressRoundTrip(t *testing.T) {
	m := regdata.ModuleAddr{Namespace: "Acme-X", Name: "net_2", System: "AzureRM"}
	if got := (entry{kind: kindModule, rel: regdata.ModuleFilePath(m)}).mod(); got != m {
		t.Errorf("module %v read back as %v", m, got)
	}
	p := regdata.ProviderAddr{Namespace: "Hashi.Corp", Type: "aws-x"}
	if got := (entry{kind: kindProvider, rel: regdata.ProviderFilePath(p)}).prov(); got != p {
		t.Errorf("provider %v read back as %v", p, got)
	}
}
