package discovery

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"github.com/regen-registry/regen/generator/search"
)

// Meta is the paging object of listings and searches. NextOffset and
// NextURL are present only when results remain after the page (clients
// such as HashiCorp's Python SDK stop paging when next_offset is absent);
// PrevOffset and PrevURL only when the page does not start at 0.
type Meta struct {
	Limit         int    `json:"limit"`
	CurrentOffset int    `json:"current_offset"`
	NextOffset    *int   `json:"next_offset,omitempty"`
	PrevOffset    *int   `json:"prev_offset,omitempty"`
	NextURL       string `json:"next_url,omitempty"`
	PrevURL       string `json:"prev_url,omitempty"`
}

// PageMeta returns the meta object of the page [offset, offset+limit) of
// total results of the listing at urlPath ("/v1/modules/search"). params
// are the request's other query parameters; the page URLs carry them with
// offset and limit set, sorted by name.
func PageMeta(urlPath string, params url.Values, offset, limit, total int) Meta {
	m := Meta{Limit: limit, CurrentOffset: offset}
	pageURL := func(off int) string {
		q := url.Values{}
		for k, v := range params {
			if k != "offset" && k != "limit" {
				q[k] = v
			}
		}
		q.Set("limit", strconv.Itoa(limit))
		q.Set("offset", strconv.Itoa(off))
		return urlPath + "?" + q.Encode()
	}
	if next := offset + limit; next < total {
		m.NextOffset = &next
		m.NextURL = pageURL(next)
	}
	if offset > 0 {
		prev := max(offset-limit, 0)
		m.PrevOffset = &prev
		m.PrevURL = pageURL(prev)
	}
	return m
}

// ModuleList is a page of modules: listings, searches and the latest
// version per provider of a module.
type ModuleList struct {
	Meta    Meta     `json:"meta"`
	Modules []Module `json:"modules"`
}

// ProviderList is a page of providers.
type ProviderList struct {
	Meta      Meta       `json:"meta"`
	Providers []Provider `json:"providers"`
}

// RenderModuleList renders one page of module results.
func RenderModuleList(urlPath string, params url.Values, offset, limit int, res search.Result) ([]byte, error) {
	l := ModuleList{Meta: PageMeta(urlPath, params, offset, limit, res.Total), Modules: make([]Module, 0, len(res.Modules))}
	for _, m := range res.Modules {
		l.Modules = append(l.Modules, ModuleObject(m))
	}
	return Marshal(l)
}

// RenderProviderList renders one page of providers.
func RenderProviderList(urlPath string, params url.Values, offset, limit, total int, page []search.Provider) ([]byte, error) {
	l := ProviderList{Meta: PageMeta(urlPath, params, offset, limit, total), Providers: make([]Provider, 0, len(page))}
	for _, p := range page {
		l.Providers = append(l.Providers, ProviderObject(p))
	}
	return Marshal(l)
}

// Marshal renders a discovery document: compact JSON (these documents
// are many and large: indenting them would cost a quarter of their bytes
// and most of their rendering time), no HTML escaping, trailing newline.
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encoding %T: %w", v, err)
	}
	return b.Bytes(), nil
}

// ErrorBody renders the registry error document {"errors":[msgs…]} on
// one line, as `regen serve` answers its own errors.
func ErrorBody(msgs ...string) []byte {
	b, _ := json.Marshal(struct {
		Errors []string `json:"errors"`
	}{msgs})
	return append(b, '\n')
}
