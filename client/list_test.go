package client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func collect(t *testing.T, seq func(func(Module, error) bool)) ([]Module, error) {
	t.Helper()
	var out []Module
	for m, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, m)
	}
	return out, nil
}

func TestModulesPagesToTheEnd(t *testing.T) {
	reg := newFakeRegistry(t, 250)
	c := reg.client()
	got, err := collect(t, c.Modules(t.Context(), ListOptions{Limit: 10}))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 250 {
		t.Fatalf("got %d modules, want 250", len(got))
	}
	seen := map[string]bool{}
	for _, m := range got {
		if seen[m.ID] {
			t.Errorf("module %s listed twice", m.ID)
		}
		seen[m.ID] = true
	}
	if d := cmp.Diff(reg.modules, got); d != "" {
		t.Errorf("modules differ from the registry's (-want +got):\n%s", d)
	}
	reqs := reg.requestsTo("/v1/modules")
	if len(reqs) != 25 {
		t.Errorf("%d listing requests, want 25: %q", len(reqs), reqs)
	}
	if reqs[0] != "/v1/modules?limit=10" || reqs[24] != "/v1/modules?limit=10&offset=240" {
		t.Errorf("first and last requests %q, %q", reqs[0], reqs[24])
	}
	if n := len(reg.requestsTo("/.well-known/terraform.json")); n != 1 {
		t.Errorf("%d discovery requests, want 1 (cached)", n)
	}
}

func TestModulesIsLazy(t *testing.T) {
	reg := newFakeRegistry(t, 250)
	seq := reg.client().Modules(t.Context(), ListOptions{Limit: 10})
	if n := len(reg.requestsTo("/v1/modules")); n != 0 {
		t.Fatalf("%d requests before iterating", n)
	}
	var ids []string
	for m, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		if ids = append(ids, m.ID); len(ids) == 15 {
			break
		}
	}
	if n := len(reg.requestsTo("/v1/modules")); n != 2 {
		t.Errorf("%d requests for 15 items of pages of 10, want 2", n)
	}
	// The sequence starts again on each iteration.
	again, err := collect(t, seq)
	if err != nil || len(again) != 250 || again[0].ID != ids[0] {
		t.Errorf("second iteration: %d modules, first %v, err %v", len(again), again[:1], err)
	}
}

func TestModulesFilters(t *testing.T) {
	reg := newFakeRegistry(t, 250)
	c := reg.client()
	ctx := t.Context()

	got, err := collect(t, c.Modules(ctx, ListOptions{Namespace: "ns3", Limit: 20}))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 50 || len(reg.requestsTo("/v1/modules/ns3")) != 3 {
		t.Errorf("namespace listing: %d modules in %d requests, want 50 in 3", len(got), len(reg.requestsTo("/v1/modules/ns3")))
	}
	for _, m := range got {
		if m.Namespace != "ns3" {
			t.Errorf("namespace listing returned %s", m.ID)
		}
	}

	got, err = collect(t, c.Modules(ctx, ListOptions{Provider: "google", Verified: true, Offset: 5}))
	if err != nil {
		t.Fatal(err)
	}
	// google is i%3==1, verified is i%10==0: i = 10, 40, 70, ... 220 (8 of them); from offset 5: 3.
	if len(got) != 3 || got[0].ID != reg.modules[160].ID {
		t.Errorf("provider+verified from offset 5: %d modules starting %v", len(got), got[:min(1, len(got))])
	}
	if r := reg.requestsTo("/v1/modules"); len(r) != 1 || r[0] != "/v1/modules?offset=5&provider=google&verified=true" {
		t.Errorf("requests %q", r)
	}
}

