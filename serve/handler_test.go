package serve

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/regen-registry/regen/internal/syncbuf"
	"github.com/regen-registry/regen/internal/tlstest"
)

const notFoundBody = `{"errors":["Not Found"]}` + "\n"

func TestContentTypes(t *testing.T) {
	ts := newTestServer(t)
	tests := map[string]string{
		"/.well-known/terraform.json":                               "application/json",
		"/v1/providers/hashicorp/random/versions":                   "application/json",
		"/v1/providers/hashicorp/random/3.6.0/download/linux/amd64": "application/json",
		"/v1/modules/acme/vpc/aws/versions":                         "application/json",
		"/v1/modules/acme/vpc/aws/1.2.3/download":                   "application/json",
		"/v1/modules/search":                                        "application/json",

		"/mirror/registry.terraform.io/hashicorp/random/index.json": "application/json",
		"/mirror/registry.terraform.io/hashicorp/random/3.6.0.json": "application/json",
		"/registry/docs/modules/acme/vpc/aws/1.2.3/README.md":       "text/markdown; charset=utf-8",
		"/registry/docs/search.ndjson":                              "application/x-ndjson",
		"/feed.atom":                                                "application/atom+xml",
		"/providers/hashicorp/random/key.asc":                       "text/plain; charset=utf-8",
	}
	for path, want := range tests {
		resp, body := ts.do(t, "GET", path, nil)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d, body %s", path, resp.StatusCode, body)
			continue
		}
		if got := resp.Header.Get("Content-Type"); got != want {
			t.Errorf("GET %s: Content-Type %q, want %q", path, got, want)
		}
		if want := treeFiles[strings.TrimPrefix(path, "/")]; body != want {
			t.Errorf("GET %s: body %q, want %q", path, body, want)
		}
	}
}

func TestModuleVersionDownload(t *testing.T) {
	ts := newTestServer(t)
	const path = "/v1/modules/acme/vpc/aws/1.2.3/download"
	want := treeFiles[path[1:]]
	const location = "git::https://git.example.test/acme/terraform-aws-vpc?ref=0123456789abcdef0123456789abcdef01234567"
	for _, method := range []string{"GET", "HEAD"} {
		resp, body := ts.do(t, method, path, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: status %d", method, path, resp.StatusCode)
		}
		if got := resp.Header.Get("X-Terraform-Get"); got != location {
			t.Errorf("%s %s: X-Terraform-Get %q, want %q", method, path, got, location)
		}
		if got := resp.Header.Get("Content-Length"); got != fmt.Sprint(len(want)) {
			t.Errorf("%s %s: Content-Length %s, want %d", method, path, got, len(want))
		}
		wantBody := want
		if method == "HEAD" {
			wantBody = ""
		}
		if body != wantBody {
			t.Errorf("%s %s: body %q, want %q", method, path, body, wantBody)
		}
		if got := resp.Header.Get("Cache-Control"); got != cacheLeaf {
			t.Errorf("%s %s: Cache-Control %q, want %q", method, path, got, cacheLeaf)
		}
	}
}

func TestModuleLatestRedirect(t *testing.T) {
	ts := newTestServer(t)
	resp, body := ts.do(t, "GET", "/v1/modules/acme/vpc/aws/download", nil)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("status %d, want 302; body %s", resp.StatusCode, body)
	}
	if got, want := resp.Header.Get("Location"), "/v1/modules/acme/vpc/aws/1.2.3/download"; got != want {
		t.Errorf("Location %q, want %q", got, want)
	}
	// A client following the redirect ends at the version download.
	follow := *ts.client
	follow.CheckRedirect = nil
	r2, err := follow.Get(ts.URL + "/v1/modules/acme/vpc/aws/download")
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if r2.StatusCode != http.StatusOK || r2.Header.Get("X-Terraform-Get") == "" {
		t.Errorf("after redirect: status %d, X-Terraform-Get %q", r2.StatusCode, r2.Header.Get("X-Terraform-Get"))
	}
}

