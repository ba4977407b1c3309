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

// A new release is verified and added with every target's checksum, h1
// and size; a second run of the unchanged repository costs exactly one
// conditional request.
func TestProviderNewRelease(t *testing.T) {
	e := newEnv(t)
	key := ghtest.NewKeyEd25519(t, "Acme")
	e.writeKey("acme", key)
	addr := e.provider("acme", "widget")
	a := e.srv.AddProviderRelease("acme", "terraform-provider-widget", ghtest.ProviderRelease{
		Type: "widget", Version: "1.0.0", Key: key, Protocols: []string{"6.0"},
		Platforms: []ghtest.Platform{{OS: "linux", Arch: "amd64"}, {OS: "darwin", Arch: "arm64"}},
	})

	sum := e.run()
	mustNoFailures(t, sum)
	if d := cmp.Diff([]Change{{Entry: "provider acme/widget", Version: "1.0.0", SignedBy: key.KeyID()}}, sum.NewVersions); d != "" {
		t.Errorf("new versions (-want +got):\n%s", d)
	}
	f := e.readProvider(addr)
	if len(f.Versions) != 1 {
		t.Fatalf("versions = %v", providerVersions(f))
	}
	v := f.Versions[0]
	want := regdata.ProviderVersion{
		Version:             "1.0.0",
		Protocols:           []string{"6.0"},
		SHASumsURL:          a.ShasumsURL,
		SHASumsSignatureURL: a.SignatureURL,
		Discovered:          "2026-11-20T12:00:00Z",
	}
	for _, p := range []string{"darwin_arm64", "linux_amd64"} {
		os, arch, _ := strings.Cut(p, "_")
		pkg := a.Package(os, arch)
		want.Targets = append(want.Targets, regdata.Target{
			OS: os, Arch: arch, Filename: pkg.Filename, DownloadURL: pkg.DownloadURL,
			SHASum: pkg.SHA256, H1: pkg.H1, Size: pkg.Size,
		})
	}
	slices.SortFunc(v.Targets, func(x, y regdata.Target) int { return strings.Compare(x.OS, y.OS) })
	if d := cmp.Diff(want, v); d != "" {
		t.Errorf("version (-want +got):\n%s", d)
	}
	evs := e.events()
	if len(evs) != 1 || evs[0].Type != events.ProviderVersionReleased || evs[0].Version != "1.0.0" ||
		evs[0].Namespace != "acme" || evs[0].Name != "widget" || evs[0].URL != a.ShasumsURL {
		t.Errorf("events = %+v", evs)
	}

	// Unchanged: one conditional request, answered 304, nothing written.
	before := e.readProvider(addr)
	e.srv.ResetCounts()
	e.advance(time.Hour)
	sum = e.run()
	mustNoFailures(t, sum)
	log := e.srv.RequestLog()
	if len(log) != 1 || !log[0].Conditional() || log[0].Status != 304 || log[0].Path != "/acme/terraform-provider-widget/releases.atom" {
		t.Fatalf("unchanged poll made %d requests: %+v", len(log), log)
	}
	if sum.Unchanged != 1 || len(sum.NewVersions) != 0 {
		t.Errorf("summary %+v", sum)
	}
	if d := cmp.Diff(before, e.readProvider(addr)); d != "" {
		t.Errorf("unchanged poll changed the file:\n%s", d)
	}
	if n := len(e.events()); n != 1 {
		t.Errorf("unchanged poll wrote events: %d", n)
	}

	// A second release is found through the feed.
	e.srv.AddProviderRelease("acme", "terraform-provider-widget", ghtest.ProviderRelease{Type: "widget", Version: "1.1.0", Key: key})
	sum = e.run()
	mustNoFailures(t, sum)
	if got := providerVersions(e.readProvider(addr)); !slices.Equal(got, []string{"1.1.0", "1.0.0"}) {
		t.Errorf("versions = %v", got)
	}
	if got := e.readProvider(addr).Version("1.1.0").Protocols; !slices.Equal(got, []string{"5.0"}) {
		t.Errorf("protocols without manifest = %v, want [5.0]", got)
	}
	checkUnknownPaths(t, e.srv, "_manifest.json")
}

