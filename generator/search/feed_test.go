package search

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestFeedItemsAsOpenTofu checks the search feed records against what
// OpenTofu's registry writes (registry-ui moduleindex/search.go,
// providerindex/searchitems.go): a module is titled by its target system,
// its submodules carry its description and popularity, a provider has no
// description and counts its warnings.
func TestFeedItemsAsOpenTofu(t *testing.T) {
	m := Module{Namespace: "Acme", Name: "vpc", Provider: "AWS", Version: "1.2.0", Description: "VPCs", Downloads: 41,
		PublishedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	items := ModuleFeedItems(m, []string{"endpoints"})
	if len(items) != 2 {
		t.Fatalf("%d items", len(items))
	}
	mod, sub := items[0], items[1]
	if mod.Title != "aws" || mod.Addr != "acme/vpc/aws" || mod.Popularity != 41 || mod.Warnings != 0 {
		t.Errorf("module item %+v", mod)
	}
	if sub.Title != "endpoints" || sub.Popularity != 41 || sub.Description != "VPCs" || sub.ParentID != mod.ID || sub.Link["submodule"] != "endpoints" {
		t.Errorf("submodule item %+v", sub)
	}
	p := ProviderFeedItem(Provider{Namespace: "HashiCorp", Type: "Random", Version: "3.6.0", Description: "Random values", Downloads: 7}, 2)
	if p.Title != "random" || p.Description != "" || p.Popularity != 7 || p.Warnings != 2 || p.Version != "v3.6.0" {
		t.Errorf("provider item %+v", p)
	}

	// Every add record carries "warnings" and "popularity" (the columns
	// OpenTofu's search worker ranks by).
	var b bytes.Buffer
	if err := WriteFeed(&b, time.Unix(0, 0), append(items, p), nil); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	for _, l := range lines[1:] {
		var rec struct {
			Addition map[string]json.RawMessage `json:"addition"`
		}
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"warnings", "popularity", "title", "description", "link"} {
			if _, ok := rec.Addition[k]; !ok {
				t.Errorf("record lacks %q: %s", k, l)
			}
		}
	}
}
