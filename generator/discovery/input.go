package discovery

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/regen-registry/regen/generator/search"
	"github.com/regen-registry/regen/moddocs"
	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/stats"
)

// ModuleInput is what the discovery API needs to know about one module
// data entry.
type ModuleInput struct {
	Addr regdata.ModuleAddr
	// Versions are the published versions, newest first, as
	// regdata.PublishedModuleVersions returns them. A module without
	// published versions is left out of every document.
	Versions []regdata.Published[regdata.ModuleVersion]
	// Systems lists every target system published under the module's
	// namespace and name (the detail's "providers"); nil means only
	// Addr.System. See SystemsByName.
	Systems []string
	// Source is the repository's web address ("https://github.com/ns/repo").
	Source string
	// Description, when empty, is taken from the latest version's README
	// (DescribeReadme) if Latest is set.
	Description string
	Verified    bool
	Downloads   stats.Summary
	// Latest is the documentation of the latest version (see
	// LatestVersion), nil when none is stored. The Collector reads it for
	// the description and submodule names; ModuleFiles fetches it itself
	// when it is nil.
	Latest *moddocs.Doc
}

// ProviderInput is what the discovery API needs to know about one
// provider data entry.
type ProviderInput struct {
	Addr regdata.ProviderAddr
	// Versions are the published versions, newest first.
	Versions    []regdata.Published[regdata.ProviderVersion]
	Source      string
	Description string
	// Warnings are the data file's "warnings": notices OpenTofu gives its
	// users about the provider (deprecated, moved).
	Warnings  []string
	Downloads stats.Summary
}

func (in *ModuleInput) check() error {
	if len(in.Versions) == 0 {
		return fmt.Errorf("module %s: no published versions", in.Addr)
	}
	return nil
}

// LatestVersion returns the index in versions (newest first) of the
// version registries call latest: the newest that is not a pre-release,
// else the newest. It is the version the latest-version download
// redirects to, the latest detail describes and listings show.
func LatestVersion[T any](versions []regdata.Published[T]) int {
	for i, v := range versions {
		core, _, _ := strings.Cut(v.Version, "+")
		if !strings.Contains(core, "-") {
			return i
		}
	}
	return 0
}

// description returns the module's description: the given one, else the
// latest README's first paragraph.
func (in *ModuleInput) description() string {
	if d := strings.TrimSpace(in.Description); d != "" {
		return d
	}
	if in.Latest != nil && !in.Latest.Withheld {
		return DescribeReadme(in.Latest.Root.Readme)
	}
	return ""
}

// systems returns the detail's "providers": Systems, or Addr.System.
func (in *ModuleInput) systems() []string {
	if len(in.Systems) == 0 {
		return []string{in.Addr.System}
	}
	return in.Systems
}

// searchModule returns the index row of the module at version index i of
// Versions.
func (in *ModuleInput) searchModule(i int) search.Module {
	v := in.Versions[i]
	return search.Module{
		Namespace:   in.Addr.Namespace,
		Name:        in.Addr.Name,
		Provider:    in.Addr.System,
		Version:     v.Version,
		Tag:         v.Entry.Version,
		Description: in.description(),
		Source:      in.Source,
		PublishedAt: published(v.Entry.Discovered),
		Downloads:   in.Downloads.Total,
		Verified:    in.Verified,
	}
}

// searchProvider returns the index row of the provider's latest version.
func (in *ProviderInput) searchProvider() search.Provider {
	v := in.Versions[LatestVersion(in.Versions)]
	return search.Provider{
		Namespace:   in.Addr.Namespace,
		Type:        in.Addr.Type,
		Version:     v.Version,
		Description: strings.TrimSpace(in.Description),
		Source:      in.Source,
		PublishedAt: published(v.Entry.Discovered),
		Downloads:   in.Downloads.Total,
	}
}

