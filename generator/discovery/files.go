package discovery

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/regen-registry/regen/manifest"
	"github.com/regen-registry/regen/moddocs"
	"github.com/regen-registry/regen/regdata"
)

// File is one document of the built tree.
type File struct {
	Path  string // slash-separated, relative to the tree root
	Data  []byte
	Class manifest.Class
}

// Tree paths of the discovery documents. A document whose URL path is also
// a folder is stored as <path>/index.json (manifest.DirIndex).
const (
	ModulesListPath     = "v1/modules/" + manifest.DirIndex
	ProvidersListPath   = "v1/providers/" + manifest.DirIndex
	DocsModulesIndex    = "registry/docs/modules/" + manifest.DirIndex
	DocsProvidersIndex  = "registry/docs/providers/" + manifest.DirIndex
	moduleDocsRoot      = "registry/docs/modules"
	providerDocsRoot    = "registry/docs/providers"
	downloadsSummaryDoc = "downloads/summary"
)

// versionSegment reports whether a normalised version may be a path
// segment: safeSegment plus "+" for build metadata, as the protocol
// documents allow (package generator).
func versionSegment(v string) bool {
	return safeSegment(strings.ReplaceAll(v, "+", "-"))
}

// safeSegment is regdata.SafeSegment without its regular expression (it
// runs for every version of every module).
func safeSegment(s string) bool {
	if s == "" || len(s) > 255 || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '.' && c != '_' && c != '-') {
			return false
		}
	}
	return true
}

// segments lower-cases and checks path segments taken from the data.
func segments(parts ...string) (string, error) {
	out := make([]string, len(parts))
	for i, p := range parts {
		if !safeSegment(p) {
			return "", fmt.Errorf("%q is not usable in a path", p)
		}
		out[i] = strings.ToLower(p)
	}
	return path.Join(out...), nil
}

// ModuleDetailPath returns the tree path of a module's latest-version
// detail (URL path v1/modules/<ns>/<name>/<system>).
func ModuleDetailPath(a regdata.ModuleAddr) (string, error) {
	p, err := segments(a.Namespace, a.Name, a.System)
	if err != nil {
		return "", fmt.Errorf("module %s: %w", a, err)
	}
	return path.Join("v1/modules", p, manifest.DirIndex), nil
}

// ModuleVersionDetailPath returns the tree path of a module version's
// detail (URL path v1/modules/<ns>/<name>/<system>/<version>).
func ModuleVersionDetailPath(a regdata.ModuleAddr, version string) (string, error) {
	p, err := segments(a.Namespace, a.Name, a.System)
	if err != nil {
		return "", fmt.Errorf("module %s: %w", a, err)
	}
	if !versionSegment(version) {
		return "", fmt.Errorf("module %s: version %q is not usable in a path", a, version)
	}
	return path.Join("v1/modules", p, version, manifest.DirIndex), nil
}

// DownloadsSummaryPath returns the tree path of a module's downloads
// summary (URL path v2/modules/<ns>/<name>/<system>/downloads/summary).
func DownloadsSummaryPath(a regdata.ModuleAddr) (string, error) {
	p, err := segments(a.Namespace, a.Name, a.System)
	if err != nil {
		return "", fmt.Errorf("module %s: %w", a, err)
	}
	return path.Join("v2/modules", p, downloadsSummaryDoc), nil
}

