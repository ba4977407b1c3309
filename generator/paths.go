package generator

import (
	"strings"

	"github.com/regen-registry/regen/regdata"
)

// ProviderVersionsPath is v1/providers/<ns>/<type>/versions (lower-cased).
func ProviderVersionsPath(a regdata.ProviderAddr) string {
	return "v1/providers/" + a.APIPath() + "/versions"
}

// ProviderDownloadPath is v1/providers/<ns>/<type>/<version>/download/<os>/<arch>,
// with the address lower-cased and version the normalised version.
func ProviderDownloadPath(a regdata.ProviderAddr, version, os, arch string) string {
	return "v1/providers/" + a.APIPath() + "/" + version + "/download/" + os + "/" + arch
}

// MirrorIndexPath is <prefix><MirrorHost>/<ns>/<type>/index.json; "" when opts
// has no mirror hostname.
func MirrorIndexPath(opts Options, a regdata.ProviderAddr) string {
	if !opts.Mirror() {
		return ""
	}
	return opts.MirrorPrefix + opts.MirrorHost() + "/" + a.APIPath() + "/index.json"
}

// MirrorVersionPath is <prefix><MirrorHost>/<ns>/<type>/<version>.json; "" when
// opts has no mirror hostname.
func MirrorVersionPath(opts Options, a regdata.ProviderAddr, version string) string {
	if !opts.Mirror() {
		return ""
	}
	return opts.MirrorPrefix + opts.MirrorHost() + "/" + a.APIPath() + "/" + version + ".json"
}

// ModuleVersionsPath is v1/modules/<ns>/<name>/<system>/versions.
func ModuleVersionsPath(a regdata.ModuleAddr) string {
	return "v1/modules/" + a.APIPath() + "/versions"
}

// ModuleDownloadPath is v1/modules/<ns>/<name>/<system>/<version>/download.
func ModuleDownloadPath(a regdata.ModuleAddr, version string) string {
	return "v1/modules/" + a.APIPath() + "/" + version + "/download"
}

// ModuleLatestPath is v1/modules/<ns>/<name>/<system>/download, the
// latest-version download (served as a 302 to the versioned download).
func ModuleLatestPath(a regdata.ModuleAddr) string {
	return "v1/modules/" + a.APIPath() + "/download"
}

// RouteKind tells which data entry a tree path comes from.
type RouteKind int

const (
	// RouteDiscovery is the service discovery document.
	RouteDiscovery RouteKind = iota + 1
	// RouteProvider is a document generated from a provider file.
	RouteProvider
	// RouteModule is a document generated from a module file.
	RouteModule
)

// Route names the data entry a tree path is generated from. Addresses are
// spelled as in the path (lower-case for generated paths); find the data
// file case-insensitively.
type Route struct {
	Kind     RouteKind
	Provider regdata.ProviderAddr // when Kind is RouteProvider
	Module   regdata.ModuleAddr   // when Kind is RouteModule
}

// ParseRoute returns the entry that the tree path p (slash-separated, no
// leading slash) would be generated from, or false when no generated
// document can have that path. It does not check that the document
// exists: generate the entry and look for p among its files.
func ParseRoute(opts Options, p string) (Route, bool) {
	if p == DiscoveryPath {
		return Route{Kind: RouteDiscovery}, true
	}
	segs := strings.Split(p, "/")
	for _, s := range segs {
		if s == "" {
			return Route{}, false
		}
	}
	if len(segs) >= 5 && segs[0] == "v1" && segs[1] == "providers" {
		prov := regdata.ProviderAddr{Namespace: segs[2], Type: segs[3]}
		switch {
		case len(segs) == 5 && segs[4] == "versions",
			len(segs) == 8 && segs[5] == "download":
			return Route{Kind: RouteProvider, Provider: prov}, true
		}
		return Route{}, false
	}
	if len(segs) >= 6 && segs[0] == "v1" && segs[1] == "modules" {
		mod := regdata.ModuleAddr{Namespace: segs[2], Name: segs[3], System: segs[4]}
		switch {
		case len(segs) == 6 && (segs[5] == "versions" || segs[5] == "download"),
			len(segs) == 7 && segs[6] == "download":
			return Route{Kind: RouteModule, Module: mod}, true
		}
		return Route{}, false
	}
	if opts.Mirror() {
		prefix := opts.MirrorPrefix + opts.MirrorHost() + "/"
		if rest, ok := strings.CutPrefix(p, prefix); ok {
			s := strings.Split(rest, "/")
			if len(s) == 3 && strings.HasSuffix(s[2], ".json") && s[2] != ".json" {
				return Route{Kind: RouteProvider, Provider: regdata.ProviderAddr{Namespace: s[0], Type: s[1]}}, true
			}
		}
	}
	return Route{}, false
}