// published parses a data file's "discovered" time; versions without one
// (old data files) report the zero time, 0001-01-01T00:00:00Z.
func published(discovered string) time.Time {
	t, err := time.Parse(time.RFC3339, discovered)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// Systems maps each module namespace and name to the target systems
// published under it, sorted: the "providers" member of module details.
type Systems map[string][]string

// systemsKey is a module's key in Systems.
func systemsKey(a regdata.ModuleAddr) string { return strings.ToLower(a.Namespace + "/" + a.Name) }

// Of returns the target systems published under a's namespace and name.
func (s Systems) Of(a regdata.ModuleAddr) []string { return s[systemsKey(a)] }

// SystemsByName returns the Systems of a registry; addrs is every module
// address of the registry.
func SystemsByName(addrs []regdata.ModuleAddr) Systems {
	out := Systems{}
	for _, a := range addrs {
		k := systemsKey(a)
		if !slices.Contains(out[k], a.System) {
			out[k] = append(out[k], a.System)
		}
	}
	for _, s := range out {
		slices.Sort(s)
	}
	return out
}

// DocsFunc returns the documentation of one version of a module, or nil
// (and no error) when none is stored. NoDocs is the DocsFunc of a build
// without documentation.
type DocsFunc func(v regdata.Published[regdata.ModuleVersion]) (*moddocs.Doc, error)

// NoDocs is the DocsFunc of a build without module documentation.
func NoDocs(regdata.Published[regdata.ModuleVersion]) (*moddocs.Doc, error) { return nil, nil }

// StoreDocs returns the DocsFunc reading a module's versions from a docs
// store: versions without an entry, or whose extraction failed for good,
// have no documentation.
func StoreDocs(get func(version string) (*moddocs.Doc, error)) DocsFunc {
	return func(v regdata.Published[regdata.ModuleVersion]) (*moddocs.Doc, error) {
		d, err := get(v.Entry.Version)
		var rec *moddocs.RecordedError
		switch {
		case errors.Is(err, moddocs.ErrNotFound), errors.As(err, &rec):
			return nil, nil
		case err != nil:
			return nil, err
		}
		return d, nil
	}
}

// NewModuleInput assembles the input of a module data entry: its
// published versions, the repository's web address (repository is the
// module's git address as the build resolves it, e.g.
// "https://github.com/ns/terraform-aws-vpc"; see WebURL) and, when the
// data file carries them, its "description" (string) and "verified"
// (boolean) members, which the OpenTofu layout does not define but regen
// keeps. The caller sets Systems, Downloads and Latest.
func NewModuleInput(addr regdata.ModuleAddr, f *regdata.ModuleFile, bl *regdata.Blacklist, repository string) ModuleInput {
	pub, _ := regdata.PublishedModuleVersions(addr, f, bl)
	in := ModuleInput{Addr: addr, Versions: pub, Source: WebURL(repository)}
	_ = json.Unmarshal(f.Extra["description"], &in.Description)
	_ = json.Unmarshal(f.Extra["verified"], &in.Verified)
	return in
}

// NewProviderInput assembles the input of a provider data entry; its
// "warnings" and, when present, "description" members are used.
func NewProviderInput(addr regdata.ProviderAddr, f *regdata.ProviderFile, bl *regdata.Blacklist, repository string) ProviderInput {
	pub, _ := regdata.PublishedProviderVersions(addr, f, bl)
	in := ProviderInput{Addr: addr, Versions: pub, Source: WebURL(repository), Warnings: f.Warnings}
	_ = json.Unmarshal(f.Extra["description"], &in.Description)
	return in
}

// WebURL turns a git address into the repository's web address: without
// a "git::" prefix, query, "//subdir" or ".git" suffix. Addresses that are
// not http(s) (file://, ssh) give "".
func WebURL(repository string) string {
	r := strings.TrimPrefix(repository, "git::")
	r, _, _ = strings.Cut(r, "?")
	if !strings.HasPrefix(r, "https://") && !strings.HasPrefix(r, "http://") {
		return ""
	}
	scheme, rest, _ := strings.Cut(r, "://")
	if i := strings.Index(rest, "//"); i >= 0 {
		rest = rest[:i]
	}
	return scheme + "://" + strings.TrimSuffix(strings.TrimSuffix(rest, "/"), ".git")
}