func TestBrokenDownloadDocuments(t *testing.T) {
	ts := newTestServer(t)
	for _, path := range []string{
		"/v1/modules/broken/json/aws/1.0.0/download",  // not JSON
		"/v1/modules/broken/json/aws/download",        // version with slashes
		"/v1/modules/broken/empty/aws/1.0.0/download", // empty location
	} {
		resp, body := ts.do(t, "GET", path, nil)
		if resp.StatusCode != http.StatusInternalServerError || body != `{"errors":["Internal Server Error"]}`+"\n" {
			t.Errorf("GET %s: %d %s, want 500 with a JSON error", path, resp.StatusCode, body)
		}
		if resp.Header.Get("Location") != "" || resp.Header.Get("X-Terraform-Get") != "" {
			t.Errorf("GET %s: redirect or download header on an error: %v", path, resp.Header)
		}
		if !ts.logs.Contains(strings.TrimPrefix(path, "/")) {
			t.Errorf("GET %s: error log does not name the file:\n%s", path, ts.logs)
		}
	}
}

func TestNotFoundAndMethods(t *testing.T) {
	ts := newTestServer(t)
	for _, path := range []string{"/", "/v1/", "/v1/providers/hashicorp/nope/versions", "/v1/modules/acme/vpc/aws/9.9.9/download", "/v1/providers"} {
		resp, body := ts.do(t, "GET", path, nil)
		if resp.StatusCode != http.StatusNotFound || body != notFoundBody {
			t.Errorf("GET %s: %d %q, want 404 %q", path, resp.StatusCode, body, notFoundBody)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("GET %s: Content-Type %q", path, ct)
		}
	}
	for _, method := range []string{"POST", "PUT", "DELETE", "PATCH"} {
		resp, body := ts.do(t, method, "/v1/modules/acme/vpc/aws/versions", nil)
		if resp.StatusCode != http.StatusMethodNotAllowed || body != `{"errors":["Method Not Allowed"]}`+"\n" {
			t.Errorf("%s: %d %q, want 405", method, resp.StatusCode, body)
		}
		if got := resp.Header.Get("Allow"); got != allowedMethods {
			t.Errorf("%s: Allow %q", method, got)
		}
	}
}

func TestTraversalRefused(t *testing.T) {
	ts := newTestServer(t)
	targets := []string{
		"/../secret",
		"/../../secret",
		"/v1/../../secret",
		"/v1/../../../secret",
		"/%2e%2e/secret",
		"/%2E%2E/%2E%2E/secret",
		"/v1/%2e%2e/%2e%2e/secret",
		"/%2e%2e%2f%2e%2e%2fsecret",
		"/..%2f..%2fsecret",
		"/..%5c..%5csecret",
		"/v1/escape",
		"/v1/escape-abs",
		"/v1/escape-dir/secret",
		"/.regen/manifest.ndjson.gz",
		"/.regen/keep",
		"/.REGEN/keep",
		"/%2eregen/keep",
		"/.well-known/../.regen/keep",
		"/v1/.hidden",
		"/v1/providers/../.hidden",
		"//etc/passwd",
		"/etc/passwd",
		"/" + filepath.Join(filepath.Dir(ts.dir), "secret"),
		"/" + filepath.Dir(ts.dir) + "/secret",
		"//" + filepath.Dir(ts.dir) + "/secret",
		"/v1/modules/acme/vpc/aws/versions%00",
		"/v1/modules/acme/vpc/aws/versions%00.json",
		"/./v1/modules/acme/vpc/aws/versions",
		"/v1//modules/acme/vpc/aws/versions",
		"/v1/modules/acme/vpc/aws/versions/",
		"https://evil.example/../secret",
		"http://127.0.0.1/../../secret",
		"*",
	}
	for _, target := range targets {
		resp, body := ts.raw(t, "GET", target)
		if strings.Contains(body, secret) || strings.Contains(body, "hidden") || strings.Contains(body, "format") {
			t.Errorf("GET %q served a file it must not: %q", target, body)
		}
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %q: status %d, want 404 (or 400 from net/http)", target, resp.StatusCode)
		}
		if resp.StatusCode == http.StatusNotFound && body != notFoundBody {
			t.Errorf("GET %q: 404 body %q", target, body)
		}
	}
}

