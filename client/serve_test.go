package client_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/regen-registry/regen/client"
	"github.com/regen-registry/regen/generator"
	"github.com/regen-registry/regen/generator/build"
	"github.com/regen-registry/regen/serve"
	"github.com/regen-registry/regen/serve/query"
)

// served is `regen build` (with the discovery API) of a data folder, served
// by regen serve's handlers on loopback, with every request path recorded.
type served struct {
	srv  *httptest.Server
	mu   sync.Mutex
	reqs []string
}

func (s *served) requests(prefix string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, r := range s.reqs {
		if strings.HasPrefix(r, prefix) {
			out = append(out, r)
		}
	}
	return out
}

// writeModules writes n modules over five namespaces and three systems.
func writeModules(t *testing.T, data string, n int) {
	t.Helper()
	systems := []string{"aws", "google", "azurerm"}
	for i := range n {
		ns, name, sys := fmt.Sprintf("ns%d", i%5), fmt.Sprintf("mod%03d", i), systems[i%3]
		f := map[string]any{"versions": []map[string]string{
			{"version": "v1.0.0", "commit": strings.Repeat("a", 40), "discovered": "2026-01-01T00:00:00Z"},
			{"version": fmt.Sprintf("v1.%d.0", 1+i%4), "commit": strings.Repeat("b", 40), "discovered": fmt.Sprintf("2026-02-%02dT00:00:00Z", 1+i%28)},
		}}
		b, _ := json.Marshal(f)
		p := filepath.Join(data, "modules", ns[:1], ns, name, sys+".json")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func startServed(t *testing.T, modules int) *served {
	t.Helper()
	dir := t.TempDir()
	data, out := filepath.Join(dir, "data"), filepath.Join(dir, "out")
	for _, sub := range []string{"providers", "keys"} {
		if err := os.CopyFS(filepath.Join(data, sub), os.DirFS(filepath.Join("../generator/testdata/data", sub))); err != nil {
			t.Fatal(err)
		}
	}
	writeModules(t, data, modules)

	s := &served{}
	var h http.Handler
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.reqs = append(s.reqs, r.URL.RequestURI())
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(s.srv.Close)
	_, err := build.Run(t.Context(), build.Options{
		Data: data, Out: out, Discovery: true, DocsDir: filepath.Join(dir, "docs"),
		Generator: generator.Options{BaseURL: s.srv.URL, GitHubURL: "https://git.example.com"},
	})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	src, err := serve.NewDir(out)
	if err != nil {
		t.Fatal(err)
	}
	static, err := serve.NewHandler(serve.HandlerOptions{Source: src})
	if err != nil {
		t.Fatal(err)
	}
	q, err := query.New(t.Context(), query.Options{Source: src})
	if err != nil {
		t.Fatal(err)
	}
	h = q.Wrap(static)
	return s
}

func collectAll[T any](t *testing.T, seq func(func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatalf("after %d items: %v", len(out), err)
		}
		out = append(out, v)
	}
	return out
}

// TestClientAgainstRegenServe runs the Go client against a real build
// served by regen serve's handlers: every endpoint the client has, and
// paging to the end of a 250-module listing ten at a time.
func TestClientAgainstRegenServe(t *testing.T) {
	s := startServed(t, 250)
	c, err := client.New(s.srv.URL, s.srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()

	svc, err := c.Discover(ctx)
	if err != nil || svc == nil {
		t.Fatalf("discover: %v", err)
	}

	all := collectAll(t, c.Modules(ctx, client.ListOptions{Limit: 10}))
	if len(all) != 250 {
		t.Fatalf("listing gave %d modules, want 250", len(all))
	}
	seen := map[string]bool{}
	for _, m := range all {
		if seen[m.ID] {
			t.Errorf("%s listed twice", m.ID)
		}
		seen[m.ID] = true
	}
	if n := len(s.requests("/v1/modules?")) + len(s.requests("/v1/modules/?")); n != 25 {
		t.Errorf("%d listing requests for 250 modules at limit 10, want 25: %q", n, s.requests("/v1/modules"))
	}

	ns := collectAll(t, c.Modules(ctx, client.ListOptions{Namespace: "ns3", Limit: 7}))
	if len(ns) != 50 {
		t.Errorf("namespace ns3 lists %d modules, want 50", len(ns))
	}
	for _, m := range ns {
		if m.Namespace != "ns3" {
			t.Errorf("namespace listing holds %s", m.ID)
		}
	}
	aws := collectAll(t, c.Modules(ctx, client.ListOptions{Provider: "aws", Limit: 100}))
	if len(aws) != 84 {
		t.Errorf("provider aws lists %d modules, want 84", len(aws))
	}

	found := collectAll(t, c.Search(ctx, "mod123", client.ListOptions{}))
	if len(found) == 0 || found[0].Name != "mod123" {
		t.Errorf("search mod123: top result %v", found)
	}

	addr := client.ModuleAddr{Namespace: "ns2", Name: "mod007", System: "google"}
	latest, err := c.LatestModule(ctx, addr)
	if err != nil {
		t.Fatalf("latest module: %v", err)
	}
	if latest.Version != "1.4.0" || len(latest.Versions) != 2 || len(latest.Providers) != 1 || latest.Providers[0] != "google" {
		t.Errorf("latest detail: version %s, versions %v, providers %v", latest.Version, latest.Versions, latest.Providers)
	}
	old, err := c.Module(ctx, addr, "1.0.0")
	if err != nil || old.Version != "1.0.0" {
		t.Errorf("version detail: %v %v", old, err)
	}
	byProvider := collectAll(t, c.LatestByProvider(ctx, "ns2", "mod007", client.ListOptions{}))
	if len(byProvider) != 1 || byProvider[0].Provider != "google" {
		t.Errorf("latest by provider: %v", byProvider)
	}
	versions, err := c.ModuleVersions(ctx, addr)
	if err != nil || len(versions) != 2 {
		t.Errorf("module versions: %v %v", versions, err)
	}
	loc, err := c.ModuleDownload(ctx, addr, "1.0.0")
	if err != nil || !strings.Contains(loc, "ref="+strings.Repeat("a", 40)) {
		t.Errorf("module download: %q %v", loc, err)
	}
	sum, err := c.DownloadsSummary(ctx, addr)
	if err != nil || sum == nil {
		t.Errorf("downloads summary: %v %v", sum, err)
	}

	paddr := client.ProviderAddr{Namespace: "example", Type: "widget"}
	pv, err := c.ProviderVersions(ctx, paddr)
	if err != nil || pv == nil {
		t.Fatalf("provider versions: %v", err)
	}
	pkg, err := c.ProviderDownload(ctx, paddr, "2.0.0", client.Platform{OS: "linux", Arch: "amd64"})
	if err != nil || pkg == nil || !strings.HasSuffix(pkg.DownloadURL, "linux_amd64.zip") {
		t.Errorf("provider download: %+v %v", pkg, err)
	}
	// The mirror is keyed by the registry's host without its port: clients
	// refuse a mirror host with one (generator.Options.MirrorHost).
	host, _, _ := strings.Cut(strings.TrimPrefix(s.srv.URL, "http://"), ":")
	mv, err := c.MirrorVersions(ctx, host, paddr)
	if err != nil || len(mv) == 0 {
		t.Errorf("mirror versions: %v %v", mv, err)
	}
	ma, err := c.MirrorArchives(ctx, host, paddr, "2.0.0")
	if err != nil || len(ma) == 0 {
		t.Errorf("mirror archives: %v %v", ma, err)
	}
}