// Seven releases since the last poll, with a feed that shows five: the
// feed does not reach back to a known version, so every tag is listed and
// none is missed.
func TestProviderSevenReleasesFeedWindowFive(t *testing.T) {
	e := newEnv(t, ghtest.WithFeedWindow(5))
	key := ghtest.NewKeyEd25519(t, "Acme")
	e.writeKey("acme", key)
	addr := e.provider("acme", "widget")
	e.srv.AddProviderRelease("acme", "terraform-provider-widget", ghtest.ProviderRelease{Type: "widget", Version: "0.9.0", Key: key})
	mustNoFailures(t, e.run())

	var want []string
	for i := 1; i <= 7; i++ {
		v := "1." + string(rune('0'+i)) + ".0"
		e.srv.AddProviderRelease("acme", "terraform-provider-widget", ghtest.ProviderRelease{Type: "widget", Version: v, Key: key})
		want = append([]string{v}, want...)
	}
	want = append(want, "0.9.0")
	e.srv.ResetCounts()
	sum := e.run()
	mustNoFailures(t, sum)
	if got := providerVersions(e.readProvider(addr)); !slices.Equal(got, want) {
		t.Errorf("versions = %v, want %v", got, want)
	}
	if len(sum.NewVersions) != 7 {
		t.Errorf("new versions = %v", sum.NewVersions)
	}
	if n := e.srv.RequestCount("/acme/terraform-provider-widget.git/info/refs"); n != 1 {
		t.Errorf("ls-remote requests = %d, want 1", n)
	}
}

// A release whose signature does not verify is not published: the error
// is recorded in versions_errors, the versions already there are
// untouched, the version is retried only after its back-off, and once the
// release is fixed it is published and the error cleared.
func TestProviderBadSignature(t *testing.T) {
	e := newEnv(t)
	key := ghtest.NewKeyEd25519(t, "Acme")
	e.writeKey("acme", key)
	addr := e.provider("acme", "widget")
	repo := "terraform-provider-widget"
	e.srv.AddProviderRelease("acme", repo, ghtest.ProviderRelease{Type: "widget", Version: "1.0.0", Key: key})
	mustNoFailures(t, e.run())
	good := e.readProvider(addr).Versions[0]

	e.srv.AddProviderRelease("acme", repo, ghtest.ProviderRelease{Type: "widget", Version: "1.1.0", Key: key, BadSignature: true})
	e.advance(time.Minute)
	sum := e.run()
	if len(sum.Failures) != 1 || sum.Failures[0].Version != "1.1.0" || !strings.Contains(sum.Failures[0].Error, "signature") {
		t.Fatalf("failures = %+v", sum.Failures)
	}
	f := e.readProvider(addr)
	if got := providerVersions(f); !slices.Equal(got, []string{"1.0.0"}) {
		t.Fatalf("versions = %v: a badly signed release was published", got)
	}
	if d := cmp.Diff(good, f.Versions[0]); d != "" {
		t.Errorf("existing version changed:\n%s", d)
	}
	if len(f.VersionsErrors) != 1 || f.VersionsErrors[0].Version != "1.1.0" ||
		!strings.Contains(f.VersionsErrors[0].Message, "signature") || f.VersionsErrors[0].UTCTime == "" {
		t.Fatalf("versions_errors = %+v", f.VersionsErrors)
	}

	// Within the back-off: the feed gate passes, no release is downloaded.
	e.srv.ResetCounts()
	e.advance(time.Minute)
	sum = e.run()
	mustNoFailures(t, sum)
	if n := e.srv.RequestCount("/acme/" + repo + "/releases/download/"); n != 0 {
		t.Errorf("%d downloads during the back-off", n)
	}
	if sum.Unchanged != 1 || sum.Listed != 0 {
		t.Errorf("within the back-off: unchanged %d, listed %d; want 1, 0", sum.Unchanged, sum.Listed)
	}

	// After the back-off, the same failure leaves the file as it is.
	before, _ := e.readProvider(addr).Encode()
	e.advance(DefaultRetryBase)
	sum = e.run()
	if len(sum.Failures) != 1 {
		t.Fatalf("retry failures = %+v", sum.Failures)
	}
	after, _ := e.readProvider(addr).Encode()
	if string(before) != string(after) {
		t.Errorf("a repeated failure rewrote the file:\n%s", cmp.Diff(string(before), string(after)))
	}

	// Second failure doubled the back-off: one base later is still too early.
	e.srv.ResetCounts()
	e.advance(DefaultRetryBase + time.Minute)
	mustNoFailures(t, e.run())
	if n := e.srv.RequestCount("/acme/" + repo + "/releases/download/"); n != 0 {
		t.Errorf("%d downloads before the doubled back-off ended", n)
	}

	// Fixed upstream: published at the next retry, error cleared.
	e.srv.Repo("acme", repo).DeleteRelease("v1.1.0")
	e.srv.AddProviderRelease("acme", repo, ghtest.ProviderRelease{Type: "widget", Version: "1.1.0", Key: key})
	e.advance(2 * DefaultRetryBase)
	mustNoFailures(t, e.run())
	f = e.readProvider(addr)
	if got := providerVersions(f); !slices.Equal(got, []string{"1.1.0", "1.0.0"}) || len(f.VersionsErrors) != 0 {
		t.Errorf("after the fix: versions %v, errors %+v", got, f.VersionsErrors)
	}
}