// TestNotRegular: symbolic links, even inside the tree, and pipes are not
// served: the manifest stays private, and a request for a FIFO is answered
// at once (it used to wait for a writer forever).
func TestNotRegular(t *testing.T) {
	ts := newTestServer(t)
	for _, path := range []string{"/v1/inside", "/v1/providers/hashicorp/linked/versions", "/v1/manifest", "/v1/regen/manifest.ndjson", "/v1/fifo"} {
		done := make(chan struct{})
		go func() {
			defer close(done)
			resp, body := ts.raw(t, "GET", path)
			if resp.StatusCode != http.StatusNotFound || strings.Contains(body, "format") {
				t.Errorf("GET %s: status %d, body %q, want 404", path, resp.StatusCode, body)
			}
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("GET %s hangs", path)
		}
	}
}

func TestETag(t *testing.T) {
	ts := newTestServer(t)
	const path = "/v1/providers/hashicorp/random/versions"
	resp, body := ts.do(t, "GET", path, nil)
	want := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(treeFiles[path[1:]])))
	etag := resp.Header.Get("ETag")
	if etag != want || body != treeFiles[path[1:]] {
		t.Fatalf("ETag %q, want %q (sha256 of the content)", etag, want)
	}
	for _, method := range []string{"GET", "HEAD"} {
		r2, b2 := ts.do(t, method, path, map[string]string{"If-None-Match": etag})
		if r2.StatusCode != http.StatusNotModified || b2 != "" {
			t.Errorf("%s If-None-Match: %d %q, want 304 without body", method, r2.StatusCode, b2)
		}
	}
	r3, _ := ts.do(t, "GET", path, map[string]string{"If-None-Match": `"other"`})
	if r3.StatusCode != http.StatusOK {
		t.Errorf("If-None-Match with another tag: status %d, want 200", r3.StatusCode)
	}
	// Module downloads carry the ETag too and still answer 304.
	r4, _ := ts.do(t, "GET", "/v1/modules/acme/vpc/aws/1.2.3/download", nil)
	r5, _ := ts.do(t, "GET", "/v1/modules/acme/vpc/aws/1.2.3/download", map[string]string{"If-None-Match": r4.Header.Get("ETag")})
	if r4.Header.Get("ETag") == "" || r5.StatusCode != http.StatusNotModified {
		t.Errorf("module download: ETag %q, conditional status %d", r4.Header.Get("ETag"), r5.StatusCode)
	}
}

