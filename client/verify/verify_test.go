package verify

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/client"
)

func run(t *testing.T, o Options) (*Report, string) {
	t.Helper()
	var out bytes.Buffer
	o.Out = &out
	o.retryDelay = 1
	rep, err := Run(t.Context(), o)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return rep, out.String()
}

func TestRegenServeMatchesTheBuild(t *testing.T) {
	dir := buildTree(t)
	var log requestLog
	srv := startServer(t, log.wrap(serveTree(t, copyTree(t, dir))))
	rep, out := run(t, Options{URL: srv.URL, Dir: dir, Jobs: 3})
	if err := rep.Err(); err != nil || len(rep.Warnings) != 0 {
		t.Fatalf("Err = %v, problems %+v, warnings %+v", err, rep.Problems, rep.Warnings)
	}
	if rep.Files != servedFiles || rep.Checked != servedFiles || rep.OK != servedFiles {
		t.Errorf("files %d, checked %d, ok %d; want %d", rep.Files, rep.Checked, rep.OK, servedFiles)
	}
	want := "verified 10 of 10 files at " + srv.URL + "/: 10 ok, 0 mismatched, 0 missing, 0 failed, 0 warnings\n"
	if out != want {
		t.Errorf("output %q, want %q", out, want)
	}
	// Every served file was fetched (the discovery document twice: once
	// as a file, once through service discovery), and nothing else.
	if d := cmp.Diff(slices.Sorted(maps.Keys(treeFiles)), log.paths()); d != "" {
		t.Errorf("requests (-want +got):\n%s", d)
	}
	if n := log.n[".well-known/terraform.json"]; n != 2 {
		t.Errorf("discovery fetched %d times, want 2", n)
	}
}

func TestStaticHostingWarnsAboutXTerraformGet(t *testing.T) {
	dir := buildTree(t)
	srv := startServer(t, staticHost(copyTree(t, dir)))
	rep, out := run(t, Options{URL: srv.URL, Dir: dir})
	if err := rep.Err(); err != nil {
		t.Fatalf("Err = %v: %+v", err, rep.Problems)
	}
	want := []Problem{
		{"v1/modules/acme/vpc/aws/1.0.0/download", Warning, "no X-Terraform-Get header: OpenTofu reads the body, Terraform needs the header (serve through regen serve or the worker)"},
		{"v1/modules/acme/vpc/aws/1.1.0/download", Warning, "no X-Terraform-Get header: OpenTofu reads the body, Terraform needs the header (serve through regen serve or the worker)"},
	}
	if d := cmp.Diff(want, rep.Warnings); d != "" {
		t.Errorf("warnings (-want +got):\n%s", d)
	}
	if !strings.HasSuffix(out, "10 ok, 0 mismatched, 0 missing, 0 failed, 2 warnings\n") {
		t.Errorf("output %q", out)
	}

	rep, _ = run(t, Options{URL: srv.URL, Dir: dir, RequireTerraformGet: true})
	if rep.Err() == nil || rep.Count(Mismatch) != 2 || len(rep.Warnings) != 0 {
		t.Errorf("with RequireTerraformGet: problems %+v, warnings %+v", rep.Problems, rep.Warnings)
	}
}