// A package whose checksum does not match SHA256SUMS fails the version.
func TestProviderChecksumMismatch(t *testing.T) {
	e := newEnv(t)
	key := ghtest.NewKeyEd25519(t, "Acme")
	e.writeKey("acme", key)
	addr := e.provider("acme", "widget")
	e.srv.AddProviderRelease("acme", "terraform-provider-widget", ghtest.ProviderRelease{
		Type: "widget", Version: "2.0.0", Key: key,
		Platforms:        []ghtest.Platform{{OS: "linux", Arch: "amd64"}, {OS: "windows", Arch: "amd64"}},
		WrongChecksumFor: []ghtest.Platform{{OS: "windows", Arch: "amd64"}},
	})
	sum := e.run()
	if len(sum.Failures) != 1 || !strings.Contains(sum.Failures[0].Error, "checksum mismatch for terraform-provider-widget_2.0.0_windows_amd64.zip") {
		t.Fatalf("failures = %+v", sum.Failures)
	}
	f := e.readProvider(addr)
	if len(f.Versions) != 0 || len(f.VersionsErrors) != 1 {
		t.Errorf("versions %v, errors %+v", providerVersions(f), f.VersionsErrors)
	}
}

// Missing SHA256SUMS, missing signature, and a namespace without keys are
// recorded as failures.
func TestProviderIncompleteReleases(t *testing.T) {
	e := newEnv(t)
	key := ghtest.NewKeyEd25519(t, "Acme")
	e.writeKey("acme", key)
	a1 := e.provider("acme", "nosums")
	a2 := e.provider("acme", "nosig")
	a3 := e.provider("other", "nokeys")
	e.srv.AddProviderRelease("acme", "terraform-provider-nosums", ghtest.ProviderRelease{Type: "nosums", Version: "1.0.0", Key: key, MissingSums: true})
	e.srv.AddProviderRelease("acme", "terraform-provider-nosig", ghtest.ProviderRelease{Type: "nosig", Version: "1.0.0", Key: key, MissingSignature: true})
	e.srv.AddProviderRelease("other", "terraform-provider-nokeys", ghtest.ProviderRelease{Type: "nokeys", Version: "1.0.0", Key: key})
	sum := e.run()
	want := map[string]string{
		"provider acme/nosums":  "checksums not found",
		"provider acme/nosig":   "SHA256SUMS.sig",
		"provider other/nokeys": "no signing keys",
	}
	if len(sum.Failures) != 3 {
		t.Fatalf("failures = %+v", sum.Failures)
	}
	for _, f := range sum.Failures {
		if !strings.Contains(f.Error, want[f.Entry]) {
			t.Errorf("%s: error %q, want it to mention %q", f.Entry, f.Error, want[f.Entry])
		}
	}
	for _, a := range []regdata.ProviderAddr{a1, a2, a3} {
		if f := e.readProvider(a); len(f.Versions) != 0 || len(f.VersionsErrors) != 1 {
			t.Errorf("%s: versions %v, errors %+v", a, providerVersions(f), f.VersionsErrors)
		}
	}
}

