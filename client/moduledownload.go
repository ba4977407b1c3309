package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// ModuleDownload returns where to get a module version from
// (GET <modules.v1>/<namespace>/<name>/<system>/<version>/download): a
// go-getter address such as "git::https://example.com/vpc?ref=v1.0.0".
//
// The X-Terraform-Get header is read first (status 200 or 204), as
// Terraform does; without it, the "location" of a 200 response's JSON body,
// as OpenTofu reads it. A location starting with "/", "./" or "../" is
// resolved against the download URL (after redirects) and returned as an
// absolute URL; any other is returned as sent.
func (c *Client) ModuleDownload(ctx context.Context, addr ModuleAddr, version string) (string, error) {
	what := "getting download location of module " + addr.String() + " " + version
	if err := addr.check(); err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	if err := checkSegments("version", version); err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	mod, err := c.modulesURL(ctx)
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	loc, err := c.moduleLocation(ctx, join(mod, addr.Namespace, addr.Name, addr.System, version, "download"))
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	return loc, nil
}

func (c *Client) moduleLocation(ctx context.Context, u *url.URL) (string, error) {
	resp, err := c.do(ctx, http.MethodGet, u)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if err := checkStatus(resp, http.StatusOK, http.StatusNoContent); err != nil {
		return "", err
	}
	final := resp.Request.URL
	loc := resp.Header.Get("X-Terraform-Get")
	if loc == "" && resp.StatusCode == http.StatusOK {
		body, err := readAll(resp.Body, maxDocument)
		if err != nil {
			return "", fmt.Errorf("reading %s: %w", final.Redacted(), err)
		}
		if loc, err = bodyLocation(body); err != nil {
			return "", fmt.Errorf("decoding %s: %w", final.Redacted(), err)
		}
	}
	if loc == "" {
		return "", fmt.Errorf("%s: no X-Terraform-Get header and no location in the body", final.Redacted())
	}
	return resolveLocation(final, loc)
}

// bodyLocation returns the "location" of a module download body.
func bodyLocation(body []byte) (string, error) {
	var doc struct {
		Location string `json:"location"`
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return "", nil
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", err
	}
	return doc.Location, nil
}

// resolveLocation resolves a location starting with "/", "./" or "../"
// against the download URL, as Terraform does ("//host/path" included).
func resolveLocation(download *url.URL, loc string) (string, error) {
	if !strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "./") && !strings.HasPrefix(loc, "../") {
		return loc, nil
	}
	r, err := url.Parse(loc)
	if err != nil {
		return "", fmt.Errorf("relative location %q: %w", loc, err)
	}
	return download.ResolveReference(r).String(), nil
}
