package upload

import "github.com/regen-registry/regen/manifest"

// CachePolicy is the Cache-Control header stored with each object, by
// publishing class.
type CachePolicy struct {
	// Leaf is for per-version documents, which never change in place once
	// published (a revoked version leaves the indexes first, then is
	// deleted and purged).
	Leaf string
	// Short is for everything that changes when a version is added:
	// `versions`, mirror index.json, listings, search, discovery.
	Short string
	// Package is for module packages, named by their sha256: their bytes
	// never change, so caches may keep them for good.
	Package string
}

// DefaultCachePolicy matches what `regen serve` sends: a day for leaves,
// a minute for the rest.
func DefaultCachePolicy() CachePolicy {
	return CachePolicy{Leaf: "public, max-age=86400", Short: "public, max-age=60", Package: "public, max-age=31536000, immutable"}
}

// internalCacheControl is for regen's own objects under .regen/.
const internalCacheControl = "no-store"

// For returns the Cache-Control value for class c.
func (p CachePolicy) For(c manifest.Class) string {
	switch c {
	case manifest.ClassLeaf:
		return p.Leaf
	case manifest.ClassPackage:
		return p.Package
	}
	return p.Short
}

func (p CachePolicy) withDefaults() CachePolicy {
	d := DefaultCachePolicy()
	if p.Leaf == "" {
		p.Leaf = d.Leaf
	}
	if p.Short == "" {
		p.Short = d.Short
	}
	if p.Package == "" {
		p.Package = d.Package
	}
	return p
}
