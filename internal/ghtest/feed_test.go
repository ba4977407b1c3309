package ghtest_test

import (
	"context"
	"flag"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mmcdole/gofeed"

	"github.com/regen-registry/regen/internal/ghtest"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// get fetches u with optional headers and returns the response and body.
func get(t *testing.T, c *http.Client, u string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading %s: %v", u, err)
	}
	return resp, b
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs from golden file (-want +got):\n%s", name, diff)
	}
}

// tagFromLink returns the tag a feed entry's link names.
func tagFromLink(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatalf("entry link %q: %v", link, err)
	}
	_, tag, ok := strings.Cut(u.Path, "/releases/tag/")
	if !ok {
		t.Fatalf("entry link %q is not a release tag link", link)
	}
	return tag
}

// feedRepo makes a repository with releases and tags of every kind.
func feedRepo(t *testing.T, srv *ghtest.Server) *ghtest.Repo {
	repo := srv.NewRepo("Acme", "terraform-provider-widget")
	c1 := repo.Commit(map[string]string{"main.go": "package main\n"}, "initial")
	repo.Tag("v0.1.0", c1)
	c2 := repo.Commit(map[string]string{"main.go": "package main // 2\n"}, "second")
	repo.AnnotatedTag("v0.2.0", c2, "Widget 0.2.0\n\nMore widgets.")
	repo.AddRelease(ghtest.Release{Tag: "v0.2.0", Title: "Widgets & <Gadgets> 0.2", Body: "First line.\n\nSecond paragraph with \"quotes\"."})
	repo.AddRelease(ghtest.Release{Tag: "v0.3.0-beta1", Prerelease: true})
	repo.AddRelease(ghtest.Release{Tag: "v9.9.9", Draft: true})
	repo.AddRelease(ghtest.Release{Tag: "modules/x/v1.0.0", Title: "nested tag", Published: time.Date(2024, 2, 1, 12, 0, 0, 0, time.FixedZone("", -4*3600))})
	return repo
}

func TestReleasesFeedMatchesGolden(t *testing.T) {
	srv := ghtest.New(t)
	feedRepo(t, srv)
	for _, name := range []string{"releases.atom", "tags.atom"} {
		resp, body := get(t, srv.Client(), srv.URL+"/Acme/terraform-provider-widget/"+name, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", name, resp.StatusCode)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/atom+xml; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", name, ct)
		}
		golden(t, name, []byte(strings.ReplaceAll(string(body), srv.URL, "http://github.test")))
	}
}

