package discovery

import (
	"strings"
	"time"

	"github.com/regen-registry/regen/generator/search"
	"github.com/regen-registry/regen/moddocs"
)

// DocsAddr is a module address in the OpenTofu docs API: the display form
// keeps the data folder's case, the parts are lower-cased.
type DocsAddr struct {
	Display   string `json:"display"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Target    string `json:"target"`
}

// DocsProviderAddr is a provider address in the OpenTofu docs API.
type DocsProviderAddr struct {
	Display   string `json:"display"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

// DocsVersion is one version in an OpenTofu docs index: "v1.2.0" and when
// it was published.
type DocsVersion struct {
	ID        string    `json:"id"`
	Published time.Time `json:"published,omitzero"` // left out when the data has no date
}

// DocsModule is the OpenTofu docs API's
// registry/docs/modules/<ns>/<name>/<target>/index.json, and one element
// of registry/docs/modules/index.json.
type DocsModule struct {
	Addr               DocsAddr      `json:"addr"`
	Description        string        `json:"description"`
	Versions           []DocsVersion `json:"versions"`
	IsBlocked          bool          `json:"is_blocked"`
	Popularity         int64         `json:"popularity"`
	ForkCount          int           `json:"fork_count"`
	UpstreamPopularity int           `json:"upstream_popularity"`
	UpstreamForkCount  int           `json:"upstream_fork_count"`
}

// DocsModuleList is registry/docs/modules/index.json.
type DocsModuleList struct {
	Modules []DocsModule `json:"modules"`
}

// DocsProvider is registry/docs/providers/<ns>/<type>/index.json and one
// element of registry/docs/providers/index.json, with the members and
// member order of OpenTofu's registry (registry-ui providertypes.Provider):
//
//   - Warnings are the data file's "warnings" (deprecation or move
//     notices), left out when there are none;
//   - Link is the repository's web address;
//   - CanonicalAddr is always null and ReverseAliases always empty: the
//     data folder has no provider aliases (OpenTofu keeps its own in
//     code, in libregistry);
//   - Popularity is the provider's total download count (OpenTofu's
//     registry uses GitHub stars); ForkCount and the upstream counts are
//     0 and IsBlocked false: regen has no repository statistics, and
//     blacklisted versions are left out rather than shown blocked.
type DocsProvider struct {
	Addr               DocsProviderAddr   `json:"addr"`
	Warnings           []string           `json:"warnings,omitempty"`
	Link               string             `json:"link"`
	CanonicalAddr      *DocsProviderAddr  `json:"canonical_addr"`
	ReverseAliases     []DocsProviderAddr `json:"reverse_aliases"`
	Description        string             `json:"description"`
	Popularity         int64              `json:"popularity"`
	ForkCount          int                `json:"fork_count"`
	UpstreamPopularity int                `json:"upstream_popularity"`
	UpstreamForkCount  int                `json:"upstream_fork_count"`
	Versions           []DocsVersion      `json:"versions"`
	IsBlocked          bool               `json:"is_blocked"`
}

// DocsProviderList is registry/docs/providers/index.json.
type DocsProviderList struct {
	Providers []DocsProvider `json:"providers"`
}

// DocsProviderVersion is registry/docs/providers/<ns>/<type>/<version>/index.json.
// regen does not extract provider documentation yet: the docs lists are
// empty, no licence is known and, as OpenTofu's registry treats a version
// without a licence, IncompatibleLicense is true. The overview page the
// UI shows is the version's index.md (ProviderOverview).
type DocsProviderVersion struct {
	DocsVersion
	Docs                DocsProviderDocs            `json:"docs"`
	CDKTFDocs           map[string]DocsProviderDocs `json:"cdktf_docs"`
	Licenses            []moddocs.OpenTofuLicense   `json:"license"`
	IncompatibleLicense bool                        `json:"incompatible_license"`
	Link                string                      `json:"link"`
}

// DocsProviderDocs lists a provider version's documentation pages.
type DocsProviderDocs struct {
	Resources   []DocsProviderDocItem `json:"resources"`
	DataSources []DocsProviderDocItem `json:"datasources"`
	Functions   []DocsProviderDocItem `json:"functions"`
	Guides      []DocsProviderDocItem `json:"guides"`
}

// DocsProviderDocItem is one documentation page.
type DocsProviderDocItem struct {
	Name        string `json:"name"`
	EditLink    string `json:"edit_link"`
	Title       string `json:"title"`
	Subcategory string `json:"subcategory"`
	Description string `json:"description"`
}

// docsID returns the docs API's version id: the version with a leading "v".
func docsID(version string) string { return "v" + version }

// docsModule returns the module's docs index.
func (in *ModuleInput) docsModule() DocsModule {
	m := DocsModule{
		Addr: DocsAddr{
			Display:   in.Addr.String(),
			Namespace: strings.ToLower(in.Addr.Namespace),
			Name:      strings.ToLower(in.Addr.Name),
			Target:    strings.ToLower(in.Addr.System),
		},
		Description: in.description(),
		Versions:    make([]DocsVersion, 0, len(in.Versions)),
		Popularity:  in.Downloads.Total,
	}
	for _, v := range in.Versions {
		m.Versions = append(m.Versions, DocsVersion{ID: docsID(v.Version), Published: published(v.Entry.Discovered)})
	}
	return m
}

// docsProvider returns the provider's docs index.
func (in *ProviderInput) docsProvider() DocsProvider {
	versions := make([]DocsVersion, 0, len(in.Versions))
	for _, v := range in.Versions {
		versions = append(versions, DocsVersion{ID: docsID(v.Version), Published: published(v.Entry.Discovered)})
	}
	row := in.searchProvider()
	row.Downloads = in.Downloads.Total
	return newDocsProvider(row, versions, in.Warnings)
}

// newDocsProvider returns the docs index of a provider from its index row
// (row.Downloads is the popularity), its versions and its data file's
// warnings.
func newDocsProvider(row search.Provider, versions []DocsVersion, warnings []string) DocsProvider {
	return DocsProvider{
		Addr: DocsProviderAddr{
			Display:   row.Namespace + "/" + row.Type,
			Namespace: strings.ToLower(row.Namespace),
			Name:      strings.ToLower(row.Type),
		},
		Warnings:       warnings,
		Link:           row.Source,
		ReverseAliases: []DocsProviderAddr{},
		Description:    row.Description,
		Popularity:     row.Downloads,
		Versions:       versions,
	}
}

// ProviderOverview is a provider version's index.md, the overview page
// of OpenTofu's registry UI: OpenTofu's registry serves the provider's
// docs/index.md there, or a notice when the version has no licence that
// allows republishing it. regen extracts neither, so every version gets
// this notice, with a link to the repository (source, when known).
func ProviderOverview(source string) []byte {
	var b strings.Builder
	b.WriteString("# Documentation not available\n\n")
	b.WriteString("This registry does not extract provider documentation, and no licence allowing\n")
	b.WriteString("its republication is known for this provider version.\n")
	if source != "" {
		b.WriteString("\nSee the provider's repository: <" + source + ">\n")
	}
	return []byte(b.String())
}

// openTofuMeta returns what moddocs.RenderOpenTofu needs for version i:
// browse links assume a GitHub-style web interface (…/tree/<tag>,
// …/blob/<tag>/<path>).
func (in *ModuleInput) openTofuMeta(i int) moddocs.OpenTofuMeta {
	v := in.Versions[i]
	m := moddocs.OpenTofuMeta{ID: docsID(v.Version), Published: published(v.Entry.Discovered), VCSRepository: in.Source}
	if src := strings.TrimSuffix(in.Source, "/"); src != "" {
		tag := v.Entry.Version
		m.Link = src + "/tree/" + tag
		m.FileURL = func(p string) string { return src + "/blob/" + tag + "/" + p }
	}
	return m
}