func TestETagCachedUntilFileChanges(t *testing.T) {
	ts := newTestServer(t)
	const path = "/v1/modules/acme/vpc/aws/versions"
	before := ts.src.etags.hashed.Load()
	r1, _ := ts.do(t, "GET", path, nil)
	ts.do(t, "GET", path, nil)
	ts.do(t, "HEAD", path, nil)
	if n := ts.src.etags.hashed.Load() - before; n != 1 {
		t.Errorf("three requests hashed the file %d times, want 1", n)
	}
	// Replace the file as a build does (new content, new modification time).
	name := filepath.Join(ts.dir, filepath.FromSlash(path[1:]))
	writeFile(t, name+".tmp", `{"modules":[{"versions":[{"version":"2.0.0"}]}]}`+"\n")
	if err := os.Chtimes(name+".tmp", time.Now(), time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(name+".tmp", name); err != nil {
		t.Fatal(err)
	}
	r2, body := ts.do(t, "GET", path, nil)
	if !strings.Contains(body, "2.0.0") || r2.Header.Get("ETag") == r1.Header.Get("ETag") {
		t.Errorf("after the file changed: ETag %q (was %q), body %q", r2.Header.Get("ETag"), r1.Header.Get("ETag"), body)
	}
	if n := ts.src.etags.hashed.Load() - before; n != 2 {
		t.Errorf("file hashed %d times after it changed, want 2", n)
	}
}

func TestETagCacheBounded(t *testing.T) {
	c := newETagCache(3)
	dir := t.TempDir()
	for i := range 10 {
		name := filepath.Join(dir, fmt.Sprint(i))
		writeFile(t, name, fmt.Sprint(i))
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := f.Stat()
		if _, err := c.get(fmt.Sprint(i), fi, f); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	if n := c.len(); n != 3 {
		t.Errorf("cache holds %d entries, want its bound 3", n)
	}
}

func TestHead(t *testing.T) {
	ts := newTestServer(t)
	const path = "/v1/providers/hashicorp/random/3.6.0/download/linux/amd64"
	resp, body := ts.do(t, "HEAD", path, nil)
	if resp.StatusCode != http.StatusOK || body != "" {
		t.Errorf("HEAD: %d, body %q; want 200 without body", resp.StatusCode, body)
	}
	if got, want := resp.Header.Get("Content-Length"), fmt.Sprint(len(treeFiles[path[1:]])); got != want {
		t.Errorf("HEAD Content-Length %s, want %s", got, want)
	}
	resp, body = ts.do(t, "HEAD", "/nope", nil)
	if resp.StatusCode != http.StatusNotFound || body != "" {
		t.Errorf("HEAD missing: %d %q, want 404 without body", resp.StatusCode, body)
	}
}

func TestCORS(t *testing.T) {
	ts := newTestServer(t)
	resp, body := ts.do(t, "OPTIONS", "/v1/modules/acme/vpc/aws/versions", map[string]string{
		"Origin":                         "https://app.example.test",
		"Access-Control-Request-Method":  "GET",
		"Access-Control-Request-Headers": "authorization",
	})
	if resp.StatusCode != http.StatusNoContent || body != "" {
		t.Errorf("preflight: %d %q, want 204", resp.StatusCode, body)
	}
	for k, want := range map[string]string{
		"Access-Control-Allow-Origin":  "*",
		"Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
		"Access-Control-Max-Age":       "86400",
	} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("preflight %s = %q, want %q", k, got, want)
		}
	}
	if !strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight does not allow Authorization: %q", resp.Header.Get("Access-Control-Allow-Headers"))
	}
	for _, path := range []string{"/v1/modules/acme/vpc/aws/1.2.3/download", "/nope"} {
		r, _ := ts.do(t, "GET", path, map[string]string{"Origin": "https://app.example.test"})
		if r.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("GET %s: no Access-Control-Allow-Origin", path)
		}
	}
	r, _ := ts.do(t, "GET", "/v1/modules/acme/vpc/aws/1.2.3/download", nil)
	if !strings.Contains(r.Header.Get("Access-Control-Expose-Headers"), "X-Terraform-Get") {
		t.Errorf("X-Terraform-Get not exposed to browsers: %q", r.Header.Get("Access-Control-Expose-Headers"))
	}
}

func TestCaseFallback(t *testing.T) {
	ts := newTestServer(t)
	tests := []struct{ path, file string }{
		{"/v1/providers/HashiCorp/Random/versions", "v1/providers/hashicorp/random/versions"},
		{"/v1/providers/HASHICORP/random/3.6.0/download/linux/amd64", "v1/providers/hashicorp/random/3.6.0/download/linux/amd64"},
		{"/v1/modules/Acme/VPC/AWS/versions", "v1/modules/acme/vpc/aws/versions"},
		{"/v1/modules/Acme/vpc/aws/1.2.3/download", "v1/modules/acme/vpc/aws/1.2.3/download"},
		// Only the address is lowered; the version keeps its case.
		{"/v1/modules/ACME/vpc/aws/1.0.0-RC1/download", "v1/modules/acme/vpc/aws/1.0.0-RC1/download"},
		// Then the whole path.
		{"/V1/Providers/hashicorp/random/versions", "v1/providers/hashicorp/random/versions"},
		{"/Mirror/Registry.Terraform.io/HashiCorp/random/index.json", "mirror/registry.terraform.io/hashicorp/random/index.json"},
	}
	for _, tt := range tests {
		resp, body := ts.do(t, "GET", tt.path, nil)
		if resp.StatusCode != http.StatusOK || body != treeFiles[tt.file] {
			t.Errorf("GET %s: %d %q, want the content of %s", tt.path, resp.StatusCode, body, tt.file)
		}
	}
	if resp, _ := ts.do(t, "GET", "/v1/modules/Acme/vpc/aws/1.2.3/download", nil); resp.Header.Get("X-Terraform-Get") == "" {
		t.Error("mixed-case module download lacks X-Terraform-Get")
	}
	resp, _ := ts.do(t, "GET", "/v1/modules/ACME/Vpc/aws/download", nil)
	if got, want := resp.Header.Get("Location"), "/v1/modules/acme/vpc/aws/1.2.3/download"; resp.StatusCode != http.StatusFound || got != want {
		t.Errorf("mixed-case latest download: %d Location %q, want 302 %q", resp.StatusCode, got, want)
	}
	// Case folding never invents a path: the version is matched as written.
	if resp, _ := ts.do(t, "GET", "/v1/modules/acme/vpc/aws/1.0.0-rc1/download", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("lower-cased pre-release: status %d, want 404", resp.StatusCode)
	}
}

