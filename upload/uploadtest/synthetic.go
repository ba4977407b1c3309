package uploadtest

import "fmt"

// Scale sizes a synthetic registry.
type Scale struct {
	Providers        int // providers, spread over namespaces of 10
	ProviderVersions int // versions per provider
	Platforms        int // platforms per version (1 to 8)
	Modules          int
	ModuleVersions   int
}

// Files returns how many files a registry of this scale builds.
func (s Scale) Files() int {
	// Per provider: versions × (platforms + mirror version) + versions +
	// index.json; per module: versions + `versions`; plus 3 global files.
	return s.Providers*(s.ProviderVersions*(s.Platforms+1)+2) + s.Modules*(s.ModuleVersions+1) + 3
}

var platformNames = []string{"linux_amd64", "linux_arm64", "darwin_amd64", "darwin_arm64", "windows_amd64", "linux_386", "freebsd_amd64", "linux_arm"}

// Synthetic returns a registry of the given scale with deterministic
// names and versions.
func Synthetic(s Scale) Registry {
	plats := platformNames[:max(1, min(s.Platforms, len(platformNames)))]
	var r Registry
	for i := range s.Providers {
		p := Provider{Namespace: fmt.Sprintf("ns%04d", i/10), Type: fmt.Sprintf("p%05d", i)}
		for v := s.ProviderVersions; v >= 1; v-- {
			p.Versions = append(p.Versions, ProviderVersion{Version: fmt.Sprintf("1.%d.0", v), Platforms: plats})
		}
		r.Providers = append(r.Providers, p)
	}
	for i := range s.Modules {
		m := Module{Namespace: fmt.Sprintf("mns%04d", i/10), Name: fmt.Sprintf("m%05d", i), System: "aws"}
		for v := s.ModuleVersions; v >= 1; v-- {
			m.Versions = append(m.Versions, fmt.Sprintf("2.%d.0", v))
		}
		r.Modules = append(r.Modules, m)
	}
	return r
}

// Bump adds a new version to every n-th provider and module (n >= 1),
// the way a round of ingestion does.
func Bump(r Registry, n int) Registry {
	out := r
	out.Providers = append([]Provider(nil), r.Providers...)
	out.Modules = append([]Module(nil), r.Modules...)
	for i := 0; i < len(out.Providers); i += n {
		p := out.Providers[i]
		nv := ProviderVersion{Version: fmt.Sprintf("1.%d.0", len(p.Versions)+1000)}
		if len(p.Versions) > 0 {
			nv.Platforms = p.Versions[0].Platforms
		}
		p.Versions = append([]ProviderVersion{nv}, p.Versions...)
		out.Providers[i] = p
	}
	for i := 0; i < len(out.Modules); i += n {
		m := out.Modules[i]
		m.Versions = append([]string{fmt.Sprintf("2.%d.0", len(m.Versions)+1000)}, m.Versions...)
		out.Modules[i] = m
	}
	return out
}