func TestReportsEveryKindOfProblem(t *testing.T) {
	dir := buildTree(t)
	served := copyTree(t, dir)
	// A file changed after the build, and one never uploaded.
	writeFile(t, served, "v1/modules/acme/vpc/aws/versions", `{"modules":[{"versions":[{"version":"1.0.0"}]}]}`+"\n")
	if err := os.Remove(filepath.Join(served, "v1/providers/hashicorp/random/versions")); err != nil {
		t.Fatal(err)
	}
	// The latest download names a version that is not the built one.
	writeFile(t, served, "v1/modules/acme/vpc/aws/download", `{"location":"git::x","version":"1.0.0"}`+"\n")
	inner := serveTree(t, served)
	var failures atomic.Int32
	srv := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/modules/acme/vpc/aws/1.0.0/download": // a worker rewriting the header
			inner.ServeHTTP(headerOverride{w, "git::https://evil.example.com/x"}, r)
		case "/mirror/registry.opentofu.org/hashicorp/random/index.json": // always failing
			failures.Add(1)
			http.Error(w, "upstream timeout", http.StatusBadGateway)
		case "/mirror/registry.opentofu.org/hashicorp/random/3.6.0.json": // moved
			http.Redirect(w, r, "/elsewhere.json", http.StatusMovedPermanently)
		case "/registry/docs/modules/acme/vpc/aws/1.1.0/README.md": // wrong type
			w.Header().Set("Content-Type", "application/octet-stream")
			_, _ = w.Write([]byte(treeFiles["registry/docs/modules/acme/vpc/aws/1.1.0/README.md"]))
		default:
			inner.ServeHTTP(w, r)
		}
	}))
	rep, out := run(t, Options{URL: srv.URL, Dir: dir, Retries: 2})
	got := map[string]Kind{}
	for _, p := range rep.Problems {
		got[p.Path] = p.Kind
	}
	want := map[string]Kind{
		"v1/modules/acme/vpc/aws/versions":                         Mismatch,
		"v1/providers/hashicorp/random/versions":                   Missing,
		"v1/modules/acme/vpc/aws/download":                         Mismatch,
		"v1/modules/acme/vpc/aws/1.0.0/download":                   Mismatch,
		"mirror/registry.opentofu.org/hashicorp/random/index.json": Failed,
		"mirror/registry.opentofu.org/hashicorp/random/3.6.0.json": Failed,
		"registry/docs/modules/acme/vpc/aws/1.1.0/README.md":       Mismatch,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("problems (-want +got):\n%s\n%s", d, out)
	}
	if len(rep.Problems) != len(want) {
		t.Errorf("%d problems, want %d: %+v", len(rep.Problems), len(want), rep.Problems)
	}
	if n := failures.Load(); n != 3 {
		t.Errorf("failing path requested %d times, want 3 (2 retries)", n)
	}
	for _, line := range []string{
		"mismatch v1/modules/acme/vpc/aws/1.0.0/download: X-Terraform-Get \"git::https://evil.example.com/x\" does not match the body's location \"git::https://github.com/acme/terraform-aws-vpc?ref=1111111111111111111111111111111111111111\"\n",
		"mismatch v1/modules/acme/vpc/aws/download: 302 Found to " + srv.URL + "/v1/modules/acme/vpc/aws/1.0.0/download, want " + srv.URL + "/v1/modules/acme/vpc/aws/1.1.0/download\n",
		"missing  v1/providers/hashicorp/random/versions: 404 Not Found\n",
		"error    mirror/registry.opentofu.org/hashicorp/random/index.json: 502 Bad Gateway\n",
		"error    mirror/registry.opentofu.org/hashicorp/random/3.6.0.json: 301 Moved Permanently to /elsewhere.json (not followed)\n",
		"mismatch registry/docs/modules/acme/vpc/aws/1.1.0/README.md: Content-Type \"application/octet-stream\", want \"text/markdown; charset=utf-8\"\n",
		"verified 10 of 10 files at " + srv.URL + "/: 3 ok, 4 mismatched, 1 missing, 2 failed, 0 warnings\n",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
	if !strings.Contains(out, "mismatch v1/modules/acme/vpc/aws/versions: sha256 ") {
		t.Errorf("output lacks the sha256 mismatch:\n%s", out)
	}
	err := rep.Err()
	if err == nil || !strings.Contains(err.Error(), "7 of 10 files checked differ (4 mismatched, 1 missing, 2 failed)") {
		t.Errorf("Err = %v", err)
	}
}

type headerOverride struct {
	http.ResponseWriter
	value string
}

func (h headerOverride) WriteHeader(code int) {
	h.Header().Set("X-Terraform-Get", h.value)
	h.ResponseWriter.WriteHeader(code)
}

func TestRetriesTransientFailures(t *testing.T) {
	dir := buildTree(t)
	inner := staticHost(copyTree(t, dir))
	var n atomic.Int32
	srv := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/modules/acme/vpc/aws/versions" && n.Add(1) == 1 {
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		inner.ServeHTTP(w, r)
	}))
	rep, _ := run(t, Options{URL: srv.URL, Dir: dir, Retries: 1})
	if rep.Err() != nil || n.Load() != 2 {
		t.Errorf("Err = %v after %d requests", rep.Err(), n.Load())
	}
	n.Store(0)
	rep, _ = run(t, Options{URL: srv.URL, Dir: dir})
	if rep.Count(Failed) != 1 || n.Load() != 1 {
		t.Errorf("without retries: %d failed after %d requests", rep.Count(Failed), n.Load())
	}
}

func TestSampleIsSeeded(t *testing.T) {
	dir := buildTree(t)
	served := copyTree(t, dir)
	sample := func(seed uint64) ([]string, *Report) {
		var log requestLog
		srv := startServer(t, log.wrap(serveTree(t, served)))
		rep, out := run(t, Options{URL: srv.URL, Dir: dir, Sample: 4, Seed: seed, Prefixes: []string{"v1/"}})
		if !strings.Contains(out, "verified 4 of 6 files (sample, seed ") {
			t.Errorf("output %q", out)
		}
		return log.paths(), rep
	}
	a, rep := sample(42)
	b, _ := sample(42)
	if len(a) != 4 || !cmp.Equal(a, b) || rep.Seed != 42 || rep.Checked != 4 || rep.Files != 6 {
		t.Errorf("seed 42 checked %q then %q; report %+v", a, b, rep)
	}
	for _, p := range a {
		if !strings.HasPrefix(p, "v1/") {
			t.Errorf("sampled %s outside the prefix", p)
		}
	}
	differs := false
	for seed := uint64(1); seed < 20 && !differs; seed++ {
		c, _ := sample(seed)
		differs = !cmp.Equal(a, c)
	}
	if !differs {
		t.Error("19 other seeds all chose the same sample")
	}
	if _, rep := sample(0); rep.Seed == 0 {
		t.Error("seed 0: no seed picked")
	}
}

