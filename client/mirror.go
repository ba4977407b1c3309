package client

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/hashicorp/go-version"
)

// MirrorArchive is one platform's package in a network mirror.
type MirrorArchive struct {
	// URL is where to download the zip, resolved against the response URL.
	URL string `json:"url"`
	// Hashes are "h1:" (dirhash of the unpacked zip) and "zh:" (SHA-256 of
	// the zip) checksums.
	Hashes []string `json:"hashes"`
}

// MirrorVersions returns the versions of a provider in the network mirror
// (GET <mirror>/<hostname>/<namespace>/<type>/index.json), oldest first.
// hostname is the provider's origin registry, such as registry.opentofu.org.
func (c *Client) MirrorVersions(ctx context.Context, hostname string, addr ProviderAddr) ([]string, error) {
	what := fmt.Sprintf("listing mirrored versions of %s/%s", hostname, addr)
	if err := checkSegments(what, hostname, addr.Namespace, addr.Type); err != nil {
		return nil, err
	}
	var doc struct {
		Versions map[string]json.RawMessage `json:"versions"`
	}
	if _, err := c.getMirrorJSON(ctx, join(c.mirror, hostname, addr.Namespace, addr.Type, "index.json"), &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	out := make([]string, 0, len(doc.Versions))
	for v := range doc.Versions {
		out = append(out, v)
	}
	sortVersions(out)
	return out, nil
}

// MirrorArchives returns the packages of a provider version in the network
// mirror (GET <mirror>/<hostname>/<namespace>/<type>/<version>.json), keyed
// by platform ("linux_amd64").
func (c *Client) MirrorArchives(ctx context.Context, hostname string, addr ProviderAddr, version string) (map[string]MirrorArchive, error) {
	what := fmt.Sprintf("getting mirrored %s/%s %s", hostname, addr, version)
	if err := checkSegments(what, hostname, addr.Namespace, addr.Type, version); err != nil {
		return nil, err
	}
	var doc struct {
		Archives map[string]MirrorArchive `json:"archives"`
	}
	final, err := c.getMirrorJSON(ctx, join(c.mirror, hostname, addr.Namespace, addr.Type, version+".json"), &doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	for platform, a := range doc.Archives {
		if a.URL == "" {
			return nil, fmt.Errorf("%s: %s: archive %s has no url", what, final.Redacted(), platform)
		}
		if a.URL, err = resolveURL(final, a.URL); err != nil {
			return nil, fmt.Errorf("%s: %s: archive %s: %w", what, final.Redacted(), platform, err)
		}
		doc.Archives[platform] = a
	}
	return doc.Archives, nil
}

// getMirrorJSON is getJSON for the mirror protocol, which requires
// Content-Type application/json.
func (c *Client) getMirrorJSON(ctx context.Context, u *url.URL, v any) (*url.URL, error) {
	resp, err := c.do(ctx, http.MethodGet, u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if err := checkStatus(resp, http.StatusOK); err != nil {
		return nil, err
	}
	final := resp.Request.URL
	ct := resp.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return nil, fmt.Errorf("%s: Content-Type %q, want application/json", final.Redacted(), ct)
	}
	body, err := readAll(resp.Body, maxDocument)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", final.Redacted(), err)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", final.Redacted(), err)
	}
	return final, nil
}

// sortVersions sorts semantic versions oldest first, anything unparsable
// last in byte order.
func sortVersions(vs []string) {
	slices.SortFunc(vs, func(a, b string) int {
		va, ea := version.NewVersion(a)
		vb, eb := version.NewVersion(b)
		switch {
		case ea == nil && eb == nil:
			if c := va.Compare(vb); c != 0 {
				return c
			}
		case ea == nil:
			return -1
		case eb == nil:
			return 1
		}
		return strings.Compare(a, b)
	})
}
