package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// ListOptions filters and pages listings and searches.
type ListOptions struct {
	// Namespace limits the results to one namespace.
	Namespace string
	// Provider limits the results to one target system ("aws").
	Provider string
	// Verified limits the results to verified modules.
	Verified bool
	// Limit is the page size asked for (the registry may cap it); zero
	// leaves it to the registry.
	Limit int
	// Offset is where to start.
	Offset int
}

// Modules lists modules: every module (GET <modules.v1>), or those of
// opts.Namespace (GET <modules.v1>/<namespace>). See [Client.Search] for
// how pages are followed.
func (c *Client) Modules(ctx context.Context, opts ListOptions) iter.Seq2[Module, error] {
	return c.list(ctx, "listing modules", opts, func(mod *url.URL, q url.Values) (*url.URL, error) {
		if opts.Namespace == "" {
			u := *mod
			u.Path = strings.TrimSuffix(u.Path, "/")
			u.RawPath = strings.TrimSuffix(u.RawPath, "/")
			return &u, nil
		}
		if err := checkSegments("namespace", opts.Namespace); err != nil {
			return nil, err
		}
		return join(mod, opts.Namespace), nil
	})
}

// Search searches modules (GET <modules.v1>/search?q=query, with
// opts.Namespace as the namespace parameter).
//
// Like every listing it is a lazy iterator: the first page is requested
// when iteration starts, and the next one (the same request with offset
// set to meta.next_offset) only once the items of the previous one have
// been yielded, until a page has no next_offset or the loop stops early.
// A failed request, an undecodable page, or a next_offset that does not
// advance ends the iteration with a non-nil error. Each iteration of the
// returned sequence starts again from opts.Offset.
func (c *Client) Search(ctx context.Context, query string, opts ListOptions) iter.Seq2[Module, error] {
	return c.list(ctx, fmt.Sprintf("searching modules for %q", query), opts, func(mod *url.URL, q url.Values) (*url.URL, error) {
		q.Set("q", query)
		if opts.Namespace != "" {
			q.Set("namespace", opts.Namespace)
		}
		return join(mod, "search"), nil
	})
}

// LatestByProvider lists the latest version of a module for each target
// system it is published for (GET <modules.v1>/<namespace>/<name>).
// opts.Namespace is ignored.
func (c *Client) LatestByProvider(ctx context.Context, namespace, name string, opts ListOptions) iter.Seq2[Module, error] {
	return c.list(ctx, "listing module "+namespace+"/"+name, opts, func(mod *url.URL, q url.Values) (*url.URL, error) {
		if err := checkSegments("module "+namespace+"/"+name, namespace, name); err != nil {
			return nil, err
		}
		return join(mod, namespace, name), nil
	})
}

// list pages through a listing whose URL endpoint builds from the modules.v1
// URL, adding its own query parameters.
func (c *Client) list(ctx context.Context, what string, opts ListOptions, endpoint func(mod *url.URL, q url.Values) (*url.URL, error)) iter.Seq2[Module, error] {
	return func(yield func(Module, error) bool) {
		fail := func(err error) { yield(Module{}, fmt.Errorf("%s: %w", what, err)) }
		mod, err := c.modulesURL(ctx)
		if err != nil {
			fail(err)
			return
		}
		q := url.Values{}
		if opts.Provider != "" {
			q.Set("provider", opts.Provider)
		}
		if opts.Verified {
			q.Set("verified", "true")
		}
		if opts.Limit > 0 {
			q.Set("limit", strconv.Itoa(opts.Limit))
		}
		u, err := endpoint(mod, q)
		if err != nil {
			fail(err)
			return
		}
		for offset := max(opts.Offset, 0); ; {
			if offset > 0 {
				q.Set("offset", strconv.Itoa(offset))
			}
			pu := *u
			pu.RawQuery = q.Encode()
			body, final, err := c.getBody(ctx, &pu, http.StatusOK)
			if err != nil {
				fail(err)
				return
			}
			page, err := decodeListPage(body, offset)
			if err != nil {
				fail(fmt.Errorf("decoding %s: %w", final.Redacted(), err))
				return
			}
			for _, m := range page.Modules {
				if !yield(m, nil) {
					return
				}
			}
			if page.Meta.NextOffset == nil {
				return
			}
			offset = *page.Meta.NextOffset
		}
	}
}

// listPage is one page of a listing or search.
type listPage struct {
	Meta    listMeta `json:"meta"`
	Modules []Module `json:"modules"`
}

// listMeta is the paging information of a listing page.
type listMeta struct {
	Limit         int    `json:"limit"`
	CurrentOffset int    `json:"current_offset"`
	NextOffset    *int   `json:"next_offset,omitempty"`
	PrevOffset    *int   `json:"prev_offset,omitempty"`
	NextURL       string `json:"next_url,omitempty"`
	PrevURL       string `json:"prev_url,omitempty"`
}

// decodeListPage decodes a listing page and checks it was asked for at
// offset.
func decodeListPage(body []byte, offset int) (*listPage, error) {
	var p listPage
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, err
	}
	if err := p.check(offset); err != nil {
		return nil, err
	}
	return &p, nil
}

// check reports a page that would make paging loop or go backwards: a
// next_offset not past offset, or one given on an empty page.
func (p *listPage) check(offset int) error {
	n := p.Meta.NextOffset
	switch {
	case n == nil:
		return nil
	case *n <= offset:
		return fmt.Errorf("meta.next_offset %d does not advance past offset %d", *n, offset)
	case len(p.Modules) == 0:
		return errors.New("meta.next_offset given on a page without modules")
	}
	return nil
}
