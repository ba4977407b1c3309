package ingest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/internal/ghtest"
	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/regdata/events"
)

// Semver tags (with or without "v") become versions pinned to the tag's
// commit (the peeled commit for annotated tags); other tags are ignored.
func TestModuleTags(t *testing.T) {
	e := newEnv(t)
	addr := e.module("acme", "vpc", "aws")
	r := e.srv.NewRepo("acme", "terraform-aws-vpc")
	c1 := r.Commit(map[string]string{"main.tf": "# 1"}, "one")
	c2 := r.Commit(map[string]string{"main.tf": "# 2"}, "two")
	c3 := r.Commit(map[string]string{"main.tf": "# 3"}, "three")
	r.Tag("v1.0.0", c1)
	tagObj := r.AnnotatedTag("v1.1.0", c2, "Release 1.1.0")
	r.Tag("1.2.0", c3)
	r.Tag("v2.0.0-beta.1", c3)
	for _, bad := range []string{"latest", "v1", "v1.2", "release-1.3.0", "v1.3.0.1", "1.4.0_rc"} {
		r.Tag(bad, c3)
	}

	sum := e.run()
	mustNoFailures(t, sum)
	f := e.readModule(addr)
	want := []regdata.ModuleVersion{
		{Version: "v2.0.0-beta.1", Commit: c3, Discovered: "2026-11-20T12:00:00Z"},
		{Version: "1.2.0", Commit: c3, Discovered: "2026-11-20T12:00:00Z"},
		{Version: "v1.1.0", Commit: c2, Discovered: "2026-11-20T12:00:00Z"},
		{Version: "v1.0.0", Commit: c1, Discovered: "2026-11-20T12:00:00Z"},
	}
	data, _ := f.Encode()
	got, _ := regdata.ParseModuleFile(data)
	if d := cmp.Diff(want, got.Versions); d != "" {
		t.Errorf("versions (-want +got):\n%s", d)
	}
	if c2 == tagObj {
		t.Fatal("test setup: tag object equals commit")
	}
	evs := e.events()
	if len(evs) != 4 {
		t.Fatalf("events = %+v", evs)
	}
	for _, ev := range evs {
		if ev.Type != events.ModuleVersionReleased || ev.Target != "aws" || ev.Commit == "" || ev.URL != r.HTMLURL() {
			t.Errorf("event %+v", ev)
		}
	}

	// Unchanged: exactly one conditional request, to tags.atom.
	e.srv.ResetCounts()
	e.advance(time.Hour)
	mustNoFailures(t, e.run())
	log := e.srv.RequestLog()
	if len(log) != 1 || !log[0].Conditional() || log[0].Status != 304 || log[0].Path != "/acme/terraform-aws-vpc/tags.atom" {
		t.Fatalf("unchanged poll: %+v", log)
	}
}

// Seven tags since the last poll with a five-entry feed: none is missed.
func TestModuleSevenTagsFeedWindowFive(t *testing.T) {
	e := newEnv(t, ghtest.WithFeedWindow(5))
	addr := e.module("acme", "vpc", "aws")
	r := e.srv.NewRepo("acme", "terraform-aws-vpc")
	r.Tag("v0.1.0", r.Commit(map[string]string{"main.tf": "# 0"}, "zero"))
	mustNoFailures(t, e.run())
	for i := 1; i <= 7; i++ {
		r.Tag("v0.2."+string(rune('0'+i)), r.Commit(map[string]string{"main.tf": "# " + string(rune('0'+i))}, "next"))
	}
	e.advance(time.Minute)
	sum := e.run()
	mustNoFailures(t, sum)
	if got := moduleVersions(e.readModule(addr)); len(got) != 8 {
		t.Errorf("versions = %v, want 8", got)
	}
	if len(sum.NewVersions) != 7 {
		t.Errorf("new versions = %v", sum.NewVersions)
	}
}

