package ghtest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/internal/ghtest"
)

func TestFailNextFiresThenRecovers(t *testing.T) {
	srv := ghtest.New(t)
	srv.NewRepo("acme", "flaky").AddRelease(ghtest.Release{Tag: "v1.0.0"})
	u := srv.URL + "/acme/flaky/releases.atom"

	srv.FailNext("/acme/flaky/", 2, http.StatusServiceUnavailable)
	srv.FailNext("/api/", 1, http.StatusTooManyRequests)
	var got []int
	for range 3 {
		resp, _ := get(t, srv.Client(), u, nil)
		got = append(got, resp.StatusCode)
	}
	if diff := cmp.Diff([]int{503, 503, 200}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	resp, body := get(t, srv.Client(), srv.APIURL()+"/orgs/acme/repos", nil)
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(body), `"message"`) {
		t.Errorf("API fault: status %d, body %s", resp.StatusCode, body)
	}
	var statuses []int
	for _, r := range srv.RequestLog() {
		statuses = append(statuses, r.Status)
	}
	if diff := cmp.Diff([]int{503, 503, 200, 429}, statuses); diff != "" {
		t.Errorf("logged statuses (-want +got):\n%s", diff)
	}
	if len(srv.UnknownPaths()) != 0 {
		t.Errorf("injected faults were listed as unknown paths: %q", srv.UnknownPaths())
	}
}

func TestInjectNextCustomHandler(t *testing.T) {
	srv := ghtest.New(t)
	srv.NewRepo("acme", "r")
	srv.InjectNext("/acme/r/tags.atom", 1, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	resp, _ := get(t, srv.Client(), srv.URL+"/acme/r/tags.atom", nil)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "7" {
		t.Errorf("status %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func TestResetNextResetsTheConnection(t *testing.T) {
	srv := ghtest.New(t)
	srv.NewRepo("acme", "r")
	srv.ResetNext("/acme/r/releases.atom", 1)

	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/acme/r/releases.atom", nil)
	resp, err := c.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("request succeeded with status %d, want a connection error", resp.StatusCode)
	}
	if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.EOF) {
		t.Errorf("error %v, want connection reset (or EOF)", err)
	}
	if log := srv.RequestLog(); len(log) != 1 || log[0].Status != ghtest.StatusReset {
		t.Errorf("request log %+v, want one reset request", log)
	}
	// The fault is used up.
	if resp, _ := get(t, c, srv.URL+"/acme/r/releases.atom", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("after the reset: status %d", resp.StatusCode)
	}
}

func TestUnknownPathsAreRecorded(t *testing.T) {
	srv := ghtest.New(t)
	srv.NewRepo("acme", "known").AddRelease(ghtest.Release{Tag: "v1.0.0", Assets: []ghtest.Asset{{Name: "a.txt", Data: []byte("a")}}})
	for _, p := range []string{
		"/acme/known/releases.atom",
		"/acme/known/releases/download/v1.0.0/a.txt",
		"/acme/known/releases/tag/v1.0.0",
		"/acme/known",
		"/favicon.ico",
		"/acme/known/issues",
		"/acme/missing/releases.atom",
		"/acme/known/releases/download/v1.0.0/b.txt",
		"/acme/known/releases/download/v2.0.0/a.txt",
		"/api/v3/rate_limit?x=1",
	} {
		get(t, srv.Client(), srv.URL+p, nil)
	}
	want := []string{
		"/favicon.ico",
		"/acme/known/issues",
		"/acme/missing/releases.atom",
		"/acme/known/releases/download/v1.0.0/b.txt",
		"/acme/known/releases/download/v2.0.0/a.txt",
		"/api/v3/rate_limit?x=1",
	}
	if diff := cmp.Diff(want, srv.UnknownPaths()); diff != "" {
		t.Errorf("UnknownPaths (-want +got):\n%s", diff)
	}
	if srv.Requests() != 10 || srv.RequestCount("/acme/known/") != 6 {
		t.Errorf("Requests %d, RequestCount(/acme/known/) %d; want 10, 6", srv.Requests(), srv.RequestCount("/acme/known/"))
	}
	srv.ResetCounts()
	if srv.Requests() != 0 || len(srv.UnknownPaths()) != 0 {
		t.Error("ResetCounts kept counts")
	}
}

func TestAssetRedirectsAndRanges(t *testing.T) {
	srv := ghtest.New(t, ghtest.WithTLS(), ghtest.WithAssetRedirects())
	rel := srv.AddRelease("acme", "files", ghtest.Release{Tag: "v1.0.0", Assets: []ghtest.Asset{{Name: "data.bin", Data: []byte("0123456789")}}})
	u := rel.AssetURLs["data.bin"]

	resp, body := get(t, srv.Client(), u, nil)
	if resp.StatusCode != http.StatusOK || string(body) != "0123456789" {
		t.Fatalf("download: status %d body %q", resp.StatusCode, body)
	}
	if resp.Request.URL.Path == "/acme/files/releases/download/v1.0.0/data.bin" {
		t.Error("download was not redirected")
	}
	resp, body = get(t, srv.Client(), u, map[string]string{"Range": "bytes=2-4"})
	if resp.StatusCode != http.StatusPartialContent || string(body) != "234" {
		t.Errorf("range: status %d body %q", resp.StatusCode, body)
	}
	if n := srv.RequestCount("/acme/files/releases/download/"); n != 2 {
		t.Errorf("download requests %d, want 2", n)
	}
	if len(srv.CAPEM()) == 0 || srv.CAFile() == "" {
		t.Error("TLS server has no CA PEM or file")
	}
}

// FuzzServe sends arbitrary paths: the server must answer every one
// without a 5xx, and record every request.
func FuzzServe(f *testing.F) {
	for _, s := range []string{
		"/acme/r/releases.atom", "/acme/r/releases/download/v1/x", "/api/v3/orgs/acme/repos?page=0",
		"/api/v3/organizations/x/repos", "/acme/r.git/releases.atom", "//", "/ghtest-objects/abc",
		"/acme/r/releases/tag/", "/api/v3/repos/acme/r", "/acme/r/releases/download/v1/",
	} {
		f.Add(s)
	}
	srv := ghtest.New(f)
	srv.NewRepo("acme", "r").AddRelease(ghtest.Release{Tag: "v1", Assets: []ghtest.Asset{{Name: "x", Data: []byte("x")}}})
	f.Fuzz(func(t *testing.T, p string) {
		if strings.ContainsAny(p, " \r\n\t#") || !strings.HasPrefix(p, "/") || strings.Contains(p, "/info/refs") ||
			strings.Contains(p, "git-") || strings.Contains(p, "/objects/") || strings.HasSuffix(p, "/HEAD") {
			t.Skip("not a plain request path, or a git path (spawns git)")
		}
		before := srv.Requests()
		req, err := http.NewRequest(http.MethodGet, srv.URL+p, nil)
		if err != nil {
			t.Skip()
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatalf("GET %q: %v", p, err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Errorf("GET %q: status %d", p, resp.StatusCode)
		}
		if srv.Requests() <= before {
			t.Errorf("GET %q was not recorded", p)
		}
	})
}