func TestCacheControlHeaders(t *testing.T) {
	ts := newTestServer(t)
	for path, want := range map[string]string{
		"/.well-known/terraform.json":                               cacheShort,
		"/v1/providers/hashicorp/random/versions":                   cacheShort,
		"/v1/providers/hashicorp/random/3.6.0/download/linux/amd64": cacheLeaf,
		"/v1/modules/acme/vpc/aws/download":                         cacheShort,
		"/v1/modules/search":                                        cacheShort,
		"/mirror/registry.terraform.io/hashicorp/random/3.6.0.json": cacheLeaf,
		"/mirror/registry.terraform.io/hashicorp/random/index.json": cacheShort,
		"/nope": cacheNone,
	} {
		if resp, _ := ts.do(t, "GET", path, nil); resp.Header.Get("Cache-Control") != want {
			t.Errorf("GET %s: Cache-Control %q, want %q", path, resp.Header.Get("Cache-Control"), want)
		}
	}
}

func TestRequestLog(t *testing.T) {
	ts := newTestServer(t)
	ts.do(t, "GET", "/v1/modules/acme/vpc/aws/versions", nil)
	ts.do(t, "GET", "/nope", nil)
	logs := ts.logs.String()
	for _, want := range []string{
		"level=DEBUG msg=request method=GET path=/v1/modules/acme/vpc/aws/versions status=200",
		"level=DEBUG msg=request method=GET path=/nope status=404",
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
}

// failingSource fails every Open with an error that is not "not found".
type failingSource struct{}

func (failingSource) Open(context.Context, string) (*Document, error) {
	return nil, errors.New("disk on fire")
}

// memSource serves documents from memory, without ETags of its own.
type memSource map[string]string

func (m memSource) Open(_ context.Context, name string) (*Document, error) {
	s, ok := m[name]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return &Document{Body: readSeekNopCloser{strings.NewReader(s)}}, nil
}

func TestOtherSources(t *testing.T) {
	logs := &syncbuf.Buffer{}
	h, err := NewHandler(HandlerOptions{Source: failingSource{}, Logger: newTextLogger(logs)})
	if err != nil {
		t.Fatal(err)
	}
	srv, roots := startTLS(t, h)
	client := tlstest.Client(roots)
	resp, err := client.Get(srv.URL + "/v1/modules/acme/vpc/aws/versions")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError || string(body) != `{"errors":["Internal Server Error"]}`+"\n" {
		t.Errorf("failing source: %d %q", resp.StatusCode, body)
	}
	if !logs.Contains("disk on fire") {
		t.Errorf("source failure not logged:\n%s", logs)
	}

	// A Source without ETags or modification times still gets both
	// validators computed and conditional requests answered.
	h2, err := NewHandler(HandlerOptions{Source: memSource{"v1/x": "hello"}, CacheControl: func(string) string { return "private" }})
	if err != nil {
		t.Fatal(err)
	}
	srv2, roots2 := startTLS(t, h2)
	client2 := tlstest.Client(roots2)
	resp, err = client2.Get(srv2.URL + "/v1/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte("hello"))); resp.Header.Get("ETag") != want || resp.Header.Get("Cache-Control") != "private" {
		t.Errorf("memory source: ETag %q (want %q), Cache-Control %q", resp.Header.Get("ETag"), want, resp.Header.Get("Cache-Control"))
	}
	if _, err := NewHandler(HandlerOptions{}); err == nil {
		t.Error("NewHandler without a Source: no error")
	}
}
