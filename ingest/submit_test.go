package ingest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/regen-registry/regen/internal/ghtest"
	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/regdata/events"
)

func TestAddModule(t *testing.T) {
	e := newEnv(t)
	r := e.srv.NewRepo("acme", "terraform-aws-vpc")
	r.Tag("v1.0.0", r.Commit(map[string]string{"main.tf": "#"}, "one"))
	other := e.srv.NewRepo("acme-forks", "terraform-aws-vpc")
	other.Tag("v2.0.0", other.Commit(map[string]string{"main.tf": "#"}, "one"))
	e.srv.NewRepo("acme", "terraform-aws-empty").Commit(map[string]string{"main.tf": "#"}, "no tags")
	vm := e.srv.NewRepo("acme", "vpc-module")
	vm.Tag("v1.0.0", vm.Commit(map[string]string{"main.tf": "#"}, "one"))

	sum, err := AddModule(t.Context(), e.options(), "acme/vpc/aws", "")
	if err != nil {
		t.Fatal(err)
	}
	mustNoFailures(t, sum)
	if !slices.Equal(sum.Created, []string{"module/acme/vpc/aws"}) || len(sum.NewVersions) != 1 {
		t.Errorf("summary: created %v, new %v", sum.Created, sum.NewVersions)
	}
	f := e.readModule(regdata.ModuleAddr{Namespace: "acme", Name: "vpc", System: "aws"})
	if got := moduleVersions(f); !slices.Equal(got, []string{"v1.0.0"}) || f.Repository != "" {
		t.Errorf("versions %v, repository %q", got, f.Repository)
	}
	evs := e.events()
	if len(evs) != 2 || evs[0].Type != events.ModuleCreated || evs[1].Type != events.ModuleVersionReleased {
		t.Errorf("events = %+v", evs)
	}

	// Another owner's repository is recorded in the repository field.
	if _, err := AddModule(t.Context(), e.options(), "acme/vpc/google", ""); err == nil {
		t.Error("module without a repository was added")
	}
	sum, err = AddModule(t.Context(), e.options(), "acme2/vpc/aws", other.HTMLURL())
	if err != nil {
		t.Fatal(err)
	}
	if f := e.readModule(regdata.ModuleAddr{Namespace: "acme2", Name: "vpc", System: "aws"}); f.Repository != other.HTMLURL() || len(f.Versions) != 1 {
		t.Errorf("override: repository %q, versions %v", f.Repository, moduleVersions(f))
	}

	for _, c := range []struct{ addr, repo, want string }{
		{"acme/vpc/aws", "", "already in the registry"},
		{"ACME/VPC/aws", "", "already in the registry"},
		{"acme/empty/aws", "", "no semver tags"},
		{"acme/missing/aws", "", "does not exist"},
		{"acme/vpc/gcp", "acme/vpc-module", `want "terraform-gcp-vpc"`},
		{"acme/vpc", "", "want NAMESPACE/NAME/SYSTEM"},
		{"acme/vpc/aws", "https://gitlab.com/acme/terraform-aws-vpc", "already in the registry"},
		{"acme/dns/aws", "https://gitlab.com/acme/terraform-aws-dns", "not on GitHub"},
	} {
		_, err := AddModule(t.Context(), e.options(), c.addr, c.repo)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("AddModule(%q, %q) = %v, want an error containing %q", c.addr, c.repo, err, c.want)
		}
	}
}

func TestAddProviderAndKey(t *testing.T) {
	e := newEnv(t)
	key := ghtest.NewKeyEd25519(t, "Acme")
	wrong := ghtest.NewKeyEd25519(t, "Mallory")
	e.srv.AddProviderRelease("acme", "terraform-provider-widget", ghtest.ProviderRelease{Type: "widget", Version: "1.0.0", Key: key})

	// No key yet: refused.
	if _, err := AddProvider(t.Context(), e.options(), "acme/widget", ""); err == nil || !strings.Contains(err.Error(), "no signing keys") {
		t.Fatalf("AddProvider without keys: %v", err)
	}
	if _, ok, _ := findProvider(e.dir, regdata.ProviderAddr{Namespace: "acme", Type: "widget"}); ok {
		t.Fatal("a refused provider left a data file")
	}

	keyFile := writeTemp(t, "acme.asc", key.Armored())
	res, err := AddKey(t.Context(), e.options(), "acme", keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if res.Path != "keys/a/acme/"+key.KeyID()+".asc" || res.KeyID != key.KeyID() || len(res.Verified) != 0 {
		t.Errorf("AddKey = %+v", res)
	}
	if _, err := AddKey(t.Context(), e.options(), "acme/widget", keyFile); err == nil || !strings.Contains(err.Error(), "already") {
		t.Errorf("duplicate key: %v", err)
	}

	sum, err := AddProvider(t.Context(), e.options(), "acme/widget", "")
	if err != nil {
		t.Fatal(err)
	}
	mustNoFailures(t, sum)
	if len(sum.NewVersions) != 1 {
		t.Errorf("new versions %v", sum.NewVersions)
	}

	// A key that does not verify the latest release is refused, for the
	// provider and for its namespace.
	wrongFile := writeTemp(t, "wrong.asc", wrong.Armored())
	for _, target := range []string{"acme/widget", "acme"} {
		if _, err := AddKey(t.Context(), e.options(), target, wrongFile); err == nil || !strings.Contains(err.Error(), "does not verify") {
			t.Errorf("AddKey(%s, wrong key) = %v", target, err)
		}
	}
	// A provider key that verifies is accepted.
	e2 := ghtest.NewKeyEd25519(t, "Acme rotated")
	e.srv.AddProviderRelease("acme", "terraform-provider-widget", ghtest.ProviderRelease{Type: "widget", Version: "1.1.0", Key: e2})
	sum = e.run()
	if len(sum.Failures) != 1 {
		t.Fatalf("release signed by an unknown key: failures %+v", sum.Failures)
	}
	res, err = AddKey(t.Context(), e.options(), "acme/widget", writeTemp(t, "e2.asc", e2.Armored()))
	if err == nil || !strings.Contains(err.Error(), "does not verify") {
		// 1.0.0 is still the latest published release, signed by the old key.
		t.Errorf("rotated key checked against 1.0.0: %v %+v", err, res)
	}

	// Bad key files.
	for name, content := range map[string]string{
		"garbage.asc": "not a key",
		"two.asc":     key.Armored() + wrong.Armored(),
	} {
		if _, err := AddKey(t.Context(), e.options(), "acme", writeTemp(t, name, content)); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("AddKey(%s) = %v, want an error naming the file", name, err)
		}
	}
	if _, err := AddKey(t.Context(), e.options(), "ac/me/x", keyFile); err == nil {
		t.Error("AddKey accepted a bad target")
	}
}