// ModuleFiles renders every per-entry discovery document of a module:
//
//	v1/modules/<ns>/<name>/<system>/index.json                   latest detail
//	v1/modules/<ns>/<name>/<system>/<version>/index.json         version details
//	registry/docs/modules/<ns>/<name>/<system>/index.json        OpenTofu module index
//	registry/docs/modules/<ns>/<name>/<system>/v<version>/index.json
//	registry/docs/modules/<ns>/<name>/<system>/v<version>/README.md, and
//	   modules/<sub>/README.md, examples/<ex>/README.md for each submodule
//	   and example (moddocs.NoReadme where there is none: OpenTofu's UI
//	   fetches them all)
//
// docs supplies each version's documentation (NoDocs for none); it is
// called once per version. Paths are
// lower-cased; the files are sorted by path. The downloads summary is
// global (Collector), so that download counts stay current without
// regenerating entries.
func ModuleFiles(in ModuleInput, docs DocsFunc) ([]File, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	base, err := segments(in.Addr.Namespace, in.Addr.Name, in.Addr.System)
	if err != nil {
		return nil, fmt.Errorf("module %s: %w", in.Addr, err)
	}
	var files []File
	add := func(p string, data []byte, class manifest.Class) {
		files = append(files, File{Path: p, Data: data, Class: class})
	}
	latest := LatestVersion(in.Versions)
	get := func(i int) (*moddocs.Doc, error) {
		if i == latest && in.Latest != nil {
			return in.Latest, nil
		}
		d, err := docs(in.Versions[i])
		if err != nil {
			return nil, fmt.Errorf("module %s version %s: reading docs: %w", in.Addr, in.Versions[i].Entry.Version, err)
		}
		return d, nil
	}
	if in.Latest == nil {
		// The latest version's README gives the description every
		// document carries.
		d, err := get(latest)
		if err != nil {
			return nil, err
		}
		in.Latest = d
	}
	versions := in.versionList()
	for i, v := range in.Versions {
		doc, err := get(i)
		if err != nil {
			return nil, err
		}
		detail, err := renderModuleDetail(&in, i, doc, versions)
		if err != nil {
			return nil, err
		}
		if i == latest {
			add(path.Join("v1/modules", base, manifest.DirIndex), detail, manifest.ClassIndex)
		}
		if !versionSegment(v.Version) {
			return nil, fmt.Errorf("module %s: version %q is not usable in a path", in.Addr, v.Version)
		}
		vp := path.Join("v1/modules", base, v.Version, manifest.DirIndex)
		// A version detail lists every version, so it changes when a
		// version is added: an index, not a leaf.
		add(vp, detail, manifest.ClassIndex)

		d := doc
		if d == nil {
			d = &moddocs.Doc{}
		}
		vdir := path.Join(moduleDocsRoot, base, docsID(v.Version))
		tofu, err := Marshal(moddocs.RenderOpenTofu(d, in.openTofuMeta(i)))
		if err != nil {
			return nil, err
		}
		add(path.Join(vdir, manifest.DirIndex), tofu, manifest.ClassLeaf)
		for _, r := range moddocs.OpenTofuReadmes(d) {
			add(path.Join(vdir, r.Path), r.Content, manifest.ClassLeaf)
		}
	}
	idx, err := Marshal(in.docsModule())
	if err != nil {
		return nil, err
	}
	add(path.Join(moduleDocsRoot, base, manifest.DirIndex), idx, manifest.ClassIndex)
	sortFiles(files)
	return files, nil
}

// ProviderFiles renders every per-entry discovery document of a provider:
//
//	registry/docs/providers/<ns>/<type>/index.json
//	registry/docs/providers/<ns>/<type>/v<version>/index.json
//	registry/docs/providers/<ns>/<type>/v<version>/index.md     (ProviderOverview)
func ProviderFiles(in ProviderInput) ([]File, error) {
	if len(in.Versions) == 0 {
		return nil, fmt.Errorf("provider %s: no published versions", in.Addr)
	}
	base, err := segments(in.Addr.Namespace, in.Addr.Type)
	if err != nil {
		return nil, fmt.Errorf("provider %s: %w", in.Addr, err)
	}
	var files []File
	for _, v := range in.Versions {
		if !versionSegment(v.Version) {
			return nil, fmt.Errorf("provider %s: version %q is not usable in a path", in.Addr, v.Version)
		}
		doc := DocsProviderVersion{
			DocsVersion: DocsVersion{ID: docsID(v.Version), Published: published(v.Entry.Discovered)},
			Docs: DocsProviderDocs{
				Resources: []DocsProviderDocItem{}, DataSources: []DocsProviderDocItem{},
				Functions: []DocsProviderDocItem{}, Guides: []DocsProviderDocItem{},
			},
			CDKTFDocs: map[string]DocsProviderDocs{},
			Licenses:  []moddocs.OpenTofuLicense{},
			// No licence detected: OpenTofu's registry calls that
			// incompatible (registry-ui license.List.IsRedistributable).
			IncompatibleLicense: true,
		}
		src := strings.TrimSuffix(in.Source, "/")
		if src != "" {
			doc.Link = src + "/tree/v" + v.Version
		}
		data, err := Marshal(doc)
		if err != nil {
			return nil, err
		}
		vdir := path.Join(providerDocsRoot, base, docsID(v.Version))
		files = append(files,
			File{Path: path.Join(vdir, manifest.DirIndex), Data: data, Class: manifest.ClassLeaf},
			File{Path: path.Join(vdir, "index.md"), Data: ProviderOverview(src), Class: manifest.ClassLeaf})
	}
	idx, err := Marshal(in.docsProvider())
	if err != nil {
		return nil, err
	}
	files = append(files, File{Path: path.Join(providerDocsRoot, base, manifest.DirIndex), Data: idx, Class: manifest.ClassIndex})
	sortFiles(files)
	return files, nil
}

func sortFiles(files []File) {
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
}