// A moved tag keeps its first commit and raises a warning; a deleted tag
// keeps its version and is reported. Both are seen on a full listing.
func TestModuleMovedAndDeletedTags(t *testing.T) {
	e := newEnv(t)
	addr := e.module("acme", "vpc", "aws")
	r := e.srv.NewRepo("acme", "terraform-aws-vpc")
	c1 := r.Commit(map[string]string{"main.tf": "# 1"}, "one")
	r.Tag("v1.0.0", c1)
	r.AnnotatedTag("v1.1.0", c1, "annotated")
	mustNoFailures(t, e.run())

	c2 := r.Commit(map[string]string{"main.tf": "# 2"}, "two")
	r.MoveTag("v1.0.0", c2)
	r.DeleteTag("v1.1.0")
	// Past the periodic full check (stretched by at most a quarter).
	e.advance(DefaultFullEvery * 5 / 4)
	sum := e.run()
	mustNoFailures(t, sum)
	f := e.readModule(addr)
	if got := moduleVersions(f); !slices.Equal(got, []string{"v1.1.0", "v1.0.0"}) {
		t.Errorf("versions = %v: a deleted tag's version was dropped", got)
	}
	if v := f.Version("v1.0.0"); v.Commit != c1 {
		t.Errorf("moved tag's commit = %s, want the first one %s", v.Commit, c1)
	}
	ws := sumWarnings(sum)
	if !strings.Contains(ws, `tag "v1.0.0" moved upstream from commit `+c1+" to "+c2) ||
		!strings.Contains(ws, `tag "v1.1.0" was deleted upstream`) {
		t.Errorf("warnings:\n%s", ws)
	}
	if len(f.Warnings) != 2 {
		t.Errorf("file warnings = %q", f.Warnings)
	}

	// The next full check finds the same: no new warnings, no rewrite.
	before, _ := f.Encode()
	e.advance(DefaultFullEvery * 5 / 4)
	sum = e.run()
	if len(sum.Warnings) != 0 {
		t.Errorf("repeated warnings: %+v", sum.Warnings)
	}
	after, _ := e.readModule(addr).Encode()
	if string(before) != string(after) {
		t.Errorf("file rewritten:\n%s", cmp.Diff(string(before), string(after)))
	}

	// The tag comes back where it was: its warning goes away.
	r.MoveTag("v1.0.0", c1)
	sum = e.run(func(o *Options) { o.Full = true })
	mustNoFailures(t, sum)
	if f := e.readModule(addr); len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0], "v1.1.0") {
		t.Errorf("warnings after the tag moved back = %q", f.Warnings)
	}
}

// Only, Providers and Modules select the entries.
func TestSelection(t *testing.T) {
	e := newEnv(t)
	m1 := e.module("acme", "vpc", "aws")
	m2 := e.module("acme", "dns", "aws")
	for _, n := range []string{"terraform-aws-vpc", "terraform-aws-dns"} {
		r := e.srv.NewRepo("acme", n)
		r.Tag("v1.0.0", r.Commit(map[string]string{"main.tf": "#"}, "one"))
	}
	e.provider("acme", "widget")
	sum := e.run(func(o *Options) { o.Only = []string{"ACME/vpc/aws"} })
	mustNoFailures(t, sum)
	if sum.Checked != 1 || len(e.readModule(m1).Versions) != 1 || len(e.readModule(m2).Versions) != 0 {
		t.Errorf("--only: checked %d", sum.Checked)
	}
	sum = e.run(func(o *Options) { o.Modules = true })
	mustNoFailures(t, sum)
	if sum.Checked != 2 {
		t.Errorf("--modules checked %d, want 2", sum.Checked)
	}
	if _, err := Run(t.Context(), func() Options { o := e.options(); o.Only = []string{"acme/nope"}; return o }()); err == nil ||
		!strings.Contains(err.Error(), "provider/acme/nope") {
		t.Errorf("unknown --only entry: %v", err)
	}
}

// An entry whose data file disappeared since the last run gets a deleted
// event.
func TestDeletedEntry(t *testing.T) {
	e := newEnv(t)
	m := e.module("acme", "vpc", "aws")
	r := e.srv.NewRepo("acme", "terraform-aws-vpc")
	r.Tag("v1.0.0", r.Commit(map[string]string{"main.tf": "#"}, "one"))
	mustNoFailures(t, e.run())
	if err := removeFile(e.data, regdata.ModuleFilePath(m)); err != nil {
		t.Fatal(err)
	}
	sum := e.run()
	if d := cmp.Diff([]string{"module/acme/vpc/aws"}, sum.Deleted); d != "" {
		t.Errorf("deleted:\n%s", d)
	}
	evs := e.events()
	last := evs[len(evs)-1]
	if last.Type != events.ModuleDeleted || last.Addr() != "acme/vpc/aws" {
		t.Errorf("last event %+v", last)
	}
	if sum = e.run(); len(sum.Deleted) != 0 {
		t.Errorf("deleted reported twice: %v", sum.Deleted)
	}
}

// Over HTTPS with asset redirects, as github.com serves: feeds, git (go-git
// through the run's transport) and release downloads all work.
func TestTLS(t *testing.T) {
	e := newEnv(t, ghtest.WithTLS(), ghtest.WithAssetRedirects())
	key := ghtest.NewKeyEd25519(t, "Acme")
	e.writeKey("acme", key)
	p := e.provider("acme", "widget")
	m := e.module("acme", "vpc", "aws")
	e.srv.AddProviderRelease("acme", "terraform-provider-widget", ghtest.ProviderRelease{Type: "widget", Version: "1.0.0", Key: key})
	r := e.srv.NewRepo("acme", "terraform-aws-vpc")
	r.Tag("v1.0.0", r.Commit(map[string]string{"main.tf": "#"}, "one"))
	sum := e.run(func(o *Options) { o.Transport = e.srv.Client().Transport })
	mustNoFailures(t, sum)
	if len(e.readProvider(p).Versions) != 1 || len(e.readModule(m).Versions) != 1 {
		t.Errorf("new versions %v", sum.NewVersions)
	}
	if !strings.HasPrefix(e.readProvider(p).Versions[0].Targets[0].DownloadURL, "https://") {
		t.Error("download URL is not the https one")
	}
}
