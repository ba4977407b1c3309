package worker_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/internal/tlstest"
	"github.com/regen-registry/regen/manifest"
	"github.com/regen-registry/regen/serve"
	"github.com/regen-registry/regen/serve/auth"
	"github.com/regen-registry/regen/serve/query"
)

// comparedHeaders are the headers the worker must send exactly as
// `regen serve` does. Left out: Date and Last-Modified (times differ) and
// Accept-Ranges (the worker answers ranges with the whole document).
var comparedHeaders = []string{
	"Content-Type", "Content-Length", "Cache-Control", "ETag", "X-Terraform-Get", "Location", "Allow",
	"Vary", "WWW-Authenticate",
	"Access-Control-Allow-Origin", "Access-Control-Expose-Headers", "Access-Control-Allow-Methods",
	"Access-Control-Allow-Headers", "Access-Control-Max-Age",
}

// exchange is one request and what came back.
type exchange struct {
	Status  int
	Headers map[string]string
	Body    string
}

type probe struct {
	method  string
	path    string // sent as written, escapes included
	headers map[string]string
}

func (p probe) String() string { return fmt.Sprintf("%s %s %v", p.method, p.path, p.headers) }

// do sends p to base with client, adding extra headers, and records the
// answer without following redirects.
func do(t *testing.T, client *http.Client, base string, p probe, extra map[string]string) exchange {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(p.method, base, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.URL = &url.URL{Scheme: u.Scheme, Host: u.Host, Opaque: p.path}
	for k, v := range p.headers {
		req.Header.Set(k, v)
	}
	for k, v := range extra {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: reading body: %v", p, err)
	}
	ex := exchange{Status: resp.StatusCode, Headers: map[string]string{}, Body: string(body)}
	for _, h := range comparedHeaders {
		if v := resp.Header.Values(h); len(v) > 0 {
			ex.Headers[h] = strings.Join(v, ", ")
		}
	}
	if resp.StatusCode == http.StatusFound || resp.StatusCode == http.StatusNotModified || resp.StatusCode == http.StatusNoContent {
		delete(ex.Headers, "Content-Length") // bodiless answers: Go says 0 or nothing, both fine
	}
	return ex
}

// manifestPaths returns every file path a build manifest lists.
func manifestPaths(t *testing.T, tree string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(tree, filepath.FromSlash(manifest.Path)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := manifest.NewReader(bufio.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range e.Files {
			out = append(out, file.Path)
		}
	}
	slices.Sort(out)
	return out
}

// probes returns the requests both servers answer: every file of the
// build in several ways, and requests that must fail.
func probes(t *testing.T, tree string, etags map[string]string) []probe {
	var ps []probe
	for _, p := range manifestPaths(t, tree) {
		ps = append(ps, probe{method: "GET", path: "/" + p}, probe{method: "HEAD", path: "/" + p})
		if etag := etags["/"+p]; etag != "" {
			ps = append(ps,
				probe{method: "GET", path: "/" + p, headers: map[string]string{"If-None-Match": etag}},
				probe{method: "GET", path: "/" + p, headers: map[string]string{"If-None-Match": `W/` + etag + `, "x"`}},
				probe{method: "GET", path: "/" + p, headers: map[string]string{"If-None-Match": `"not-it"`}},
			)
		}
		if strings.HasPrefix(p, "v1/") {
			ps = append(ps, probe{method: "GET", path: "/" + strings.ToUpper(p)})
			segs := strings.Split(p, "/")
			if len(segs) > 3 {
				segs[2] = strings.ToUpper(segs[2])
				ps = append(ps, probe{method: "GET", path: "/" + strings.Join(segs, "/")})
			}
		}
	}
	for _, p := range []string{
		"/", "/nope", "/v1/modules/acme/vpc/aws/9.9.9/download", "/v1/modules/acme/vpc/aws/1.0.0/download/extra",
		"/.regen/manifest.ndjson", "/.regen", "/v1/%2e%2e/.regen/manifest.ndjson", "/v1/..%2F.regen%2Fmanifest.ndjson",
		"/%2eregen/manifest.ndjson", "/.well-known/", "/v1//modules", "/v1/modules/%00", "/v1/modules/a%5Cb",
	} {
		ps = append(ps, probe{method: "GET", path: p}, probe{method: "HEAD", path: p})
	}
	ps = append(ps,
		probe{method: "OPTIONS", path: "/v1/modules/acme/vpc/aws/versions", headers: map[string]string{"Origin": "https://app.example", "Access-Control-Request-Method": "GET"}},
		probe{method: "POST", path: "/v1/modules/acme/vpc/aws/versions"},
		probe{method: "DELETE", path: "/nope"},
		probe{method: "GET", path: "/v1/modules/acme/vpc/aws/download"},
		probe{method: "GET", path: "/v1/modules/ACME/Vpc/AWS/download"},
		probe{method: "GET", path: "/v1/modules/acme/vpc/aws/download", headers: map[string]string{"Origin": "https://app.example"}},
	)
	return ps
}

// compareWithServe sends the same requests to the worker and to `regen
// serve`'s Handler behind serve/auth's middleware with the same tokens
// file, over the same tree, once with each of the given Authorization
// headers ("" sends none), and reports every difference in status, body
// or the compared headers.
func compareWithServe(t *testing.T, tree, tokensFile string, w *runningWorker, caFile string, authHeaders ...string) {
	t.Helper()
	dir, err := serve.NewDir(tree)
	if err != nil {
		t.Fatal(err)
	}
	h, err := serve.NewHandler(serve.HandlerOptions{Source: dir})
	if err != nil {
		t.Fatal(err)
	}
	qh, err := query.New(context.Background(), query.Options{Source: dir})
	if err != nil {
		t.Fatal(err)
	}
	if qh.Index() == nil {
		t.Fatal("the tree has no search index")
	}
	mw, err := auth.New(auth.Options{File: tokensFile})
	if err != nil {
		t.Fatal(err)
	}
	ref := httptest.NewServer(mw.Wrap(qh.Wrap(h)))
	defer ref.Close()

	pool := tlstest.Pool(t, caFile)
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	// No transparent gzip: workerd compresses JSON for clients that accept
	// it (as Cloudflare's edge does), and Go's transport then hides
	// Content-Length.
	wc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, DisableCompression: true}, CheckRedirect: noRedirect}
	rc := &http.Client{Transport: &http.Transport{DisableCompression: true}, CheckRedirect: noRedirect}
	defer wc.CloseIdleConnections()

	etags := map[string]string{}
	for _, p := range manifestPaths(t, tree) {
		etags["/"+p] = do(t, rc, ref.URL, probe{method: "GET", path: "/" + p}, map[string]string{"Authorization": authHeaders[0]}).Headers["ETag"]
	}
	ps := append(probes(t, tree, etags), queryProbes()...)
	// Conditional requests for computed answers, with the ETag serve gives.
	for _, p := range queryProbes() {
		if etag := do(t, rc, ref.URL, p, map[string]string{"Authorization": authHeaders[0]}).Headers["ETag"]; etag != "" {
			ps = append(ps, probe{method: p.method, path: p.path, headers: map[string]string{"If-None-Match": etag}})
		}
	}
	statuses := map[int]int{}
	for _, a := range authHeaders {
		extra := map[string]string{}
		if a != "" {
			extra["Authorization"] = a
		}
		for _, p := range ps {
			want := do(t, rc, ref.URL, p, extra)
			got := do(t, wc, w.URL, p, extra)
			statuses[want.Status]++
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("%s (Authorization %q): worker differs from regen serve (-serve +worker):\n%s", p, a, d)
			}
		}
	}
	// The probes must have exercised every kind of answer.
	for _, s := range []int{200, 204, 302, 304, 400, 401, 404, 405} {
		if statuses[s] == 0 {
			t.Errorf("no probe answered %d; statuses: %v", s, statuses)
		}
	}
	summary, _ := json.Marshal(statuses)
	t.Logf("%d requests answered identically by the worker and regen serve; statuses %s", len(ps)*len(authHeaders), summary)
}