// A key added for a provider whose versions failed clears their back-off.
func TestAddKeyRetriesFailedVersions(t *testing.T) {
	e := newEnv(t)
	old := ghtest.NewKeyEd25519(t, "Old")
	e.writeKey("acme", old)
	addr := e.provider("acme", "widget")
	fresh := ghtest.NewKeyEd25519(t, "New")
	e.srv.AddProviderRelease("acme", "terraform-provider-widget", ghtest.ProviderRelease{Type: "widget", Version: "1.0.0", Key: fresh})
	if sum := e.run(); len(sum.Failures) != 1 {
		t.Fatalf("failures %+v", sum.Failures)
	}
	if _, err := AddKey(t.Context(), e.options(), "acme/widget", writeTemp(t, "new.asc", fresh.Armored())); err != nil {
		t.Fatal(err)
	}
	sum := e.run()
	mustNoFailures(t, sum)
	if got := providerVersions(e.readProvider(addr)); !slices.Equal(got, []string{"1.0.0"}) {
		t.Errorf("versions %v", got)
	}
	if _, err := os.Stat(filepath.Join(e.data, "keys/a/acme/widget", fresh.KeyID()+".asc")); err != nil {
		t.Error(err)
	}
}

func TestRevoke(t *testing.T) {
	e := newEnv(t)
	addr := e.module("Acme", "vpc", "aws")
	r := e.srv.NewRepo("Acme", "terraform-aws-vpc")
	c := r.Commit(map[string]string{"main.tf": "#"}, "one")
	r.Tag("v1.0", c)
	r.Tag("v1.1.0", c)
	mustNoFailures(t, e.run())
	if got := moduleVersions(e.readModule(addr)); !slices.Equal(got, []string{"v1.1.0"}) {
		t.Fatalf("versions %v (v1.0 is not strict semver)", got)
	}
	if err := Revoke(t.Context(), e.options(), KindModule, "acme/VPC/aws", "1.1.0", "broken"); err != nil {
		t.Fatal(err)
	}
	bl, err := e.dir.ReadBlacklist()
	if err != nil {
		t.Fatal(err)
	}
	if len(bl.Modules) != 1 || bl.Modules[0] != (regdata.BlacklistedModule{Namespace: "Acme", Name: "vpc", Target: "aws", Version: "v1.1.0", Reason: "broken"}) {
		t.Errorf("blacklist %+v", bl.Modules)
	}
	evs := e.events()
	last := evs[len(evs)-1]
	if last.Type != events.ModuleVersionRevoked || last.Version != "v1.1.0" || last.Reason != "broken" || last.Commit != c {
		t.Errorf("event %+v", last)
	}
	for _, c := range []struct {
		kind            Kind
		addr, v, reason string
		want            string
	}{
		{KindModule, "acme/vpc/aws", "v1.1.0", "again", "already revoked"},
		{KindModule, "acme/vpc/aws", "9.9.9", "x", "has no version 9.9.9 (it has v1.1.0)"},
		{KindModule, "acme/vpc/aws", "v1.1.0", " ", "needs a reason"},
		{KindProvider, "acme/vpc", "1.0.0", "x", "not in the registry"},
		{"thing", "acme/vpc", "1.0.0", "x", "unknown kind"},
	} {
		if err := Revoke(t.Context(), e.options(), c.kind, c.addr, c.v, c.reason); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Revoke(%s %s %s) = %v, want %q", c.kind, c.addr, c.v, err, c.want)
		}
	}
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
