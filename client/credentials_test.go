package client

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// authLog records the Authorization header each host received.
type authLog struct {
	mu  sync.Mutex
	got map[string][]string // Host header → Authorization values ("" for none)
}

func (l *authLog) record(r *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.got == nil {
		l.got = map[string][]string{}
	}
	host := canonicalHost(r.Host, "https")
	l.got[host] = append(l.got[host], r.Header.Get("Authorization"))
}

func (l *authLog) of(host string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.got[host]
}

// namedTLSServer serves every *.example.com name over TLS on loopback: the
// returned http.Client dials the server whatever the name, and trusts its
// certificate (valid for example.com and *.example.com). Requests to
// example.com redirect to mirror.example.com; requests to
// registry.example.com:443 with ?to=other redirect to other.example.com.
func namedTLSServer(t *testing.T, log *authLog) (*httptest.Server, *http.Client) {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.record(r)
		host := canonicalHost(r.Host, "https")
		switch {
		case host == "example.com" && r.URL.Path == "/v1/redirect":
			http.Redirect(w, r, "https://mirror.example.com/v1/target", http.StatusFound)
		case host == "example.com" && r.URL.Path == "/v1/back":
			http.Redirect(w, r, "https://mirror.example.com/v1/bounce", http.StatusFound)
		case host == "mirror.example.com" && r.URL.Path == "/v1/bounce":
			http.Redirect(w, r, "https://example.com/v1/target", http.StatusFound)
		default:
			writeJSON(w, 200, map[string]string{})
		}
	}))
	t.Cleanup(srv.Close)
	hc := srv.Client()
	tr := hc.Transport.(*http.Transport).Clone()
	addr := srv.Listener.Addr().String()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	hc.Transport = tr
	return srv, hc
}

func get(t *testing.T, c *Client, path string) {
	t.Helper()
	resp, err := c.Get(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestCredentialsAreSentOnlyToTheirHost(t *testing.T) {
	var log authLog
	_, hc := namedTLSServer(t, &log)
	c, err := New("https://EXAMPLE.com:443", hc, WithCredentials(Credentials{"Example.COM": "tok-a", "other.example.com": "tok-o"}))
	if err != nil {
		t.Fatal(err)
	}
	get(t, c, "v1/plain")
	get(t, c, "v1/redirect") // example.com → mirror.example.com
	get(t, c, "v1/back")     // example.com → mirror.example.com → example.com

	want := map[string][]string{
		"example.com":        {"Bearer tok-a", "Bearer tok-a", "Bearer tok-a", "Bearer tok-a"},
		"mirror.example.com": {"", ""},
	}
	for host, w := range want {
		if d := cmp.Diff(w, log.of(host)); d != "" {
			t.Errorf("Authorization received by %s (-want +got):\n%s", host, d)
		}
	}
}

// TestPlainNetHTTPWouldLeak shows the test above can fail: net/http copies
// an Authorization header set on a request to a subdomain on redirect.
func TestPlainNetHTTPWouldLeak(t *testing.T) {
	var log authLog
	_, hc := namedTLSServer(t, &log)
	req, _ := http.NewRequest("GET", "https://example.com/v1/redirect", nil)
	req.Header.Set("Authorization", "Bearer tok-a")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := log.of("mirror.example.com"); len(got) != 1 || got[0] != "Bearer tok-a" {
		t.Errorf("net/http no longer copies Authorization to subdomains (got %q); TestCredentialsAreSentOnlyToTheirHost may be vacuous", got)
	}
}

func TestCredentialsOfTheRedirectTarget(t *testing.T) {
	var log authLog
	_, hc := namedTLSServer(t, &log)
	c, _ := New("https://example.com", hc, WithCredentials(Credentials{"mirror.example.com": "tok-m"}))
	get(t, c, "v1/redirect")
	if d := cmp.Diff([]string{""}, log.of("example.com")); d != "" {
		t.Errorf("example.com got a token (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"Bearer tok-m"}, log.of("mirror.example.com")); d != "" {
		t.Errorf("mirror.example.com did not get its own token (-want +got):\n%s", d)
	}
}

func TestCredentialsCrossPortRedirect(t *testing.T) {
	var log authLog
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.record(r)
		writeJSON(w, 200, map[string]string{})
	}))
	defer other.Close()
	first := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.record(r)
		http.Redirect(w, r, other.URL+"/v1/target", http.StatusTemporaryRedirect)
	}))
	defer first.Close()
	firstHost := strings.TrimPrefix(first.URL, "http://")
	otherHost := strings.TrimPrefix(other.URL, "http://")
	c, _ := New(first.URL, nil, WithCredentials(Credentials{firstHost: "tok-1"}))
	get(t, c, "v1/start")
	if d := cmp.Diff([]string{"Bearer tok-1"}, log.of(firstHost)); d != "" {
		t.Errorf("%s (-want +got):\n%s", firstHost, d)
	}
	// Same hostname, other port: another host, which net/http would not
	// tell apart.
	if d := cmp.Diff([]string{""}, log.of(otherHost)); d != "" {
		t.Errorf("%s got the token of %s (-want +got):\n%s", otherHost, firstHost, d)
	}
}

func TestCredentialsNotSentOverPlainHTTPToNonLoopback(t *testing.T) {
	var log authLog
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.record(r)
		writeJSON(w, 200, map[string]string{})
	}))
	defer srv.Close()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
	}
	c, _ := New("http://registry.example.com", &http.Client{Transport: tr}, WithCredentials(Credentials{"registry.example.com": "tok"}))
	get(t, c, "v1/x")
	if d := cmp.Diff([]string{""}, log.of("registry.example.com")); d != "" {
		t.Errorf("token sent in clear text (-want +got):\n%s", d)
	}
}

func TestCredentialsValidation(t *testing.T) {
	for _, creds := range []Credentials{{"https://example.com": "t"}, {"example.com/x": "t"}, {"example.com": ""}, {"": "t"}} {
		if _, err := New("https://example.com", nil, WithCredentials(creds)); err == nil {
			t.Errorf("New accepted credentials %v", creds)
		}
	}
}

func TestCredentialsFromEnv(t *testing.T) {
	got := CredentialsFromEnv([]string{
		"PATH=/bin",
		"TF_TOKEN_app_terraform_io=t1",
		"TF_TOKEN_registry_example__corp_com=t2",
		"TF_TOKEN_=nothing",
		"TF_TOKEN_empty_example_com=",
		"TF_TOKEN_UPPER_Example_COM=t3",
	})
	want := Credentials{"app.terraform.io": "t1", "registry.example-corp.com": "t2", "upper.example.com": "t3"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
