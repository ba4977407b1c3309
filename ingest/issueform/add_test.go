package issueform

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regen-registry/regen/ingest"
	"github.com/regen-registry/regen/internal/ghtest"
	"github.com/regen-registry/regen/regdata"
)

// TestAddAgainstLoopbackGitHub performs submissions read from forms
// against a loopback GitHub: a module and a key are added, a provider
// without a key and a module whose repository does not exist are refused.
func TestAddAgainstLoopbackGitHub(t *testing.T) {
	gh := ghtest.New(t)
	vpc := gh.NewRepo("acme", "terraform-aws-vpc")
	vpc.Tag("v1.0.0", vpc.Commit(map[string]string{"main.tf": "# vpc\n"}, "first"))
	key := ghtest.NewKeyEd25519(t, "Acme")
	gh.AddProviderRelease("acme", "terraform-provider-widget", ghtest.ProviderRelease{
		Type: "widget", Version: "1.0.0", Key: key, Protocols: []string{"5.0"},
		Platforms: []ghtest.Platform{{OS: "linux", Arch: "amd64"}},
	})
	data := t.TempDir()
	o := ingest.Options{Data: data, GitHubURL: gh.URL, GitHubAPIURL: gh.APIURL(), TempDir: t.TempDir()}
	ctx := context.Background()
	submit := func(fields ...Field) (*Result, error) {
		form, err := Parse(Render(fields))
		if err != nil {
			t.Fatal(err)
		}
		s, err := FromForm(form)
		if err != nil {
			t.Fatal(err)
		}
		return Add(ctx, o, s)
	}

	res, err := submit(Field{Label: LabelModuleRepository, Value: "https://github.com/acme/terraform-aws-vpc"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Summary.NewVersions) != 1 {
		t.Errorf("module summary %+v", res.Summary)
	}
	mf, err := regdata.Dir{Root: data}.ReadModule(regdata.ModuleAddr{Namespace: "acme", Name: "vpc", System: "aws"})
	if err != nil || len(mf.Versions) != 1 {
		t.Errorf("module file %+v %v", mf, err)
	}

	_, err = submit(Field{Label: LabelProviderRepository, Value: "acme/terraform-provider-widget"})
	if err == nil || !strings.Contains(err.Error(), "key") {
		t.Errorf("provider without a key: %v", err)
	}

	res, err = submit(Field{Label: LabelKeyNamespace, Value: "acme"}, Field{Label: LabelKeyType}, Field{Label: LabelKey, Value: key.Armored()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Key == nil || !strings.EqualFold(res.Key.KeyID, key.KeyID()) {
		t.Errorf("key result %+v, want key %s", res.Key, key.KeyID())
	}
	if _, err := os.Stat(filepath.Join(data, filepath.FromSlash(res.Key.Path))); err != nil {
		t.Errorf("key file: %v", err)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(o.TempDir, "regen-key-*")); len(leftovers) > 0 {
		t.Errorf("temporary key files left: %v", leftovers)
	}

	res, err = submit(Field{Label: LabelProviderRepository, Value: "acme/terraform-provider-widget"})
	if err != nil {
		t.Fatalf("provider after its key: %v", err)
	}
	if len(res.Summary.NewVersions) != 1 || res.Summary.Failed() {
		t.Errorf("provider summary %+v", res.Summary)
	}

	_, err = submit(Field{Label: LabelModuleRepository, Value: "acme/terraform-aws-missing"})
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing repository: %v", err)
	}
}
