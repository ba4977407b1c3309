package scaffold

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/regen-registry/regen/config"
	"github.com/regen-registry/regen/ingest/issueform"
	"github.com/regen-registry/regen/ingest/issueform/formtest"
	"github.com/regen-registry/regen/internal/testtool"
	"github.com/regen-registry/regen/modarchive"
	"github.com/regen-registry/regen/moddocs"
	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/regdata/validate"
)

var update = flag.Bool("update", false, "rewrite golden files and the repository's .github/ISSUE_TEMPLATE")

var goldenOpts = Options{Host: "registry.example.com", RegenVersion: "v1.2.3"}

// goldenPath maps a scaffold path to its golden file: leading dots become
// "dot-" so that no golden file acts as a .gitignore or workflow.
func goldenPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ".") {
			parts[i] = "dot-" + s[1:]
		}
	}
	return filepath.Join(append([]string{"testdata", "golden"}, parts...)...)
}

// TestGolden pins every generated file, the workflows included.
func TestGolden(t *testing.T) {
	files, err := Render(goldenOpts)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		p := goldenPath(f.Path)
		if *update {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%v (go test ./scaffold -update writes it)", err)
		}
		if d := cmp.Diff(string(want), string(f.Data)); d != "" {
			t.Errorf("%s differs from %s (-want +got; -update rewrites it):\n%s", f.Path, p, d)
		}
	}
}

