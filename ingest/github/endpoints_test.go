package github

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestEndpoints(t *testing.T) {
	ep, err := NewEndpoints("http://127.0.0.1:8080/gh/", "http://127.0.0.1:8080/api/v3")
	if err != nil {
		t.Fatal(err)
	}
	r := Repo{Owner: "acme", Name: "terraform-provider-x"}
	for got, want := range map[string]string{
		ep.RepoURL(r):      "http://127.0.0.1:8080/gh/acme/terraform-provider-x",
		ep.GitURL(r):       "http://127.0.0.1:8080/gh/acme/terraform-provider-x.git",
		ep.ReleasesFeed(r): "http://127.0.0.1:8080/gh/acme/terraform-provider-x/releases.atom",
		ep.TagsFeed(r):     "http://127.0.0.1:8080/gh/acme/terraform-provider-x/tags.atom",
		ep.ReleaseAsset(r, "release/v1.0.0", "a b"):                    "http://127.0.0.1:8080/gh/acme/terraform-provider-x/releases/download/release/v1.0.0/a%20b",
		ep.OrgReposURL("acme"):                                         "http://127.0.0.1:8080/api/v3/orgs/acme/repos?per_page=100&type=all",
		ep.Rebase("https://github.com/a/b/releases/download/v1/x.zip"): "http://127.0.0.1:8080/gh/a/b/releases/download/v1/x.zip",
		ep.Rebase("https://example.com/a"):                             "https://example.com/a",
	} {
		if got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	}
	def, _ := NewEndpoints("", "")
	if def.Web() != DefaultWebURL || def.API() != DefaultAPIURL || def.Rebase("https://github.com/a") != "https://github.com/a" {
		t.Errorf("defaults: %s %s", def.Web(), def.API())
	}
	for _, bad := range []string{"ftp://x", "not a url", "http://", "https://x/?q=1"} {
		if _, err := NewEndpoints(bad, ""); err == nil {
			t.Errorf("NewEndpoints(%q) accepted", bad)
		}
	}
}

func TestParseRepo(t *testing.T) {
	ep, _ := NewEndpoints("http://127.0.0.1:9/", "")
	for in, want := range map[string]string{
		"acme/terraform-aws-vpc":                         "acme/terraform-aws-vpc",
		"https://github.com/acme/terraform-aws-vpc":      "acme/terraform-aws-vpc",
		"https://github.com/acme/terraform-aws-vpc.git":  "acme/terraform-aws-vpc",
		"https://www.github.com/acme/terraform-aws-vpc/": "acme/terraform-aws-vpc",
		"http://127.0.0.1:9/Acme/terraform-aws-vpc":      "Acme/terraform-aws-vpc",
	} {
		r, err := ep.ParseRepo(in)
		if err != nil || r.String() != want {
			t.Errorf("ParseRepo(%q) = %v, %v; want %s", in, r, err, want)
		}
	}
	for _, in := range []string{"acme", "a/b/c", "https://gitlab.com/a/b", "https://github.com/a", "https://github.com/a/b?x=1", "https://u:p@github.com/a/b", "../a/b", "a/b c"} {
		if r, err := ep.ParseRepo(in); err == nil {
			t.Errorf("ParseRepo(%q) = %v, want an error", in, r)
		}
	}
}

func TestNextLink(t *testing.T) {
	for h, want := range map[string]string{
		`<https://api.github.com/organizations/1/repos?page=2>; rel="next", <https://api.github.com/organizations/1/repos?page=5>; rel="last"`: "https://api.github.com/organizations/1/repos?page=2",
		`<https://x/?page=1>; rel="prev", <https://x/?a=1,2&page=3>; rel="next"`:                                                               "https://x/?a=1,2&page=3",
		`<https://x/?page=1>; rel="first"`: "",
		``:                                 "",
	} {
		if got := NextLink(h); got != want {
			t.Errorf("NextLink(%q) = %q, want %q", h, got, want)
		}
	}
}

func FuzzNextLink(f *testing.F) {
	f.Add(`<https://a/?page=2>; rel="next"`)
	f.Add(`<a>, <b>; rel=next`)
	f.Fuzz(func(t *testing.T, h string) {
		got := NextLink(h)
		if got != "" && !strings.Contains(h, "<"+got+">") {
			t.Fatalf("NextLink(%q) = %q, not a <target> of the header", h, got)
		}
	})
}

func FuzzParseRepo(f *testing.F) {
	f.Add("acme/x")
	f.Add("https://github.com/acme/x.git")
	f.Fuzz(func(t *testing.T, s string) {
		ep, _ := NewEndpoints("", "")
		r, err := ep.ParseRepo(s)
		if err != nil {
			return
		}
		if !validName(r.Owner) || !validName(r.Name) {
			t.Fatalf("ParseRepo(%q) = %+v", s, r)
		}
		if again, err := ep.ParseRepo(ep.RepoURL(r)); err != nil || again != r {
			t.Fatalf("round trip of %+v: %+v, %v", r, again, err)
		}
	})
}

// The token goes to the API (under its path) and to git on the web host,
// and nowhere else; every request waits for its host's limiter.
func TestClientTokenAndRate(t *testing.T) {
	var mu sync.Mutex
	auth := map[string]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth[r.URL.Path] = r.Header.Get("Authorization")
		mu.Unlock()
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, "/target", http.StatusFound)
		}
	}))
	defer srv.Close()
	ep, _ := NewEndpoints(srv.URL, srv.URL+"/api/v3")
	c := NewClient(ClientOptions{Endpoints: ep, Token: "tok", Rate: 20, Burst: 1})
	start := time.Now()
	for _, p := range []string{"/api/v3/orgs/x/repos", "/a/b/releases.atom", "/a/b.git/info/refs", "/api/v3x", "/redirect"} {
		resp, err := c.Get(context.Background(), srv.URL+p, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if el := time.Since(start); el < 200*time.Millisecond {
		t.Errorf("6 requests at 20/s took %v", el)
	}
	want := map[string]string{
		"/api/v3/orgs/x/repos": "Bearer tok",
		"/a/b/releases.atom":   "",
		"/a/b.git/info/refs":   "Basic eC1hY2Nlc3MtdG9rZW46dG9r",
		"/api/v3x":             "",
		"/redirect":            "",
		"/target":              "",
	}
	for p, w := range want {
		if auth[p] != w {
			t.Errorf("%s: Authorization %q, want %q", p, auth[p], w)
		}
	}
	if c.Requests() != 6 || c.RequestsByHost()[strings.TrimPrefix(srv.URL, "http://")] != 6 {
		t.Errorf("requests %d, by host %v", c.Requests(), c.RequestsByHost())
	}
}
