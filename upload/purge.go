package upload

import (
	"context"
	"net/url"
	"strings"

	"github.com/regen-registry/regen/manifest"
)

// Purger invalidates CDN caches. Implementations split the URLs into the
// batches their API accepts and retry transient failures.
type Purger interface {
	Purge(ctx context.Context, urls []string) error
}

// purgeChunk is how many URLs the uploader hands a Purger at once.
const purgeChunk = 1000

// publicURLs returns the URLs clients may fetch a tree path at: the path
// itself and, for a folder's document (manifest.DirIndex), the folder's
// URL with and without a trailing slash.
func publicURLs(base, key string) []string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	base = strings.TrimSuffix(base, "/")
	urls := []string{base + "/" + strings.Join(segs, "/")}
	if len(segs) > 1 && segs[len(segs)-1] == manifest.DirIndex {
		dir := base + "/" + strings.Join(segs[:len(segs)-1], "/")
		urls = append(urls, dir, dir+"/")
	}
	return urls
}