func TestInitTwiceKeepsChanges(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "registry")
	o := Options{Dir: dir, Host: "registry.example.com"}
	first, err := Init(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range first {
		if r.Action != Created {
			t.Errorf("first run: %s %s, want created", r.Path, r.Action)
		}
	}
	second, err := Init(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range second {
		if r.Action != Unchanged {
			t.Errorf("second run: %s %s, want unchanged", r.Path, r.Action)
		}
	}
	cfg := filepath.Join(dir, "regen.yaml")
	mine := []byte("host: mine.example.org\n")
	if err := os.WriteFile(cfg, mine, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "README.md")); err != nil {
		t.Fatal(err)
	}
	third, err := Init(ctx, Options{Dir: dir, Host: "other.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Action{}
	for _, r := range third {
		got[r.Path] = r.Action
	}
	if got["regen.yaml"] != Kept || got["README.md"] != Created || got[".github/workflows/regen-publish.yml"] != Unchanged {
		t.Errorf("third run: %v", got)
	}
	if b, _ := os.ReadFile(cfg); string(b) != string(mine) {
		t.Errorf("regen.yaml was overwritten: %q", b)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*.regen-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "r")
	res, err := Init(context.Background(), Options{Dir: dir, Host: "registry.example.com", DryRun: true})
	if err != nil || len(res) == 0 {
		t.Fatalf("%v %v", res, err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("dry run created %s", dir)
	}
}

func TestOptionErrors(t *testing.T) {
	for _, tc := range []struct {
		o    Options
		want string
	}{
		{Options{}, "--host: the registry's public host name is required (such as registry.example.com)"},
		{Options{Host: "localhost"}, `--host: "localhost" has no dot: Terraform rejects module sources on such hosts (use a name such as registry.example.com)`},
		{Options{Host: "r.example.com", UploadTarget: "r2://x"}, `--upload-target: "r2://x": want s3://BUCKET[/PREFIX] or file:///PATH`},
		{Options{Host: "r.example.com", CloudflareZone: "example.com"}, `--cloudflare-zone: "example.com" is not a zone ID (32 hex digits, shown on the zone's overview page); the zone's name does not work here`},
		{Options{Host: "r.example.com", RegenVersion: "v1; rm -rf /"}, `--regen-version "v1; rm -rf /": want a module version such as v1.2.3 or latest`},
	} {
		_, err := Render(tc.o)
		if err == nil || err.Error() != tc.want {
			t.Errorf("Render(%+v) = %v, want %q", tc.o, err, tc.want)
		}
	}
}

// TestConfigFilled checks that the options reach regen.yaml and that it
// parses.
func TestConfigFilled(t *testing.T) {
	files, err := Render(Options{Host: "Registry.Example.com", UploadTarget: "s3://bucket", UploadEndpoint: "https://acct.r2.cloudflarestorage.com",
		UploadRegion: "auto", CloudflareZone: "0123456789abcdef0123456789abcdef", BaseURL: "https://registry.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := config.Parse("regen.yaml", fileData(files, "regen.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Host != "registry.example.com" || c.Upload.Target != "s3://bucket" || c.Upload.Region != "auto" ||
		c.Cloudflare.Zone != "0123456789abcdef0123456789abcdef" || c.Data != "registry-data" || c.Out != "dist" {
		t.Errorf("config %+v", c)
	}
}

// TestDataFolderValidates runs the real validator on the generated data
// folder.
func TestDataFolderValidates(t *testing.T) {
	dir := t.TempDir()
	if _, err := Init(context.Background(), Options{Dir: dir, Host: "registry.example.com"}); err != nil {
		t.Fatal(err)
	}
	rep, err := validate.Run(context.Background(), regdata.Dir{Root: filepath.Join(dir, "registry-data")}, validate.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	_ = rep.WriteText(&b)
	if !rep.OK() {
		t.Errorf("generated data folder does not validate:\n%s", b.String())
	}
	mods, _, err := regdata.Dir{Root: filepath.Join(dir, "registry-data")}.Modules()
	if err != nil || len(mods) != 1 || mods[0].String() != "hashicorp/subnets/cidr" {
		t.Errorf("example entry: %v %v", mods, err)
	}
}

// TestIssueFormsParse renders each submission form as GitHub renders a
// submitted form and reads it back with the issue-form parser, so the
// forms' labels and the parser cannot drift apart.
func TestIssueFormsParse(t *testing.T) {
	key, err := os.ReadFile("../registry-data/keys/a/ataila/provider-1790975147.asc")
	if err != nil {
		t.Fatal(err)
	}
	answers := map[string]string{"repository": "", "namespace": "ataila", "type": "", "key": string(key)}
	files, err := Render(goldenOpts)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file, repo string
		want       issueform.Submission
	}{
		{"add-provider.yml", "ataila/terraform-provider-ataila", issueform.Submission{Kind: issueform.KindProvider, Address: "ataila/ataila", Repository: "ataila/terraform-provider-ataila"}},
		{"add-module.yml", "hashicorp/terraform-cidr-subnets", issueform.Submission{Kind: issueform.KindModule, Address: "hashicorp/subnets/cidr", Repository: "hashicorp/terraform-cidr-subnets"}},
		{"add-signing-key.yml", "", issueform.Submission{Kind: issueform.KindKey, Address: "ataila", Key: string(key), KeyID: "51740425A2D915F8"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			form, err := formtest.Parse(fileData(files, ".github/ISSUE_TEMPLATE/"+tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(form.Labels) == 0 || form.Labels[0] != "submission" {
				t.Errorf("labels %v: the submissions workflow runs only on issues labelled submission", form.Labels)
			}
			answers["repository"] = tc.repo
			fields, err := form.Fill(answers)
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := issueform.Parse(issueform.Render(fields))
			if err != nil {
				t.Fatal(err)
			}
			sub, err := issueform.FromForm(parsed)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, *sub); d != "" {
				t.Errorf("submission (-want +got):\n%s", d)
			}
		})
	}
}

// TestRepositoryIssueForms checks that this repository's own
// .github/ISSUE_TEMPLATE holds the scaffold's forms.
func TestRepositoryIssueForms(t *testing.T) {
	files, err := Render(goldenOpts)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !strings.HasPrefix(f.Path, ".github/ISSUE_TEMPLATE/") {
			continue
		}
		p := filepath.Join("..", filepath.FromSlash(f.Path))
		if *update {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("%v (go test ./scaffold -update copies the forms)", err)
			continue
		}
		if string(got) != string(f.Data) {
			t.Errorf("%s differs from the scaffold's form (go test ./scaffold -update copies it)", p)
		}
	}
}

// TestWorkflowScripts checks that every workflow is YAML and every run
// script is valid bash.
func TestWorkflowScripts(t *testing.T) {
	bash := testtool.Require(t, "bash", "")
	files, err := Render(goldenOpts)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if !strings.HasPrefix(f.Path, ".github/workflows/") {
			continue
		}
		var wf struct {
			Jobs map[string]struct {
				Steps []struct {
					Name string `yaml:"name"`
					Run  string `yaml:"run"`
				} `yaml:"steps"`
			} `yaml:"jobs"`
		}
		if err := yaml.Unmarshal(f.Data, &wf); err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		for job, j := range wf.Jobs {
			for i, s := range j.Steps {
				if s.Run == "" {
					continue
				}
				n++
				cmd := exec.Command(bash, "-n", "-e", "-o", "pipefail")
				cmd.Stdin = strings.NewReader(s.Run)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("%s job %s step %d (%s): bash -n: %v\n%s", f.Path, job, i, s.Name, err, out)
				}
			}
		}
	}
	if n < 8 {
		t.Errorf("only %d run steps found", n)
	}
}

// TestPublishWorkflowCachesTheStores checks that the generated publish
// workflow keeps the previous build and the stores beside the data folder
// (module docs, archive mode's packages) from one scheduled run to the
// next: restored before regen ingest runs, saved (under the key restored)
// after regen build, which fills the archive store in archive mode.
func TestPublishWorkflowCachesTheStores(t *testing.T) {
	files, err := Render(goldenOpts)
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Uses string            `yaml:"uses"`
				Run  string            `yaml:"run"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(fileData(files, ".github/workflows/regen-publish.yml"), &wf); err != nil {
		t.Fatal(err)
	}
	restored, saved := map[string]string{}, map[string]string{} // path → key
	ingested, built := false, false
	for _, st := range wf.Jobs["publish"].Steps {
		ingested = ingested || strings.HasPrefix(st.Run, "regen ingest")
		built = built || strings.HasPrefix(st.Run, "regen build")
		for _, p := range strings.Fields(st.With["path"]) {
			if !ingested && (strings.HasPrefix(st.Uses, "actions/cache@") || strings.HasPrefix(st.Uses, "actions/cache/restore@")) {
				restored[p] = st.With["key"]
			}
			switch {
			case strings.HasPrefix(st.Uses, "actions/cache@"): // saved when the job ends
				saved[p] = st.With["key"]
			case built && strings.HasPrefix(st.Uses, "actions/cache/save@"):
				saved[p] = st.With["key"]
			}
		}
	}
	for _, p := range []string{"dist", moddocs.DefaultDirName, modarchive.DefaultDirName} {
		if restored[p] == "" || saved[p] != restored[p] {
			t.Errorf("the publish job does not keep %s: restored before regen ingest under %q, saved after regen build under %q",
				p, restored[p], saved[p])
		}
	}
	ignored := string(fileData(files, ".gitignore"))
	for _, p := range []string{moddocs.DefaultDirName, modarchive.DefaultDirName} {
		if !strings.Contains(ignored, "/"+p+"/\n") {
			t.Errorf(".gitignore does not keep %s out of git", p)
		}
	}
}
