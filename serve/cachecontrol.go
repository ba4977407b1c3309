package serve

import (
	"path"
	"strings"

	"github.com/regen-registry/regen/manifest"
)

// Cache-Control values of DefaultCacheControl.
const (
	// cacheLeaf is for per-version documents, which never change once
	// published (a revoked version disappears from the indexes first).
	cacheLeaf = "public, max-age=86400"
	// cacheShort is for everything that changes when a version is added:
	// versions, mirror indexes, discovery, listings, search and docs indexes.
	cacheShort = "public, max-age=60"
	// cachePackage is for module packages, named by their sha256.
	cachePackage = "public, max-age=31536000, immutable"
	// cacheNone is for error answers.
	cacheNone = "no-store"
)

// DefaultCacheControl returns the Cache-Control header for the tree path
// name: a day for per-version documents (provider downloads, module version
// downloads and details, mirror <version>.json), a minute for everything
// else.
func DefaultCacheControl(name string) string {
	switch classify(name) {
	case manifest.ClassLeaf:
		return cacheLeaf
	case manifest.ClassPackage:
		return cachePackage
	}
	return cacheShort
}

// classify guesses the publishing class of a tree path from its shape, the
// way the generator lays the tree out.
func classify(name string) manifest.Class {
	segs := strings.Split(name, "/")
	if segs[0] == ".well-known" {
		return manifest.ClassDiscovery
	}
	if manifest.IsPackage(name) {
		return manifest.ClassPackage
	}
	if len(segs) >= 2 && segs[0] == "v1" {
		switch {
		case segs[1] == "providers" && len(segs) == 8 && segs[5] == "download":
			return manifest.ClassLeaf // v1/providers/ns/type/version/download/os/arch
		case segs[1] == "providers" && len(segs) == 5 && segs[4] == "versions":
			return manifest.ClassIndex
		case segs[1] == "modules" && isModuleVersionDownload(segs):
			return manifest.ClassLeaf
		case segs[1] == "modules" && len(segs) == 6 && (segs[5] == "versions" || segs[5] == "download"):
			return manifest.ClassIndex
		case segs[1] == "modules" && len(segs) == 6 && looksLikeVersion(segs[5]):
			return manifest.ClassLeaf // v1/modules/ns/name/system/version detail
		}
		return manifest.ClassListing
	}
	base := path.Base(name)
	if v, ok := strings.CutSuffix(base, ".json"); ok && looksLikeVersion(v) {
		return manifest.ClassLeaf // <mirror>/host/ns/type/<version>.json
	}
	if base == "index.json" {
		return manifest.ClassIndex
	}
	return manifest.ClassListing
}

// looksLikeVersion reports whether s starts like a version number: a digit
// (or "v" and a digit) followed somewhere by a dot.
func looksLikeVersion(s string) bool {
	s = strings.TrimPrefix(s, "v")
	return s != "" && s[0] >= '0' && s[0] <= '9' && strings.Contains(s, ".")
}
