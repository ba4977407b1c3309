package manifest

import (
	"path"
	"strings"
)

// Format names the manifest format version written in every Header.
const Format = "regen-manifest/1"

// Path is where the manifest lives, relative to the root of a built tree
// (and of an upload target). Names starting with "." are never served.
const Path = ".regen/manifest.ndjson"

// DirIndex is the file name under which a document is stored when its URL
// path is also a folder of other documents: the listing at URL path
// v1/modules/<ns> is the file v1/modules/<ns>/index.json in a built tree
// (and the object of that key in a bucket). Servers answering a URL path
// that is a folder serve its DirIndex file.
const DirIndex = "index.json"

// Class tells the uploader when an object may be published relative to
// others and how long caches may keep it.
type Class string

const (
	// ClassPackage is a module package (archive mode), a content-addressed
	// .tar.gz under PackagePrefix: immutable, and published before the
	// download documents that point at it.
	ClassPackage Class = "package"
	// ClassLeaf is a per-version document (a provider download document, a
	// module version download, a mirror <version>.json, a module version
	// detail). Once published its content never changes.
	ClassLeaf Class = "leaf"
	// ClassIndex is a document that points at leaves: provider and module
	// `versions`, mirror `index.json`, the latest-version module download.
	ClassIndex Class = "index"
	// ClassListing is a document that points at indexes: listings, search
	// shards, feeds, docs indexes.
	ClassListing Class = "listing"
	// ClassDiscovery is `.well-known/terraform.json` and similar entry points,
	// published after everything they lead to.
	ClassDiscovery Class = "discovery"
)

// Order is the publishing order of classes: leaves first, discovery last.
var Order = []Class{ClassPackage, ClassLeaf, ClassIndex, ClassListing, ClassDiscovery}

// PackagePrefix is the tree folder of module packages (archive mode).
const PackagePrefix = "archives/"

// IsPackage reports whether a tree path is a module package.
func IsPackage(p string) bool {
	return strings.HasPrefix(p, PackagePrefix) && strings.HasSuffix(p, ".tar.gz")
}

// Header is the first line of a manifest.
type Header struct {
	Format string `json:"format"`
	// Options is a digest of the build options (base URL, mirror prefix…):
	// when it changes, every entry must be regenerated.
	Options string `json:"options"`
}

// File is one object of a built tree.
type File struct {
	Path   string `json:"path"`   // slash-separated, relative to the tree root, no leading slash
	SHA256 string `json:"sha256"` // lower-case hex of the content
	Size   int64  `json:"size"`
	Type   string `json:"type"` // Content-Type to serve it with
	Class  Class  `json:"class"`
}

// Entry groups the files produced from one data entry (a provider file, a
// module file) or from the registry as a whole (Key "~global…", sorting
// last).
type Entry struct {
	Key string `json:"entry"`
	// Input is a digest of everything the entry's files were generated
	// from; an unchanged Input means the files need not be regenerated.
	Input string `json:"input"`
	Files []File `json:"files"`
}

// ContentType returns the Content-Type a registry serves for a tree path:
// application/json for the extensionless API documents and .json files.
func ContentType(p string) string {
	switch strings.ToLower(path.Ext(p)) {
	case "", ".json":
		return "application/json"
	case ".md":
		return "text/markdown; charset=utf-8"
	case ".ndjson":
		return "application/x-ndjson"
	case ".xml", ".atom":
		return "application/atom+xml"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".html":
		return "text/html; charset=utf-8"
	case ".txt", ".asc":
		return "text/plain; charset=utf-8"
	case ".gz":
		return "application/gzip"
	}
	// Versions such as "1.2.3" end in ".3": treat numeric extensions as API documents.
	ext := strings.TrimPrefix(path.Ext(p), ".")
	if ext != "" && strings.Trim(ext, "0123456789") == "" {
		return "application/json"
	}
	return "application/octet-stream"
}
