package feeds

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/regen-registry/regen/regdata/events"
)

var t0 = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)

func release(ns, name, target, version string, at time.Duration) events.Event {
	typ := events.ModuleVersionReleased
	if target == "" {
		typ = events.ProviderVersionReleased
	}
	return events.Event{Type: typ, Time: t0.Add(at), Namespace: ns, Name: name, Target: target, Version: version}
}

func byPath(files []File) map[string][]byte {
	m := map[string][]byte{}
	for _, f := range files {
		m[f.Path] = f.Data
	}
	return m
}

// The Atom feeds parse with a real feed parser (gofeed, which ingest uses
// for GitHub's feeds), newest release first, revoked and duplicate
// releases left out.
func TestReleaseFeeds(t *testing.T) {
	evs := []events.Event{
		release("Acme", "vpc", "aws", "v1.0", 0),
		release("hashicorp", "random", "", "3.6.0", time.Hour),
		release("Acme", "vpc", "aws", "v1.1.0", 2*time.Hour),
		release("Acme", "vpc", "aws", "1.1.0", 3*time.Hour), // the same release, spelled differently
		release("Acme", "vpc", "aws", "v1.2.0", 4*time.Hour),
		{Type: events.ModuleVersionRevoked, Time: t0.Add(5 * time.Hour), Namespace: "Acme", Name: "vpc", Target: "aws", Version: "v1.2.0"},
		{Type: events.ModuleCreated, Time: t0.Add(6 * time.Hour), Namespace: "zed", Name: "x", Target: "aws"},
	}
	files, err := Build(evs, Options{
		Now: t0.Add(24 * time.Hour), BaseURL: "https://registry.example.test/",
		Published: func(e events.Event) bool { return normalized(e.Version) != "1.2.0" },
	})
	if err != nil {
		t.Fatal(err)
	}
	m := byPath(files)
	if len(m) != 4 || m[ReleasesPath] == nil || m["feeds/releases/acme.atom"] == nil || m["feeds/releases/hashicorp.atom"] == nil || m[ChangesPath] == nil {
		t.Fatalf("files: %v", keys(m))
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(m[ReleasesPath]))
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, it := range feed.Items {
		titles = append(titles, it.Title)
	}
	if got := strings.Join(titles, " | "); got != "Acme/vpc/aws v1.1.0 | hashicorp/random 3.6.0 | Acme/vpc/aws v1.0" {
		t.Errorf("entries: %s", got)
	}
	if feed.Items[0].GUID != "urn:regen:module:acme/vpc/aws:1.1.0" || feed.Items[0].Link != "https://registry.example.test/v1/modules/acme/vpc/aws/1.1.0" {
		t.Errorf("first entry: %q %q", feed.Items[0].GUID, feed.Items[0].Link)
	}
	if feed.UpdatedParsed == nil || !feed.UpdatedParsed.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("feed updated %v", feed.UpdatedParsed)
	}
	ns, err := gofeed.NewParser().Parse(bytes.NewReader(m["feeds/releases/acme.atom"]))
	if err != nil || len(ns.Items) != 2 || !strings.Contains(ns.Title, "Acme") {
		t.Errorf("namespace feed: %v %+v", err, ns)
	}
	// The changes feed holds every event of the window, oldest first.
	lines := strings.Split(strings.TrimSpace(string(m[ChangesPath])), "\n")
	if len(lines) != len(evs) {
		t.Fatalf("changes: %d lines", len(lines))
	}
	for i, l := range lines {
		e, err := events.ParseLine([]byte(l))
		if err != nil || !e.Time.Equal(evs[i].Time) {
			t.Errorf("changes line %d: %v %v", i, e, err)
		}
	}
	// Unchanged input, unchanged output.
	again, _ := Build(evs, Options{Now: t0.Add(24 * time.Hour), BaseURL: "https://registry.example.test/",
		Published: func(e events.Event) bool { return normalized(e.Version) != "1.2.0" }})
	for _, f := range again {
		if !bytes.Equal(f.Data, m[f.Path]) {
			t.Errorf("%s differs between two builds", f.Path)
		}
	}
}

func TestFeedLimitsAndWindow(t *testing.T) {
	var evs []events.Event
	for i := range 150 {
		evs = append(evs, release("acme", fmt.Sprintf("m%03d", i), "aws", "1.0.0", time.Duration(i)*24*time.Hour))
	}
	files, err := Build(evs, Options{Now: t0.Add(150 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	m := byPath(files)
	if n := bytes.Count(m[ReleasesPath], []byte("<entry>")); n != DefaultMaxEntries {
		t.Errorf("registry feed: %d entries", n)
	}
	if n := bytes.Count(m["feeds/releases/acme.atom"], []byte("<entry>")); n != DefaultNamespaceMaxEntries {
		t.Errorf("namespace feed: %d entries", n)
	}
	if n := bytes.Count(m[ChangesPath], []byte("\n")); n != 30 {
		t.Errorf("changes feed over 30 days: %d lines", n)
	}
	if bytes.Contains(m[ReleasesPath], []byte(`rel="self"`)) {
		t.Error("links without a base URL")
	}
	empty, err := Build(nil, Options{Now: t0})
	if err != nil || len(empty) != 2 || !bytes.Contains(byPath(empty)[ReleasesPath], []byte("<updated>1970-01-01T00:00:00Z</updated>")) {
		t.Errorf("empty log: %v %v", keys(byPath(empty)), err)
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func FuzzBuild(f *testing.F) {
	f.Add("acme", "vpc", "aws", "v1.0.0", "https://x/<&>\"")
	f.Fuzz(func(t *testing.T, ns, name, target, version, url string) {
		e := events.Event{Type: events.ModuleVersionReleased, Time: t0, Namespace: ns, Name: name, Target: target, Version: version, URL: url}
		if e.Validate() != nil {
			return
		}
		files, err := Build([]events.Event{e}, Options{Now: t0, BaseURL: "https://r.test"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := gofeed.NewParser().Parse(bytes.NewReader(byPath(files)[ReleasesPath])); err != nil {
			t.Fatalf("feed does not parse: %v\n%s", err, byPath(files)[ReleasesPath])
		}
	})
}
