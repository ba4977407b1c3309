package ingest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/regen-registry/regen/internal/ghtest"
	"github.com/regen-registry/regen/regdata"
)

// Discover pages through the organisation's repositories (more than one
// page), adds the providers and modules not yet present, skips the rest
// with reasons, and sends the token to the API and git only.
func TestDiscover(t *testing.T) {
	const token = "s3cret"
	e := newEnv(t, ghtest.WithToken(token))
	key := ghtest.NewKeyEd25519(t, "Org")
	e.writeKey("Org", key)
	for i := range 120 {
		e.srv.NewRepo("Org", fmt.Sprintf("other-%03d", i))
	}
	tagged := func(name string) *ghtest.Repo {
		r := e.srv.NewRepo("Org", name)
		r.Tag("v1.0.0", r.Commit(map[string]string{"main.tf": "#"}, "one"))
		return r
	}
	tagged("terraform-aws-vpc")
	tagged("terraform-google-cloud-sql") // name with a dash
	tagged("terraform-aws-present")
	tagged("terraform-aws-forked").SetFork(true)
	tagged("terraform-aws-secret").SetPrivate(true)
	e.srv.NewRepo("Org", "terraform-aws-untagged").Commit(map[string]string{"main.tf": "#"}, "one")
	e.srv.AddProviderRelease("Org", "terraform-provider-thing", ghtest.ProviderRelease{Type: "thing", Version: "0.1.0", Key: key})
	e.module("Org", "present", "aws")

	o := e.options()
	o.Token = token
	sum, err := Discover(t.Context(), o, "Org")
	if err != nil {
		t.Fatal(err)
	}
	mustNoFailures(t, sum)
	wantCreated := []string{"module/org/cloud-sql/google", "module/org/vpc/aws", "provider/org/thing"}
	if !slices.Equal(sum.Created, wantCreated) {
		t.Errorf("created %v, want %v", sum.Created, wantCreated)
	}
	if len(sum.NewVersions) != 3 {
		t.Errorf("new versions %v", sum.NewVersions)
	}
	skipped := map[string]string{}
	for _, s := range sum.Skipped {
		skipped[s.Entry] = s.Message
	}
	for repo, want := range map[string]string{
		"Org/terraform-aws-forked":   "fork",
		"Org/terraform-aws-secret":   "private",
		"Org/terraform-aws-untagged": "no semver tags",
	} {
		if !strings.Contains(skipped[repo], want) {
			t.Errorf("skipped[%s] = %q, want %q", repo, skipped[repo], want)
		}
	}
	if len(skipped) != 3 {
		t.Errorf("skipped %v", skipped)
	}
	if f := e.readModule(regdata.ModuleAddr{Namespace: "Org", Name: "cloud-sql", System: "google"}); len(f.Versions) != 1 {
		t.Errorf("cloud-sql versions %v", moduleVersions(f))
	}
	if n := e.srv.RequestCount("/api/v3/"); n < 2 {
		t.Errorf("%d API requests: no pagination", n)
	}
	for _, r := range e.srv.RequestLog() {
		auth := r.Header.Get("Authorization") != ""
		api := strings.HasPrefix(r.Path, "/api/")
		git := strings.HasSuffix(r.Path, "/info/refs")
		if auth != (api || git) {
			t.Errorf("%s: Authorization sent = %v", r.Path, auth)
		}
	}

	// Nothing new the second time.
	sum, err = Discover(t.Context(), o, "Org")
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Created) != 0 {
		t.Errorf("second discover created %v", sum.Created)
	}

	// Without the token the API refuses: the run fails as a whole.
	o.Token = ""
	if _, err := Discover(t.Context(), o, "Org"); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("discover without token: %v", err)
	}
	if _, err := Discover(t.Context(), func() Options { o := e.options(); o.Token = token; return o }(), "nobody"); err == nil ||
		!strings.Contains(err.Error(), "no organisation or user") {
		t.Errorf("unknown org: %v", err)
	}
}
