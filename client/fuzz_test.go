package client

import (
	"net/url"
	"strings"
	"testing"
)

func FuzzDecodeListPage(f *testing.F) {
	f.Add([]byte(`{"meta":{"limit":10,"current_offset":0,"next_offset":10,"next_url":"/v1/modules?offset=10"},"modules":[{"id":"a/b/c/1.0.0","published_at":"2024-01-02T03:04:05.123Z","downloads":3,"verified":true}]}`), 0)
	f.Add([]byte(`{"meta":{"limit":10,"current_offset":20,"prev_offset":10},"modules":[]}`), 20)
	f.Add([]byte(`{"meta":{"next_offset":-1},"modules":null}`), 5)
	f.Add([]byte(`{"modules":[{"published_at":"yesterday"}]}`), 0)
	f.Add([]byte(`{"errors":["Not Found"]}`), 0)
	f.Add([]byte(`[]`), 0)
	f.Fuzz(func(t *testing.T, body []byte, offset int) {
		p, err := decodeListPage(body, offset)
		if err != nil {
			if p != nil {
				t.Fatal("page returned with an error")
			}
			return
		}
		if n := p.Meta.NextOffset; n != nil && (*n <= offset || len(p.Modules) == 0) {
			t.Fatalf("accepted next_offset %d at offset %d with %d modules", *n, offset, len(p.Modules))
		}
	})
}

func FuzzParseDiscovery(f *testing.F) {
	f.Add([]byte(`{"modules.v1":"/v1/modules","providers.v1":"../p/"}`))
	f.Add([]byte(`{"modules.v1":"https://other.example.com/m","login.v1":{"client":"x"}}`))
	f.Add([]byte(`{"providers.v1":"/p"}`))
	f.Add([]byte(`{"modules.v1":"%zz"}`))
	base, _ := url.Parse("https://registry.example.com/.well-known/terraform.json")
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := parseDiscovery(base, body)
		if err != nil {
			return
		}
		for _, u := range []*url.URL{s.Modules, s.Providers} {
			if u != nil && (!strings.HasSuffix(u.Path, "/") || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https")) {
				t.Fatalf("accepted service URL %s", u)
			}
		}
	})
}

func FuzzErrorMessages(f *testing.F) {
	f.Add([]byte(`{"errors":["Not Found"]}`))
	f.Add([]byte(`{"errors":[{"status":"404","title":"Not Found","detail":"no such module"},3,null]}`))
	f.Add([]byte(`<html>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		_ = (&APIError{Method: "GET", URL: "u", StatusCode: 500, Messages: errorMessages(body)}).Error()
	})
}