func TestReservoirIsUniform(t *testing.T) {
	// 10 items, sample 3, many seeds: each item is kept about 30% of runs.
	counts := make([]int, 10)
	const runs = 3000
	for seed := uint64(1); seed <= runs; seed++ {
		r := newReservoir(3, seed)
		for i := range 10 {
			r.add(fileNamed(i))
		}
		for _, f := range r.keep {
			counts[f.Size]++
		}
	}
	for i, c := range counts {
		if c < runs*3/10*8/10 || c > runs*3/10*12/10 {
			t.Errorf("item %d kept %d times of %d, want about %d", i, c, runs, runs*3/10)
		}
	}
}

func TestDiscoveryIsChecked(t *testing.T) {
	dir := buildTree(t)
	inner := serveTree(t, copyTree(t, dir))
	srv := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/.well-known/terraform.json" {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = w.Write([]byte(treeFiles[".well-known/terraform.json"]))
			return
		}
		inner.ServeHTTP(w, r)
	}))
	rep, _ := run(t, Options{URL: srv.URL, Dir: dir})
	var details []string
	for _, p := range rep.Problems {
		if p.Path != ".well-known/terraform.json" {
			t.Errorf("unexpected problem %+v", p)
		}
		details = append(details, string(p.Kind)+": "+p.Detail)
	}
	if len(details) != 2 || !strings.Contains(details[0], `service discovery at `+srv.URL+`/.well-known/terraform.json: Content-Type "text/plain", want application/json`) ||
		!strings.Contains(details[1], `Content-Type "text/plain", want "application/json"`) {
		t.Errorf("problems %q", details)
	}
	if rep.Checked != servedFiles || rep.OK != servedFiles-1 {
		t.Errorf("checked %d, ok %d", rep.Checked, rep.OK)
	}
}

func TestCredentialsAreSent(t *testing.T) {
	dir := buildTree(t)
	inner := serveTree(t, copyTree(t, dir))
	srv := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer s3cret" {
			http.Error(w, `{"errors":["unauthorized"]}`, http.StatusUnauthorized)
			return
		}
		inner.ServeHTTP(w, r)
	}))
	host := strings.TrimPrefix(srv.URL, "http://")
	rep, _ := run(t, Options{URL: srv.URL, Dir: dir, Credentials: client.Credentials{"127.0.0.1": "s3cret"}})
	if rep.Err() == nil {
		t.Fatal("the token of 127.0.0.1 was sent to " + host)
	}
	rep, _ = run(t, Options{URL: srv.URL, Dir: dir, Credentials: client.Credentials{host: "s3cret"}})
	if err := rep.Err(); err != nil {
		t.Errorf("with credentials: %v", err)
	}
	rep, _ = run(t, Options{URL: srv.URL, Dir: dir})
	if rep.Count(Failed) != servedFiles+1 {
		t.Errorf("without credentials: %d failed, want %d: %+v", rep.Count(Failed), servedFiles+1, rep.Problems)
	}
}

func TestJSONReport(t *testing.T) {
	dir := buildTree(t)
	served := copyTree(t, dir)
	if err := os.Remove(filepath.Join(served, "v1/modules/acme/vpc/aws/versions")); err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, staticHost(served))
	_, out := run(t, Options{URL: srv.URL, Dir: dir, JSON: true})
	var got Report
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	want := Report{
		URL: srv.URL + "/", Files: 10, Checked: 10, OK: 9,
		Problems: []Problem{{"v1/modules/acme/vpc/aws/versions", Missing, "404 Not Found"}},
		Warnings: got.Warnings,
	}
	if d := cmp.Diff(want, got); d != "" || len(got.Warnings) != 2 {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestRunErrors(t *testing.T) {
	empty := t.TempDir()
	_, err := Run(t.Context(), Options{URL: "http://127.0.0.1:1", Dir: empty})
	if err == nil || !strings.Contains(err.Error(), filepath.Join(empty, ".regen", "manifest.ndjson")) {
		t.Errorf("no manifest: %v", err)
	}
	dir := buildTree(t)
	_, err = Run(t.Context(), Options{URL: "http://127.0.0.1:1", Dir: dir, Prefixes: []string{"nothing/"}})
	if err == nil || !strings.Contains(err.Error(), "lists no served files") {
		t.Errorf("nothing to check: %v", err)
	}
	_, err = Run(t.Context(), Options{URL: "registry.example.com", Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "absolute http or https URL") {
		t.Errorf("bad URL: %v", err)
	}
	// A registry that is not there: every file fails, the run does not.
	rep, err := Run(t.Context(), Options{URL: "http://127.0.0.1:1", Dir: dir, Jobs: 2})
	if err != nil || rep.Count(Failed) != servedFiles+1 || !strings.Contains(rep.Problems[0].Detail, "connection refused") {
		t.Errorf("unreachable: %v, %+v", err, rep)
	}
	if rep.Err() == nil {
		t.Error("no error for an unreachable registry")
	}
}
