package feed

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/regen-registry/regen/ingest/github"
)

// Validators are what a response said about its version, to send back on
// the next request (If-None-Match, If-Modified-Since).
type Validators struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// Result is the outcome of a conditional feed request.
type Result struct {
	// NotModified is set when the server answered 304: nothing changed
	// since the validators sent.
	NotModified bool
	// Validators to send next time (the ones sent, after a 304 without new
	// ones).
	Validators Validators
	// Entries of the feed, newest first as GitHub lists them (nil after a
	// 304).
	Entries []Entry
}

// maxFeed bounds a feed document's size.
const maxFeed = 8 << 20

// Fetch requests the feed at url with the validators of the last fetch.
// Any status other than 200 and 304, and any body that is not an Atom
// feed, is an error.
func Fetch(ctx context.Context, c *github.Client, url string, v Validators) (Result, error) {
	h := http.Header{"Accept": {"application/atom+xml"}}
	if v.ETag != "" {
		h.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		h.Set("If-Modified-Since", v.LastModified)
	}
	resp, err := c.Get(ctx, url, h)
	if err != nil {
		return Result{}, err
	}
	next := Validators{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	switch resp.StatusCode {
	case http.StatusNotModified:
		resp.Body.Close()
		if next.ETag == "" && next.LastModified == "" {
			next = v
		}
		return Result{NotModified: true, Validators: next}, nil
	case http.StatusOK:
	default:
		return Result{}, github.NewStatusError(url, resp)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxFeed+1))
	if err != nil {
		return Result{}, fmt.Errorf("reading %s: %w", url, err)
	}
	if len(data) > maxFeed {
		return Result{}, fmt.Errorf("reading %s: feed larger than %d bytes", url, maxFeed)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" && strings.HasPrefix(ct, "text/html") {
		return Result{}, fmt.Errorf("%s: got an HTML page (%s), not a feed", url, ct)
	}
	entries, err := Parse(data)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", url, err)
	}
	return Result{Validators: next, Entries: entries}, nil
}
