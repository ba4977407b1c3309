package generator

import (
	"bytes"
	"cmp"
	"fmt"
	"net/url"
	"strings"

	"github.com/regen-registry/regen/manifest"
	"github.com/regen-registry/regen/regdata"
)

// Module returns every file generated for one module: a download document
// per published version, the versions document and, when any version is
// published, the latest-version download. bl may be nil. dropped lists
// the versions left out, for the caller to log.
func Module(addr regdata.ModuleAddr, f *regdata.ModuleFile, bl *regdata.Blacklist, opts Options) (files []File, dropped []regdata.Dropped, err error) {
	dropped, err = EachModuleFile(addr, f, bl, opts, func(fl File) error {
		fl.Body = bytes.Clone(fl.Body)
		files = append(files, fl)
		return nil
	})
	return files, dropped, err
}

// EachModuleFile is Module streaming: it calls yield for each file (the
// version downloads newest first, then the versions document, then the
// latest-version download) and stops at the first error yield returns.
func EachModuleFile(addr regdata.ModuleAddr, f *regdata.ModuleFile, bl *regdata.Blacklist, opts Options, yield func(File) error) ([]regdata.Dropped, error) {
	if err := checkSegments(label("module"), "namespace", addr.Namespace, "name", addr.Name, "system", addr.System); err != nil {
		return nil, err
	}
	pub, dropped := regdata.PublishedModuleVersions(addr, f, bl)
	versions := make([]moduleVersion, 0, len(pub))
	latest := -1
	var buf []byte
	for i, p := range pub {
		if !safeVersionSegment(p.Version) {
			return dropped, fmt.Errorf("version %q: normalised %q cannot be used in an API path", p.Entry.Version, p.Version)
		}
		versions = append(versions, moduleVersion{Version: p.Version})
		buf = appendModuleDownload(buf[:0], ModuleLocation(addr, f.Repository, p.Entry, opts), "")
		if err := yield(File{Path: ModuleDownloadPath(addr, p.Version), Body: buf, Class: manifest.ClassLeaf}); err != nil {
			return dropped, err
		}
		if latest < 0 && !prerelease(p.Version) {
			latest = i
		}
	}
	if err := yield(File{Path: ModuleVersionsPath(addr), Body: appendModuleVersions(buf[:0], addr.String(), versions), Class: manifest.ClassIndex}); err != nil {
		return dropped, err
	}
	if len(pub) == 0 {
		return dropped, nil
	}
	if latest < 0 {
		latest = 0 // only pre-releases: the newest of them
	}
	p := pub[latest]
	buf = appendModuleDownload(buf[:0], ModuleLocation(addr, f.Repository, p.Entry, opts), p.Version)
	if err := yield(File{Path: ModuleLatestPath(addr), Body: buf, Class: manifest.ClassIndex}); err != nil {
		return dropped, err
	}
	return dropped, nil
}

// ModuleLocation returns the go-getter address a module version downloads
// from: git::<repository>?ref=<commit, else tag>. The repository is the
// module file's repository when set (a "git::" prefix and an existing
// query are kept), else <GitHubURL>/<namespace>/terraform-<system>-<name>
// in the data folder's case.
func ModuleLocation(addr regdata.ModuleAddr, repository string, v regdata.ModuleVersion, opts Options) string {
	repo := ModuleRepository(addr, repository, opts)
	if !strings.HasPrefix(repo, "git::") {
		repo = "git::" + repo
	}
	ref := v.Commit
	if ref == "" {
		ref = v.Version
	}
	sep := "?"
	if strings.Contains(repo, "?") {
		sep = "&"
	}
	return repo + sep + "ref=" + url.QueryEscape(ref)
}

// ModuleRepository returns a module's git address: repository when set,
// else <GitHubURL>/<namespace>/terraform-<system>-<name>.
func ModuleRepository(addr regdata.ModuleAddr, repository string, opts Options) string {
	return repositoryOr(repository, addr.Namespace, addr.Repo(), opts)
}

// ProviderRepository returns a provider's repository: repository when
// set, else <GitHubURL>/<namespace>/terraform-provider-<type>.
func ProviderRepository(addr regdata.ProviderAddr, repository string, opts Options) string {
	return repositoryOr(repository, addr.Namespace, addr.Repo(), opts)
}

// repositoryOr is repository, else <GitHubURL>/<namespace>/<repo>.
func repositoryOr(repository, namespace, repo string, opts Options) string {
	if repository != "" {
		return repository
	}
	return strings.TrimRight(cmp.Or(opts.GitHubURL, DefaultGitHubURL), "/") + "/" + namespace + "/" + repo
}

// prerelease reports whether a normalised version has a pre-release part.
func prerelease(v string) bool {
	core, _, _ := strings.Cut(v, "+")
	return strings.Contains(core, "-")
}

// moduleVersion is one item of a module versions document.
type moduleVersion struct {
	Version string `json:"version"`
}
