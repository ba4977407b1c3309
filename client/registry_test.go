package client

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeRegistry is an httptest server speaking the registry API the way
// registry.terraform.io does, over a generated set of modules. It fails
// the test on any request it has no route for.
type fakeRegistry struct {
	t       *testing.T
	srv     *httptest.Server
	modules []Module // listing order

	mu       sync.Mutex
	requests []string // "path?query" of every request, in order
}

// maxLimit is the largest page the fake registry serves.
const maxLimit = 100

// newFakeRegistry starts a registry with n modules spread over five
// namespaces.
func newFakeRegistry(t *testing.T, n int) *fakeRegistry {
	t.Helper()
	r := &fakeRegistry{t: t}
	systems := []string{"aws", "google", "azurerm"}
	start := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range n {
		ns := fmt.Sprintf("ns%d", i%5)
		name := fmt.Sprintf("mod%03d", i)
		sys := systems[i%len(systems)]
		v := fmt.Sprintf("1.%d.0", i%7)
		r.modules = append(r.modules, Module{
			ID: ns + "/" + name + "/" + sys + "/" + v, Owner: "owner" + ns, Namespace: ns, Name: name,
			Version: v, Provider: sys, ProviderLogoURL: "/images/providers/" + sys + ".png",
			Description: "Module number " + strconv.Itoa(i), Source: "https://git.example.com/" + ns + "/terraform-" + sys + "-" + name,
			Tag: "v" + v, PublishedAt: start.Add(time.Duration(i) * time.Hour), Downloads: int64(i * 7), Verified: i%10 == 0,
		})
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/terraform.json", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"modules.v1": "/v1/modules/", "providers.v1": "/v1/providers/"})
	})
	mux.HandleFunc("GET /v1/modules", func(w http.ResponseWriter, req *http.Request) {
		r.page(w, req, r.modules)
	})
	mux.HandleFunc("GET /v1/modules/search", func(w http.ResponseWriter, req *http.Request) {
		q, ns := req.URL.Query().Get("q"), req.URL.Query().Get("namespace")
		if q == "" {
			writeJSON(w, http.StatusBadRequest, map[string]any{"errors": []string{"q is required"}})
			return
		}
		r.page(w, req, r.filter(func(m Module) bool {
			return strings.Contains(m.Name+" "+m.Description, q) && (ns == "" || m.Namespace == ns)
		}))
	})
	mux.HandleFunc("GET /v1/modules/{ns}", func(w http.ResponseWriter, req *http.Request) {
		r.page(w, req, r.filter(func(m Module) bool { return m.Namespace == req.PathValue("ns") }))
	})
	mux.HandleFunc("GET /v1/modules/{ns}/{name}", func(w http.ResponseWriter, req *http.Request) {
		r.page(w, req, r.filter(func(m Module) bool {
			return m.Namespace == req.PathValue("ns") && m.Name == req.PathValue("name")
		}))
	})
	mux.HandleFunc("GET /v1/modules/{ns}/{name}/{sys}", r.detail)
	mux.HandleFunc("GET /v1/modules/{ns}/{name}/{sys}/{version}", r.detail)
	mux.HandleFunc("GET /v1/modules/{ns}/{name}/{sys}/versions", func(w http.ResponseWriter, req *http.Request) {
		if req.PathValue("ns") != "terraform-aws-modules" {
			writeJSON(w, http.StatusNotFound, map[string]any{"errors": []string{"Not Found"}})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"modules": []any{map[string]any{
			"source":   "terraform-aws-modules/vpc/aws",
			"versions": []any{map[string]string{"version": "5.0.0"}, map[string]string{"version": "5.1.2"}},
		}}})
	})
	mux.HandleFunc("GET /v1/modules/{ns}/{name}/{sys}/{version}/download", r.download)
	mux.HandleFunc("GET /v1/providers/{ns}/{type}/versions", func(w http.ResponseWriter, req *http.Request) {
		r.fixture(w, "provider-versions.json")
	})
	mux.HandleFunc("GET /v1/providers/{ns}/{type}/{version}/download/{os}/{arch}", func(w http.ResponseWriter, req *http.Request) {
		r.fixture(w, "provider-download.json") // always linux_amd64
	})
	mux.HandleFunc("GET /v2/modules/{ns}/{name}/{sys}/downloads/summary", func(w http.ResponseWriter, req *http.Request) {
		id := req.PathValue("ns") + "/" + req.PathValue("name") + "/" + req.PathValue("sys")
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{
			"type": "module-downloads-summary", "id": id,
			"attributes": map[string]int{"week": 1200, "month": 5600, "year": 70100, "total": 82016357},
		}})
	})
	mux.HandleFunc("GET /mirror/{host}/{ns}/{type}/index.json", func(w http.ResponseWriter, req *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"versions": map[string]any{"3.10.0": struct{}{}, "3.6.0": struct{}{}, "3.9.1": struct{}{}}})
	})
	mux.HandleFunc("GET /mirror/{host}/{ns}/{type}/{file}", func(w http.ResponseWriter, req *http.Request) {
		if req.PathValue("file") != "3.6.0.json" {
			writeJSON(w, http.StatusNotFound, map[string]any{"errors": []string{"Not Found"}})
			return
		}
		r.fixture(w, "mirror-version.json")
	})
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.requests = append(r.requests, req.URL.RequestURI())
		r.mu.Unlock()
		if _, pattern := mux.Handler(req); pattern == "" {
			t.Errorf("fake registry: unexpected request %s %s", req.Method, req.URL)
			writeJSON(w, http.StatusNotFound, map[string]any{"errors": []string{"Not Found"}})
			return
		}
		mux.ServeHTTP(w, req)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// client returns a Client for the registry.
