package generator

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
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
	return EachModuleFileWithPackages(addr, f, bl, opts, nil, yield)
}

// ModulePackage is a version's package in archive mode: a .tar.gz on disk
// (in the archive store) named by its sha256.
type ModulePackage struct {
	SHA256 [sha256.Size]byte
	Size   int64
	// Src is the package's file on disk.
	Src string
}

// PackagePath is a module package's path in the tree:
// archives/<ns>/<name>/<system>/<sha256>.tar.gz. Packages are kept per
// module (identical ones are stored once in the archive store) so that
// each belongs to exactly one entry of the build manifest.
func PackagePath(addr regdata.ModuleAddr, sum [sha256.Size]byte) string {
	return manifest.PackagePrefix + addr.APIPath() + "/" + hex.EncodeToString(sum[:]) + ".tar.gz"
}

// PackageLocation is the download location of a package: a path on the
// registry's own host, which Terraform and OpenTofu resolve against the
// download URL and unpack by its .tar.gz extension.
func PackageLocation(addr regdata.ModuleAddr, sum [sha256.Size]byte) string {
	return "/" + PackagePath(addr, sum)
}

// EachModuleFileWithPackages is EachModuleFile in archive mode: a version
// for which pkg returns a package downloads it from the registry
// (PackageLocation) instead of git, and each package is yielded once, as a
// ClassPackage file, before the download documents. pkg may be nil (no
// archive mode); a version without a package keeps its git download.
func EachModuleFileWithPackages(addr regdata.ModuleAddr, f *regdata.ModuleFile, bl *regdata.Blacklist, opts Options, pkg func(regdata.ModuleVersion) (ModulePackage, bool), yield func(File) error) ([]regdata.Dropped, error) {
	if err := checkSegments(label("module"), "namespace", addr.Namespace, "name", addr.Name, "system", addr.System); err != nil {
		return nil, err
	}
	pub, dropped := regdata.PublishedModuleVersions(addr, f, bl)
	location := func(v regdata.ModuleVersion) string { return ModuleLocation(addr, f.Repository, v, opts) }
	if pkg != nil {
		locs := map[string]string{}
		seen := map[[sha256.Size]byte]bool{}
		for _, p := range pub {
			mp, ok := pkg(p.Entry)
			if !ok {
				continue
			}
			locs[p.Entry.Version] = PackageLocation(addr, mp.SHA256)
			if seen[mp.SHA256] {
				continue
			}
			seen[mp.SHA256] = true
			if err := yield(DiskFile(PackagePath(addr, mp.SHA256), mp.Src, mp.SHA256, mp.Size, manifest.ClassPackage)); err != nil {
				return dropped, err
			}
		}
		location = func(v regdata.ModuleVersion) string {
			if l, ok := locs[v.Version]; ok {
				return l
			}
			return ModuleLocation(addr, f.Repository, v, opts)
		}
	}
	versions := make([]moduleVersion, 0, len(pub))
	latest := -1
	var buf []byte
	for i, p := range pub {
		if !safeVersionSegment(p.Version) {
			return dropped, fmt.Errorf("version %q: normalised %q cannot be used in an API path", p.Entry.Version, p.Version)
		}
		versions = append(versions, moduleVersion{Version: p.Version})
		buf = appendModuleDownload(buf[:0], location(p.Entry), "")
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
	buf = appendModuleDownload(buf[:0], location(p.Entry), p.Version)
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

// ModuleRepository returns a module's git address: repository when set
// (OWNER/NAME meaning <GitHubURL>/OWNER/NAME), else
// <GitHubURL>/<namespace>/terraform-<system>-<name>.
func ModuleRepository(addr regdata.ModuleAddr, repository string, opts Options) string {
	return repositoryOr(repository, addr.Namespace, addr.Repo(), opts)
}

// ProviderRepository returns a provider's repository: repository when
// set, else <GitHubURL>/<namespace>/terraform-provider-<type>.
func ProviderRepository(addr regdata.ProviderAddr, repository string, opts Options) string {
	return repositoryOr(repository, addr.Namespace, addr.Repo(), opts)
}

// repositoryOr is repository, else <GitHubURL>/<namespace>/<repo>. A
// repository written OWNER/NAME (as ingest reads it) is on GitHubURL too.
func repositoryOr(repository, namespace, repo string, opts Options) string {
	github := strings.TrimRight(cmp.Or(opts.GitHubURL, DefaultGitHubURL), "/")
	switch {
	case repository == "":
		return github + "/" + namespace + "/" + repo
	case regdata.IsRepositoryShorthand(repository):
		return github + "/" + repository
	}
	return repository
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
