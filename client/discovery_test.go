package client

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// discoveryServer serves body as the discovery document under prefix (and
// a redirect to it from /moved/.well-known/terraform.json), with
// Content-Type ct.
func discoveryServer(t *testing.T, prefix, ct, body string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case prefix + "/.well-known/terraform.json":
			w.Header().Set("Content-Type", ct)
			_, _ = w.Write([]byte(body))
		case "/moved/.well-known/terraform.json":
			http.Redirect(w, r, prefix+"/.well-known/terraform.json", http.StatusMovedPermanently)
		case "/api/modules/ns/name/aws/versions", "/reg/api/modules/ns/name/aws/versions":
			writeJSON(w, 200, map[string]any{"modules": []any{map[string]any{"versions": []any{map[string]string{"version": "1.0.0"}}}}})
		default:
			writeJSON(w, 404, map[string]any{"errors": []string{"Not Found"}})
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestDiscoverResolvesRelativeURLs(t *testing.T) {
	const doc = `{"modules.v1":"../api/modules","providers.v1":"../api/providers/","login.v1":{"client":"terraform-cli"}}`
	for _, tc := range []struct {
		name, prefix, base, wantMod, wantProv string
	}{
		{"root", "", "", "/api/modules/", "/api/providers/"},
		{"under a prefix", "/reg", "/reg", "/reg/api/modules/", "/reg/api/providers/"},
		{"prefix with slash", "/reg", "/reg/", "/reg/api/modules/", "/reg/api/providers/"},
		{"after a redirect", "/reg", "/moved", "/reg/api/modules/", "/reg/api/providers/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := discoveryServer(t, tc.prefix, "application/json; charset=utf-8", doc)
			c, err := New(srv.URL+tc.base, srv.Client())
			if err != nil {
				t.Fatal(err)
			}
			s, err := c.Discover(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if s.Modules.String() != srv.URL+tc.wantMod || s.Providers.String() != srv.URL+tc.wantProv {
				t.Errorf("services %s, %s; want %s, %s", s.Modules, s.Providers, srv.URL+tc.wantMod, srv.URL+tc.wantProv)
			}
			if string(s.Raw["login.v1"]) != `{"client":"terraform-cli"}` {
				t.Errorf("login.v1 = %s", s.Raw["login.v1"])
			}
			// The other methods use the resolved URL.
			vs, err := c.ModuleVersions(t.Context(), ModuleAddr{"ns", "name", "aws"})
			if err != nil || len(vs) != 1 || vs[0] != "1.0.0" {
				t.Errorf("versions through the discovered URL: %v, %v", vs, err)
			}
			// Discover returns a copy.
			s.Modules.Path = "/changed/"
			if s2, _ := c.Discover(t.Context()); s2.Modules.Path == "/changed/" {
				t.Error("Discover returned the cached Services itself")
			}
		})
	}
}

func TestDiscoverAbsoluteURLs(t *testing.T) {
	srv := discoveryServer(t, "", "application/json",
		`{"modules.v1":"https://modules.example.com/v1/modules","providers.v1":"https://providers.example.com/v1/providers/"}`)
	c, _ := New(srv.URL, srv.Client())
	s, err := c.Discover(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if s.Modules.String() != "https://modules.example.com/v1/modules/" || s.Providers.String() != "https://providers.example.com/v1/providers/" {
		t.Errorf("services %s, %s", s.Modules, s.Providers)
	}
}

func TestDiscoverErrors(t *testing.T) {
	for _, tc := range []struct{ name, ct, body, want string }{
		{"providers without slash", "application/json", `{"providers.v1":"/v1/providers"}`, `providers.v1: "/v1/providers" must end with "/"`},
		{"wrong content type", "text/plain", `{"modules.v1":"/v1/modules/"}`, `Content-Type "text/plain", want application/json`},
		{"not a string", "application/json", `{"modules.v1":42}`, "modules.v1: want a non-empty URL string, got 42"},
		{"not an object", "application/json", `[1]`, "cannot unmarshal array"},
		{"null", "application/json", `null`, "not a JSON object"},
		{"bad scheme", "application/json", `{"modules.v1":"ftp://example.com/m/"}`, `"ftp://example.com/m/" is not an http or https URL`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := discoveryServer(t, "", tc.ct, tc.body)
			c, _ := New(srv.URL, srv.Client())
			_, err := c.Discover(t.Context())
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "service discovery") {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestDiscoverNotFoundMeansNoServices(t *testing.T) {
	srv := discoveryServer(t, "/elsewhere", "application/json", `{}`)
	c, _ := New(srv.URL, srv.Client())
	s, err := c.Discover(t.Context())
	if err != nil || s.Modules != nil || s.Providers != nil {
		t.Fatalf("Discover = %+v, %v; want no services", s, err)
	}
	_, err = c.ProviderVersions(t.Context(), ProviderAddr{"hashicorp", "aws"})
	if err == nil || !strings.Contains(err.Error(), "does not provide providers.v1") {
		t.Errorf("ProviderVersions without the service: %v", err)
	}
	_, err = collect(t, c.Modules(t.Context(), ListOptions{}))
	if err == nil || !strings.Contains(err.Error(), "does not provide modules.v1") {
		t.Errorf("Modules without the service: %v", err)
	}
}

func TestDiscoverServerError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 500, map[string]any{"errors": []string{"database down"}})
	}))
	defer srv.Close()
	c, _ := New(srv.URL, srv.Client())
	_, err := c.Discover(t.Context())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || apiErr.Messages[0] != "database down" {
		t.Errorf("err = %v", err)
	}
}

func TestWithServicesSkipsDiscovery(t *testing.T) {
	reg := newFakeRegistry(t, 3)
	c := reg.client(WithServices("v1/modules", ""))
	got, err := collect(t, c.Modules(t.Context(), ListOptions{}))
	if err != nil || len(got) != 3 {
		t.Fatalf("got %d modules, %v", len(got), err)
	}
	if n := len(reg.requestsTo("/.well-known/terraform.json")); n != 0 {
		t.Errorf("%d discovery requests with WithServices", n)
	}
	if _, err := c.ProviderVersions(t.Context(), ProviderAddr{"a", "b"}); err == nil || !strings.Contains(err.Error(), "does not provide providers.v1") {
		t.Errorf("unset providers service: %v", err)
	}
	if _, err := New(reg.srv.URL, nil, WithServices("", "/v1/providers")); err == nil {
		t.Error("WithServices accepted providers.v1 without a trailing slash")
	}
}

func TestNewRejectsBadBaseURLs(t *testing.T) {
	for _, u := range []string{"registry.example.com", "ftp://example.com", "https://user:pw@example.com", "https://example.com/?q=1", "https://"} {
		if _, err := New(u, nil); err == nil {
			t.Errorf("New(%q) succeeded", u)
		}
	}
}