func (r *fakeRegistry) client(opts ...Option) *Client {
	r.t.Helper()
	c, err := New(r.srv.URL, r.srv.Client(), opts...)
	if err != nil {
		r.t.Fatal(err)
	}
	return c
}

// requestsTo returns the requests made so far whose path is p.
func (r *fakeRegistry) requestsTo(p string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, u := range r.requests {
		if path, _, _ := strings.Cut(u, "?"); path == p {
			out = append(out, u)
		}
	}
	return out
}

func (r *fakeRegistry) filter(keep func(Module) bool) []Module {
	var out []Module
	for _, m := range r.modules {
		if keep(m) {
			out = append(out, m)
		}
	}
	return out
}

// page answers a listing like registry.terraform.io: limit (default 15,
// at most 100), offset, and meta with next/prev offsets and URLs.
func (r *fakeRegistry) page(w http.ResponseWriter, req *http.Request, all []Module) {
	q := req.URL.Query()
	if p := q.Get("provider"); p != "" {
		all = slices.DeleteFunc(slices.Clone(all), func(m Module) bool { return m.Provider != p })
	}
	if q.Get("verified") == "true" {
		all = slices.DeleteFunc(slices.Clone(all), func(m Module) bool { return !m.Verified })
	}
	limit, offset := 15, 0
	if s := q.Get("limit"); s != "" {
		limit, _ = strconv.Atoi(s)
	}
	if s := q.Get("offset"); s != "" {
		offset, _ = strconv.Atoi(s)
	}
	if limit <= 0 || offset < 0 {
		writeJSON(w, http.StatusBadRequest, map[string]any{"errors": []string{"bad paging parameters"}})
		return
	}
	limit = min(limit, maxLimit)
	meta := map[string]any{"limit": limit, "current_offset": offset}
	link := func(off int) string {
		q := req.URL.Query()
		q.Set("offset", strconv.Itoa(off))
		q.Set("limit", strconv.Itoa(limit))
		return req.URL.Path + "?" + q.Encode()
	}
	if offset+limit < len(all) {
		meta["next_offset"], meta["next_url"] = offset+limit, link(offset+limit)
	}
	if offset > 0 {
		prev := max(offset-limit, 0)
		meta["prev_offset"], meta["prev_url"] = prev, link(prev)
	}
	page := []Module{}
	if offset < len(all) {
		page = all[offset:min(offset+limit, len(all))]
	}
	writeJSON(w, http.StatusOK, map[string]any{"meta": meta, "modules": page})
}

func (r *fakeRegistry) detail(w http.ResponseWriter, req *http.Request) {
	if req.PathValue("ns") != "terraform-aws-modules" || req.PathValue("name") != "vpc" || req.PathValue("sys") != "aws" {
		writeJSON(w, http.StatusNotFound, map[string]any{"errors": []string{"Not Found"}})
		return
	}
	if v := req.PathValue("version"); v != "" && v != "5.1.2" {
		writeJSON(w, http.StatusNotFound, map[string]any{"errors": []string{"Not Found"}})
		return
	}
	r.fixture(w, "module-detail.json")
}

// download answers module downloads in the way the module's name says:
//
//	header:   204, X-Terraform-Get only (Terraform's registry)
//	body:     200, JSON body only (a static host without header rules)
//	both:     200, header and a different body (the header wins)
//	relative: 200, body with "./"-relative location
//	rooted:   204, header with "/"-relative location
//	empty:    204, nothing
//	moved:    302 to .../body/<version>/download
func (r *fakeRegistry) download(w http.ResponseWriter, req *http.Request) {
	v := req.PathValue("version")
	switch req.PathValue("name") {
	case "header":
		w.Header().Set("X-Terraform-Get", "git::https://git.example.com/header.git?ref=v"+v)
		w.WriteHeader(http.StatusNoContent)
	case "body":
		writeJSON(w, http.StatusOK, map[string]string{"location": "git::https://git.example.com/body.git//modules/x?ref=v" + v})
	case "both":
		w.Header().Set("X-Terraform-Get", "git::https://git.example.com/from-header.git?ref=v"+v)
		writeJSON(w, http.StatusOK, map[string]string{"location": "git::https://git.example.com/from-body.git?ref=v" + v})
	case "relative":
		writeJSON(w, http.StatusOK, map[string]string{"location": "./archive.tar.gz"})
	case "rooted":
		w.Header().Set("X-Terraform-Get", "/archives/"+v+".zip")
		w.WriteHeader(http.StatusNoContent)
	case "empty":
		w.WriteHeader(http.StatusNoContent)
	case "moved":
		http.Redirect(w, req, "/v1/modules/ns/body/aws/"+v+"/download", http.StatusFound)
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"errors": []string{"Not Found"}})
	}
}

func (r *fakeRegistry) fixture(w http.ResponseWriter, name string) {
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		r.t.Error(err)
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