// One failing entry does not stop the others: successes are written.
func TestPartialFailure(t *testing.T) {
	e := newEnv(t)
	key := ghtest.NewKeyEd25519(t, "Acme")
	e.writeKey("acme", key)
	good := e.provider("acme", "good")
	e.provider("acme", "gone") // no repository upstream
	e.srv.AddProviderRelease("acme", "terraform-provider-good", ghtest.ProviderRelease{Type: "good", Version: "1.0.0", Key: key})
	sum := e.run()
	if len(sum.Failures) != 1 || sum.Failures[0].Entry != "provider acme/gone" || !strings.Contains(sum.Failures[0].Error, "not found") {
		t.Fatalf("failures = %+v", sum.Failures)
	}
	if got := providerVersions(e.readProvider(good)); !slices.Equal(got, []string{"1.0.0"}) {
		t.Errorf("good provider versions = %v", got)
	}
	if !sum.Failed() {
		t.Error("Failed() = false")
	}
}

// The repository field overrides where releases are fetched from.
func TestProviderRepositoryOverride(t *testing.T) {
	e := newEnv(t)
	key := ghtest.NewKeyEd25519(t, "Acme")
	e.writeKey("acme", key)
	addr := regdata.ProviderAddr{Namespace: "acme", Type: "widget"}
	if err := e.dir.WriteProvider(addr, &regdata.ProviderFile{Repository: "https://github.com/acme-labs/terraform-provider-widget"}); err != nil {
		t.Fatal(err)
	}
	a := e.srv.AddProviderRelease("acme-labs", "terraform-provider-widget", ghtest.ProviderRelease{Type: "widget", Version: "1.0.0", Key: key})
	mustNoFailures(t, e.run())
	f := e.readProvider(addr)
	if len(f.Versions) != 1 || f.Versions[0].SHASumsURL != a.ShasumsURL {
		t.Fatalf("versions = %+v", f.Versions)
	}
	if f.Repository != "https://github.com/acme-labs/terraform-provider-widget" {
		t.Errorf("repository field rewritten to %q", f.Repository)
	}
	checkUnknownPaths(t, e.srv, "_manifest.json")
}

// A data file that is not valid JSON fails its entry with the file's name
// and position; the other entries go on.
func TestBrokenDataFile(t *testing.T) {
	e := newEnv(t)
	m := e.module("acme", "vpc", "aws")
	r := e.srv.NewRepo("acme", "terraform-aws-vpc")
	r.Tag("v1.0.0", r.Commit(map[string]string{"main.tf": "#"}, "one"))
	bad := regdata.ProviderAddr{Namespace: "acme", Type: "broken"}
	if err := regdata.WriteFileAtomic(e.data+"/"+regdata.ProviderFilePath(bad), []byte("{\n  \"versions\": [\n    {\"version\": }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := e.run()
	if len(sum.Failures) != 1 || !strings.Contains(sum.Failures[0].Error, "providers/a/acme/broken.json: line 3") {
		t.Fatalf("failures %+v", sum.Failures)
	}
	if len(e.readModule(m).Versions) != 1 {
		t.Error("the module was not ingested")
	}
}