func TestSearch(t *testing.T) {
	reg := newFakeRegistry(t, 250)
	c := reg.client()
	got, err := collect(t, c.Search(t.Context(), "mod01", ListOptions{Limit: 3}))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range got {
		ids = append(ids, m.Name)
	}
	want := []string{"mod010", "mod011", "mod012", "mod013", "mod014", "mod015", "mod016", "mod017", "mod018", "mod019"}
	if d := cmp.Diff(want, ids); d != "" {
		t.Errorf("search results (-want +got):\n%s", d)
	}
	if n := len(reg.requestsTo("/v1/modules/search")); n != 4 {
		t.Errorf("%d search requests for 10 results in pages of 3, want 4", n)
	}

	got, err = collect(t, c.Search(t.Context(), "mod01", ListOptions{Namespace: "ns2"}))
	if err != nil || len(got) != 2 || got[0].Name != "mod012" || got[1].Name != "mod017" {
		t.Errorf("search in ns2: %+v, %v", got, err)
	}
	if r := reg.requestsTo("/v1/modules/search"); r[len(r)-1] != "/v1/modules/search?namespace=ns2&q=mod01" {
		t.Errorf("request %q", r[len(r)-1])
	}

	_, err = collect(t, c.Search(t.Context(), "", ListOptions{}))
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || len(apiErr.Messages) != 1 || apiErr.Messages[0] != "q is required" {
		t.Errorf("empty query: %v", err)
	}
}

func TestLatestByProvider(t *testing.T) {
	reg := newFakeRegistry(t, 250)
	got, err := collect(t, reg.client().LatestByProvider(t.Context(), "ns4", "mod004", ListOptions{}))
	if err != nil || len(got) != 1 || got[0].ID != "ns4/mod004/google/1.4.0" {
		t.Errorf("got %+v, %v", got, err)
	}
	if _, err := collect(t, reg.client().LatestByProvider(t.Context(), "ns4", "a/b", ListOptions{})); err == nil || !strings.Contains(err.Error(), `"a/b" is not a valid path segment`) {
		t.Errorf("name with a slash: %v", err)
	}
}

// brokenLister serves listing pages whose paging is wrong in the way its
// mode says.
func brokenLister(t *testing.T, mode string) *Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/.well-known/terraform.json":
			writeJSON(w, 200, map[string]string{"modules.v1": "/v1/modules/"})
		case mode == "stuck":
			writeJSON(w, 200, map[string]any{"meta": map[string]any{"limit": 1, "current_offset": 0, "next_offset": 0},
				"modules": []Module{{ID: "a/b/c/1.0.0"}}})
		case mode == "empty":
			writeJSON(w, 200, map[string]any{"meta": map[string]any{"limit": 1, "current_offset": 0, "next_offset": 1}, "modules": []Module{}})
		case mode == "fail2" && r.URL.Query().Get("offset") == "1":
			writeJSON(w, 503, map[string]any{"errors": []any{"overloaded", map[string]string{"title": "Busy", "detail": "try later"}}})
		case mode == "fail2":
			writeJSON(w, 200, map[string]any{"meta": map[string]any{"limit": 1, "current_offset": 0, "next_offset": 1},
				"modules": []Module{{ID: "a/b/c/1.0.0"}}})
		case mode == "garbage":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"meta":{"limit":"ten"},"modules":[]}`))
		}
	}))
	t.Cleanup(srv.Close)
	c, err := New(srv.URL, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestListingErrors(t *testing.T) {
	ctx := context.Background()
	for mode, want := range map[string]string{
		"stuck":   "next_offset 0 does not advance past offset 0",
		"empty":   "next_offset given on a page without modules",
		"fail2":   "503 Service Unavailable: overloaded; Busy: try later",
		"garbage": "decoding http://",
	} {
		t.Run(mode, func(t *testing.T) {
			got, err := collect(t, brokenLister(t, mode).Modules(ctx, ListOptions{}))
			if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "listing modules: ") {
				t.Fatalf("err = %v, want it to contain %q", err, want)
			}
			if mode == "fail2" {
				var apiErr *APIError
				if len(got) != 1 || !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
					t.Errorf("got %d modules before %v", len(got), err)
				}
			}
		})
	}
}