func TestGofeedReadsTagsFromEntryLinks(t *testing.T) {
	srv := ghtest.New(t)
	feedRepo(t, srv)
	_, body := get(t, srv.Client(), srv.URL+"/acme/terraform-provider-widget/releases.atom", nil)
	feed, err := gofeed.NewParser().ParseString(string(body))
	if err != nil {
		t.Fatalf("gofeed: %v", err)
	}
	var tags, titles []string
	for _, it := range feed.Items {
		tags = append(tags, tagFromLink(t, it.Link))
		titles = append(titles, it.Title)
	}
	// Newest first; the draft is absent; titles are release names.
	if diff := cmp.Diff([]string{"modules/x/v1.0.0", "v0.3.0-beta1", "v0.2.0"}, tags); diff != "" {
		t.Errorf("tags from links (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"nested tag", "v0.3.0-beta1", "Widgets & <Gadgets> 0.2"}, titles); diff != "" {
		t.Errorf("titles (-want +got):\n%s", diff)
	}
	if feed.Title != "Release notes from terraform-provider-widget" {
		t.Errorf("feed title %q", feed.Title)
	}
	if it := feed.Items[2]; !strings.HasSuffix(it.GUID, "/v0.2.0") || !strings.Contains(it.GUID, "Repository/") {
		t.Errorf("entry id %q, want tag:github.com,2008:Repository/<id>/v0.2.0", it.GUID)
	}

	_, body = get(t, srv.Client(), srv.URL+"/acme/terraform-provider-widget/tags.atom", nil)
	tf, err := gofeed.NewParser().ParseString(string(body))
	if err != nil {
		t.Fatalf("gofeed tags.atom: %v", err)
	}
	tags = nil
	for _, it := range tf.Items {
		tags = append(tags, tagFromLink(t, it.Link))
	}
	// Every tag, newest first, including those AddRelease created.
	want := []string{"modules/x/v1.0.0", "v0.3.0-beta1", "v0.2.0", "v0.1.0"}
	if diff := cmp.Diff(want, tags); diff != "" {
		t.Errorf("tags.atom tags (-want +got):\n%s", diff)
	}
	if got := tf.Items[2].Title; got != "v0.2.0: Widget 0.2.0" {
		t.Errorf("annotated tag entry title %q, want %q", got, "v0.2.0: Widget 0.2.0")
	}
}

func TestFeedWindowHidesOlderReleases(t *testing.T) {
	srv := ghtest.New(t, ghtest.WithFeedWindow(5))
	repo := srv.NewRepo("acme", "many")
	for i := 1; i <= 7; i++ {
		repo.AddRelease(ghtest.Release{Tag: "v1.0." + string(rune('0'+i))})
	}
	_, body := get(t, srv.Client(), srv.URL+"/acme/many/releases.atom", nil)
	feed, err := gofeed.NewParser().ParseString(string(body))
	if err != nil {
		t.Fatal(err)
	}
	var tags []string
	for _, it := range feed.Items {
		tags = append(tags, tagFromLink(t, it.Link))
	}
	if diff := cmp.Diff([]string{"v1.0.7", "v1.0.6", "v1.0.5", "v1.0.4", "v1.0.3"}, tags); diff != "" {
		t.Errorf("window of 5 (-want +got):\n%s", diff)
	}
	// Every release is still downloadable and tagged even when out of the window.
	if got := repo.TagCommit("v1.0.1"); got == "" {
		t.Error("v1.0.1 has no tag")
	}
}

func TestConditionalRequestsAnswer304UntilTheFeedChanges(t *testing.T) {
	srv := ghtest.New(t)
	repo := srv.NewRepo("acme", "cond")
	repo.AddRelease(ghtest.Release{Tag: "v1.0.0"})
	u := srv.URL + "/acme/cond/releases.atom"
	c := srv.Client()

	resp, _ := get(t, c, u, nil)
	etag, lastMod := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if !strings.HasPrefix(etag, `W/"`) || lastMod == "" {
		t.Fatalf("validators: ETag %q, Last-Modified %q", etag, lastMod)
	}

	srv.ResetCounts()
	resp, body := get(t, c, u, map[string]string{"If-None-Match": etag})
	if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Errorf("If-None-Match on unchanged feed: status %d, %d body bytes; want 304, empty", resp.StatusCode, len(body))
	}
	if resp.Header.Get("ETag") != etag {
		t.Errorf("304 ETag %q, want %q", resp.Header.Get("ETag"), etag)
	}
	resp, _ = get(t, c, u, map[string]string{"If-Modified-Since": lastMod})
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-Modified-Since on unchanged feed: status %d, want 304", resp.StatusCode)
	}
	if n := srv.RequestCount("/acme/cond/releases.atom"); n != 2 || srv.Requests() != 2 {
		t.Errorf("RequestCount = %d, Requests = %d; want 2, 2", n, srv.Requests())
	}
	log := srv.RequestLog()
	if !log[0].Conditional() || log[0].Status != http.StatusNotModified {
		t.Errorf("logged request %+v, want conditional 304", log[0])
	}

	repo.AddRelease(ghtest.Release{Tag: "v1.1.0"})
	resp, body = get(t, c, u, map[string]string{"If-None-Match": etag, "If-Modified-Since": lastMod})
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "/releases/tag/v1.1.0") {
		t.Errorf("after a new release: status %d, body has v1.1.0: %v", resp.StatusCode, strings.Contains(string(body), "v1.1.0"))
	}
	if resp.Header.Get("ETag") == etag {
		t.Error("ETag did not change with the feed")
	}
	newMod, err := http.ParseTime(resp.Header.Get("Last-Modified"))
	oldMod, _ := http.ParseTime(lastMod)
	if err != nil || !newMod.After(oldMod) {
		t.Errorf("Last-Modified %q is not after %q", resp.Header.Get("Last-Modified"), lastMod)
	}
	// Only If-Modified-Since with the old date: changed, so 200.
	resp, _ = get(t, c, u, map[string]string{"If-Modified-Since": lastMod})
	if resp.StatusCode != http.StatusOK {
		t.Errorf("If-Modified-Since after change: status %d, want 200", resp.StatusCode)
	}
}

func TestFeedFaults(t *testing.T) {
	srv := ghtest.New(t)
	repo := srv.NewRepo("acme", "broken")
	repo.AddRelease(ghtest.Release{Tag: "v1.0.0"})
	u := srv.URL + "/acme/broken/releases.atom"
	p := gofeed.NewParser()

	repo.SetFeedFault(ghtest.FeedMalformed)
	resp, body := get(t, srv.Client(), u, nil)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("malformed: status %d", resp.StatusCode)
	}
	if _, err := p.ParseString(string(body)); err == nil {
		t.Errorf("gofeed parsed the malformed feed:\n%s", body)
	}

	repo.SetFeedFault(ghtest.FeedEmpty)
	_, body = get(t, srv.Client(), srv.URL+"/acme/broken/tags.atom", nil)
	f, err := p.ParseString(string(body))
	if err != nil || len(f.Items) != 0 {
		t.Errorf("empty feed: err %v, %d items", err, len(f.Items))
	}

	repo.SetFeedFault(ghtest.FeedHTML)
	resp, _ = get(t, srv.Client(), u, nil)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("html fault Content-Type %q", ct)
	}

	repo.SetFeedFault(ghtest.FeedOK)
	_, body = get(t, srv.Client(), u, nil)
	if f, err := p.ParseString(string(body)); err != nil || len(f.Items) != 1 {
		t.Errorf("repaired feed: err %v", err)
	}

	resp, _ = get(t, srv.Client(), srv.URL+"/acme/nope/releases.atom", nil)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("feed of a missing repository: status %d, want 404", resp.StatusCode)
	}
}
