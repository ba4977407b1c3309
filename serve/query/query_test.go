package query

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/generator/discovery"
	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/serve"
	"github.com/regen-registry/regen/stats"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

var buildTime = time.Date(2026, 11, 5, 12, 0, 0, 0, time.UTC)

// buildTree writes the discovery documents of a registry with n modules
// per namespace (namespaces acme, Bravo, charlie) and a few providers.
func buildTree(t *testing.T, dir string, n int, extra string) {
	t.Helper()
	counts := map[string]stats.Summary{}
	c := discovery.NewCollector(discovery.Options{Now: buildTime, Downloads: func(e string) stats.Summary { return counts[e] }})
	names := []string{"vpc", "eks", "iam", "s3-bucket", "lambda", "rds", "alb", "vpc-endpoints", "security-group", "network", "dns", "kms"}
	systems := []string{"aws", "google"}
	i := 0
	for _, ns := range []string{"acme", "Bravo", "charlie"} {
		for j := 0; j < n; j++ {
			name := names[j%len(names)]
			if j >= len(names) {
				name = fmt.Sprintf("%s-%d", name, j)
			}
			a := regdata.ModuleAddr{Namespace: ns, Name: name, System: systems[j%2]}
			pub, _ := regdata.PublishedModuleVersions(a, &regdata.ModuleFile{Versions: []regdata.ModuleVersion{
				{Version: "v1.0.0", Discovered: "2026-10-01T00:00:00Z"}, {Version: fmt.Sprintf("v1.%d.0", j+1), Discovered: "2026-10-02T00:00:00Z"},
			}}, &regdata.Blacklist{})
			i++
			counts[a.Key()] = stats.Summary{Total: int64((i * 7919) % 1000)}
			if err := c.AddModule(discovery.ModuleInput{
				Addr: a, Versions: pub, Source: "https://github.com/" + ns + "/terraform-" + a.System + "-" + name,
				Description: fmt.Sprintf("Terraform module for %s %s", strings.ReplaceAll(name, "-", " "), extra),
				Verified:    j%3 == 0,
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for k, p := range []string{"hashicorp/aws", "hashicorp/random", "acme/widget", "Bravo/thing"} {
		ns, typ, _ := strings.Cut(p, "/")
		a := regdata.ProviderAddr{Namespace: ns, Type: typ}
		pub, _ := regdata.PublishedProviderVersions(a, &regdata.ProviderFile{Versions: []regdata.ProviderVersion{{
			Version: "1.0.0", Discovered: "2026-10-01T00:00:00Z",
			SHASumsURL: "https://example.test/SUMS", SHASumsSignatureURL: "https://example.test/SUMS.sig",
			Targets: []regdata.Target{{OS: "linux", Arch: "amd64", Filename: "p.zip", DownloadURL: "https://example.test/p.zip", SHASum: strings.Repeat("a", 64)}},
		}}}, &regdata.Blacklist{})
		counts[a.Key()] = stats.Summary{Total: int64(k)}
		if err := c.AddProvider(discovery.ProviderInput{Addr: a, Versions: pub}); err != nil {
			t.Fatal(err)
		}
	}
	files, err := c.Finish()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		os.MkdirAll(filepath.Dir(p), 0o755)
		// Temporary file and rename, without WriteFileAtomic's fsync: fast.
		if err := os.WriteFile(p+".tmp", f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(p+".tmp", p); err != nil {
			t.Fatal(err)
		}
	}
}

type testServer struct {
	*httptest.Server
	h   *Handler
	now *atomic.Int64
}

func newServer(t *testing.T, dir string) *testServer {
	t.Helper()
	src, err := serve.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var now atomic.Int64
	now.Store(buildTime.UnixNano())
	q, err := New(context.Background(), Options{Source: src, Now: func() time.Time { return time.Unix(0, now.Load()) }})
	if err != nil {
		t.Fatal(err)
	}
	static, err := serve.NewHandler(serve.HandlerOptions{Source: src})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(q.Wrap(static))
	t.Cleanup(ts.Close)
	return &testServer{ts, q, &now}
}

func (s *testServer) get(t *testing.T, method, path string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, s.URL+path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestResponsesGolden records every kind of answer the handler computes.
func TestResponsesGolden(t *testing.T) {
	dir := t.TempDir()
	buildTree(t, dir, 14, "")
	s := newServer(t, dir)
	var out strings.Builder
	for _, path := range []string{
		"/v1/modules/search?q=vpc",
		"/v1/modules/search?q=vpc&limit=2&offset=2",
		"/v1/modules/search?q=vpc&provider=google&namespace=Bravo",
		"/v1/modules/search?q=network&verified=true",
		"/v1/modules/search?q=zzzz",
		"/v1/modules/search",
		"/v1/modules/search?q=vpc&offset=-1",
		"/v1/modules/search?q=vpc&limit=abc",
		"/v1/modules/search?q=vpc&offset=9223372036854775807",
		"/v1/modules/search?q=vpc&limit=99999999999999999999",
		"/v1/modules?offset=1000000000&limit=100",
		"/v1/providers?offset=99999999999999999999",
		"/v1/modules/search?q=vpc&verified=maybe",
		"/v1/modules?offset=40&limit=3",
		"/v1/modules?provider=google&limit=3",
		"/v1/modules/Bravo?limit=2&offset=1",
		"/v1/modules/nobody?limit=2",
		"/v1/modules/acme/vpc?limit=5",
		"/v1/modules/acme/nothing?limit=5",
		"/v1/providers?limit=2&offset=1",
		"/v1/providers/hashicorp?limit=1",
		"/v1/providers/nobody?limit=1",
	} {
		resp, body := s.get(t, "GET", path)
		fmt.Fprintf(&out, "=== GET %s\n%d %s | %s | etag=%v\n%s", path, resp.StatusCode, resp.Header.Get("Content-Type"),
			resp.Header.Get("Cache-Control"), resp.Header.Get("ETag") != "", body)
	}
	golden(t, "responses.golden", out.String())
}

// A listing without parameters is the static file; with the default
// parameters it is computed, and the bytes are the same.
func TestStaticEqualsComputed(t *testing.T) {
	dir := t.TempDir()
	buildTree(t, dir, 14, "")
	s := newServer(t, dir)
	for _, p := range []string{"/v1/modules", "/v1/modules/bravo", "/v1/modules/acme/vpc", "/v1/providers", "/v1/providers/hashicorp"} {
		_, static := s.get(t, "GET", p)
		_, computed := s.get(t, "GET", p+"?offset=0&limit=10")
		if static != computed {
			t.Errorf("%s: static and computed differ:\n%s\n%s", p, static, computed)
		}
		if !strings.Contains(static, `"current_offset":0`) {
			t.Errorf("%s: not a listing: %s", p, static)
		}
	}
}

// Following next_offset pages through every result exactly once.
func TestPagingVisitsAll(t *testing.T) {
	dir := t.TempDir()
	buildTree(t, dir, 14, "")
	s := newServer(t, dir)
	seen := map[string]bool{}
	next := "/v1/modules?limit=4"
	for pages := 0; next != ""; pages++ {
		if pages > 20 {
			t.Fatal("paging does not end")
		}
		_, body := s.get(t, "GET", next)
		var page discovery.ModuleList
		if err := jsonUnmarshal(body, &page); err != nil {
			t.Fatal(err)
		}
		for _, m := range page.Modules {
			if seen[m.ID] {
				t.Errorf("%s seen twice", m.ID)
			}
			seen[m.ID] = true
		}
		next = page.Meta.NextURL
	}
	if len(seen) != 42 {
		t.Errorf("paged through %d modules, want 42", len(seen))
	}
}

func TestConditionalAndHead(t *testing.T) {
	dir := t.TempDir()
	buildTree(t, dir, 3, "")
	s := newServer(t, dir)
	resp, body := s.get(t, "GET", "/v1/modules/search?q=vpc")
	etag := resp.Header.Get("ETag")
	resp, b := s.get(t, "GET", "/v1/modules/search?q=vpc", "If-None-Match", etag)
	if resp.StatusCode != 304 || b != "" {
		t.Errorf("If-None-Match: %d %q", resp.StatusCode, b)
	}
	resp, b = s.get(t, "HEAD", "/v1/modules/search?q=vpc")
	if resp.StatusCode != 200 || b != "" || resp.Header.Get("Content-Length") != fmt.Sprint(len(body)) {
		t.Errorf("HEAD: %d %q %v", resp.StatusCode, b, resp.Header)
	}
	resp, _ = s.get(t, "POST", "/v1/modules/search?q=vpc")
	if resp.StatusCode != 405 {
		t.Errorf("POST: %d", resp.StatusCode)
	}
	resp, _ = s.get(t, "GET", "/v1/modules/acme/vpc/aws/versions?x=1")
	if resp.StatusCode != 404 {
		t.Errorf("non-listing with a query goes to the static tree: %d", resp.StatusCode)
	}
}

// A new build is picked up without a restart.
func TestReload(t *testing.T) {
	dir := t.TempDir()
	buildTree(t, dir, 3, "")
	s := newServer(t, dir)
	if _, body := s.get(t, "GET", "/v1/modules/search?q=quokka"); !strings.Contains(body, `"modules":[]`) {
		t.Fatalf("before: %s", body)
	}
	buildTree(t, dir, 3, "quokka")
	s.now.Add(int64(2 * time.Second))
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, body := s.get(t, "GET", "/v1/modules/search?q=quokka")
		if strings.Contains(body, "quokka") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("new index not loaded: %s", body)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A tree without an index is served statically.
func TestNoIndex(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "v1/modules"), 0o755)
	os.WriteFile(filepath.Join(dir, "v1/modules/index.json"), []byte(`{"static":true}`), 0o644)
	s := newServer(t, dir)
	if s.h.Index() != nil {
		t.Fatal("index loaded from nothing")
	}
	if resp, body := s.get(t, "GET", "/v1/modules?offset=3"); resp.StatusCode != 200 || body != `{"static":true}` {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
	if resp, _ := s.get(t, "GET", "/v1/modules/search?q=x"); resp.StatusCode != 404 {
		t.Errorf("search without index: %d", resp.StatusCode)
	}
}

func TestParseRoute(t *testing.T) {
	for p, want := range map[string]routeKind{
		"/v1/modules":               routeModules,
		"/v1/modules/":              routeModules,
		"/v1/modules/search":        routeSearch,
		"/v1/modules/Acme":          routeNamespace,
		"/v1/modules/acme/vpc":      routeName,
		"/v1/modules/acme/vpc/aws":  routeNone,
		"/v1/providers":             routeProviders,
		"/v1/providers/hashicorp":   routeProvNS,
		"/v1/providers/hashicorp/x": routeNone,
		"/v1/modules/../x":          routeNone,
		"/v2/modules":               routeNone,
	} {
		if got := parseRoute(p).kind; got != want {
			t.Errorf("parseRoute(%q) = %v, want %v", p, got, want)
		}
	}
}

// TestParseParamsBounds checks that offset and limit can never make
// offset+limit overflow: huge offsets are refused, huge limits capped.
func TestParseParamsBounds(t *testing.T) {
	for _, c := range []struct {
		raw           string
		offset, limit int
		err           string
	}{
		{raw: "offset=1000000000&limit=100", offset: maxOffset, limit: 100},
		{raw: "offset=%2B7", offset: 7, limit: 10},
		{raw: "limit=9223372036854775807", limit: 100},
		{raw: "limit=99999999999999999999", limit: 100},
		{raw: "offset=1000000001", err: `parameter "offset" must be at most 1000000000, not "1000000001"`},
		{raw: "offset=9223372036854775807", err: `parameter "offset" must be at most 1000000000, not "9223372036854775807"`},
		{raw: "offset=99999999999999999999", err: `parameter "offset" must be at most 1000000000, not "99999999999999999999"`},
		{raw: "offset=-9223372036854775808", err: `parameter "offset" must be an integer of at least 0, not "-9223372036854775808"`},
		{raw: "offset=-99999999999999999999", err: `parameter "offset" must be an integer of at least 0, not "-99999999999999999999"`},
		{raw: "offset=1e3", err: `parameter "offset" must be an integer of at least 0, not "1e3"`},
		{raw: "offset=", err: `parameter "offset" must be an integer of at least 0, not ""`},
		{raw: "limit=0", err: `parameter "limit" must be an integer of at least 1, not "0"`},
		{raw: "limit=-99999999999999999999", err: `parameter "limit" must be an integer of at least 1, not "-99999999999999999999"`},
		{raw: "limit=ten", err: `parameter "limit" must be an integer of at least 1, not "ten"`},
	} {
		p, err := parseParams(c.raw)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("parseParams(%q): error %v, want %q", c.raw, err, c.err)
			}
			continue
		}
		if err != nil || p.offset != c.offset || p.limit != c.limit {
			t.Errorf("parseParams(%q) = offset %d, limit %d, %v; want %d, %d", c.raw, p.offset, p.limit, err, c.offset, c.limit)
		}
	}
}

func FuzzParseParams(f *testing.F) {
	f.Add("q=vpc&offset=10&limit=5&provider=aws&namespace=x&verified=true")
	f.Add("offset=%zz")
	f.Add("offset=9223372036854775807&limit=99999999999999999999")
	f.Fuzz(func(t *testing.T, raw string) {
		p, err := parseParams(raw)
		if err != nil {
			return
		}
		if p.offset < 0 || p.offset > maxOffset || p.limit < 1 || p.limit > 100 {
			t.Fatalf("accepted %+v from %q", p, raw)
		}
	})
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("%s differs (-want +got):\n%s", file, d)
	}
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
