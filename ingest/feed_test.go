package ingest

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/internal/ghtest"
)

// A feed that fails (500), is malformed, is an HTML page or is empty never
// loses data: the entry falls back to listing tags, so the new release is
// still found, and the known versions stay as they were.
func TestFeedFaults(t *testing.T) {
	cases := []struct {
		name   string
		break_ func(e *env, repo *ghtest.Repo)
		warn   bool
	}{
		{"500", func(e *env, r *ghtest.Repo) {
			e.srv.FailNext("/acme/terraform-provider-widget/releases.atom", 1, http.StatusInternalServerError)
		}, true},
		{"malformed", func(e *env, r *ghtest.Repo) { r.SetFeedFault(ghtest.FeedMalformed) }, true},
		{"html", func(e *env, r *ghtest.Repo) { r.SetFeedFault(ghtest.FeedHTML) }, true},
		{"empty", func(e *env, r *ghtest.Repo) { r.SetFeedFault(ghtest.FeedEmpty) }, false},
	}
	key := ghtest.NewKeyEd25519(t, "Acme")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.writeKey("acme", key)
			addr := e.provider("acme", "widget")
			e.srv.AddProviderRelease("acme", "terraform-provider-widget", ghtest.ProviderRelease{Type: "widget", Version: "1.0.0", Key: key})
			mustNoFailures(t, e.run())
			before := e.readProvider(addr)

			e.srv.AddProviderRelease("acme", "terraform-provider-widget", ghtest.ProviderRelease{Type: "widget", Version: "1.1.0", Key: key})
			c.break_(e, e.srv.Repo("acme", "terraform-provider-widget"))
			e.advance(time.Minute)
			sum := e.run()
			mustNoFailures(t, sum)
			f := e.readProvider(addr)
			if got := providerVersions(f); !slices.Equal(got, []string{"1.1.0", "1.0.0"}) {
				t.Errorf("versions = %v", got)
			}
			if d := cmp.Diff(before.Versions[0], *f.Version("1.0.0")); d != "" {
				t.Errorf("known version changed:\n%s", d)
			}
			if got := len(sum.Warnings) > 0; got != c.warn {
				t.Errorf("warnings = %+v, want some: %v", sum.Warnings, c.warn)
			}

			// Still broken, nothing new: nothing changes and nothing fails.
			e.advance(time.Minute)
			sum = e.run()
			mustNoFailures(t, sum)
			if got := providerVersions(e.readProvider(addr)); !slices.Equal(got, []string{"1.1.0", "1.0.0"}) {
				t.Errorf("versions after a second broken poll = %v", got)
			}
		})
	}
}

// The same gate works for modules through tags.atom.
func TestModuleFeedFaults(t *testing.T) {
	for _, fault := range []ghtest.FeedFault{ghtest.FeedMalformed, ghtest.FeedEmpty, ghtest.FeedHTML} {
		t.Run(fault.String(), func(t *testing.T) {
			e := newEnv(t)
			addr := e.module("acme", "vpc", "aws")
			r := e.srv.NewRepo("acme", "terraform-aws-vpc")
			r.Tag("v1.0.0", r.Commit(map[string]string{"main.tf": "# 1"}, "one"))
			mustNoFailures(t, e.run())
			r.Tag("v1.1.0", r.Commit(map[string]string{"main.tf": "# 2"}, "two"))
			r.SetFeedFault(fault)
			sum := e.run()
			mustNoFailures(t, sum)
			if got := moduleVersions(e.readModule(addr)); !slices.Equal(got, []string{"v1.1.0", "v1.0.0"}) {
				t.Errorf("versions = %v", got)
			}
			if fault != ghtest.FeedEmpty && !strings.Contains(sumWarnings(sum), "tags feed unusable") {
				t.Errorf("warnings = %+v", sum.Warnings)
			}
		})
	}
}

func sumWarnings(s *Summary) string {
	var b strings.Builder
	for _, w := range s.Warnings {
		b.WriteString(w.Entry + ": " + w.Message + "\n")
	}
	return b.String()
}
