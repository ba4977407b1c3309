package feed

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/regen-registry/regen/ingest/github"
)

func TestFetchConditional(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		if r.Header.Get("If-None-Match") == `W/"1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `W/"1"`)
		w.Header().Set("Last-Modified", "Mon, 02 Nov 2026 10:00:00 GMT")
		w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
		w.Write([]byte(githubFeed))
	}))
	defer srv.Close()
	ep, _ := github.NewEndpoints(srv.URL, srv.URL)
	c := github.NewClient(github.ClientOptions{Endpoints: ep})

	res, err := Fetch(context.Background(), c, srv.URL+"/a/b/releases.atom", Validators{})
	if err != nil || res.NotModified || len(res.Entries) != 3 || res.Validators.ETag != `W/"1"` {
		t.Fatalf("first fetch: %+v %v", res, err)
	}
	if got.Get("If-None-Match") != "" {
		t.Errorf("unconditional request sent If-None-Match")
	}
	res, err = Fetch(context.Background(), c, srv.URL+"/a/b/releases.atom", res.Validators)
	if err != nil || !res.NotModified || res.Validators.ETag != `W/"1"` || res.Entries != nil {
		t.Fatalf("second fetch: %+v %v", res, err)
	}
	if got.Get("If-Modified-Since") != "Mon, 02 Nov 2026 10:00:00 GMT" {
		t.Errorf("If-Modified-Since = %q", got.Get("If-Modified-Since"))
	}
}

func TestFetchErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/500":
			http.Error(w, "boom", 500)
		case "/html":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(githubFeed))
		}
	}))
	defer srv.Close()
	ep, _ := github.NewEndpoints(srv.URL, srv.URL)
	c := github.NewClient(github.ClientOptions{Endpoints: ep})
	for path, want := range map[string]string{"/500": "HTTP 500", "/html": "HTML page"} {
		_, err := Fetch(context.Background(), c, srv.URL+path, Validators{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", path, err, want)
		}
	}
}
