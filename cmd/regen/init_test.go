package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/regen-registry/regen/ingest/issueform"
	"github.com/regen-registry/regen/internal/ghtest"
	"github.com/regen-registry/regen/internal/testtool"
	"github.com/regen-registry/regen/regdata"
)

// operatorRegistry is a repository made by regen init, configured the way
// an operator would (GitHub and the object store pointed at loopback), on a
// git server (a bare origin) with a checkout to run workflows in.
type operatorRegistry struct {
	gh        *ghtest.Server
	repo      string // where regen init wrote
	origin    string // bare repository, the "GitHub" copy
	workspace string // a clone, as actions/checkout leaves it
	bucket    string // upload target folder
	runner    *actionsRunner
	ghLog     string
}

// newOperatorRegistry runs regen init, edits regen.yaml as an operator
// would, checks that validate and build work on the result, and pushes it
// to a bare origin.
func newOperatorRegistry(t *testing.T) *operatorRegistry {
	t.Helper()
	testtool.Require(t, "bash", "")
	testtool.Require(t, "git", "")
	ctx := context.Background()
	o := &operatorRegistry{gh: ghtest.New(t), repo: filepath.Join(t.TempDir(), "registry"), bucket: filepath.Join(t.TempDir(), "bucket")}

	// The example entry's repository, with two version tags.
	cidr := o.gh.NewRepo("hashicorp", "terraform-cidr-subnets")
	c1 := cidr.Commit(map[string]string{"main.tf": "variable \"base_cidr_block\" {}\n"}, "first")
	cidr.Tag("v1.0.0", c1)
	c2 := cidr.Commit(map[string]string{"main.tf": "variable \"base_cidr_block\" {}\noutput \"x\" { value = 1 }\n"}, "second")
	cidr.Tag("v1.1.0", c2)

	out, err := runRegen(t, ctx, "init", o.repo, "--host", "registry.example.test")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "13 created, 0 unchanged, 0 kept") {
		t.Fatalf("init output:\n%s", out)
	}
	cfg := filepath.Join(o.repo, "regen.yaml")
	edit(t, cfg, map[string]string{
		"  # url: https://github.com\n":               "  url: " + o.gh.URL + "\n",
		"  # api_url: https://api.github.com\n":       "  api_url: " + o.gh.APIURL() + "\n",
		"  # target: s3://my-registry-bucket\n":       "  target: file://" + o.bucket + "\n",
		"# jobs: 8                     # concurrency": "jobs: 4                       # concurrency",
	})

	// validate and build straight on what init wrote (paths in regen.yaml
	// are relative to it).
	if _, err := runRegen(t, ctx, "--config", cfg, "validate", "--strict"); err != nil {
		t.Fatalf("validate on a fresh scaffold: %v", err)
	}
	if _, err := runRegen(t, ctx, "--config", cfg, "build"); err != nil {
		t.Fatalf("build on a fresh scaffold: %v", err)
	}
	if _, err := os.Stat(filepath.Join(o.repo, "dist", ".well-known", "terraform.json")); err != nil {
		t.Fatalf("build did not write into the configured out folder: %v", err)
	}
	if err := os.RemoveAll(filepath.Join(o.repo, "dist")); err != nil {
		t.Fatal(err)
	}

	o.origin = filepath.Join(t.TempDir(), "origin.git")
	git(t, o.repo, "init", "-q", "-b", "main")
	git(t, o.repo, "add", "-A")
	git(t, o.repo, "commit", "-q", "-m", "regen init")
	git(t, filepath.Dir(o.origin), "init", "-q", "--bare", "-b", "main", o.origin)
	git(t, o.repo, "push", "-q", o.origin, "main")
	o.workspace = filepath.Join(t.TempDir(), "workspace")
	git(t, filepath.Dir(o.workspace), "clone", "-q", o.origin, o.workspace)

	bin, ghLog := regenOnPath(t)
	o.ghLog = ghLog
	o.runner = &actionsRunner{t: t, workspace: o.workspace, bin: bin, temp: t.TempDir(),
		secrets: map[string]string{"AWS_ACCESS_KEY_ID": "", "CLOUDFLARE_API_TOKEN": ""}}
	return o
}

// edit replaces each old text of a file by its new text, failing when an
// old text is missing (the template changed shape).
func edit(t *testing.T, name string, repl map[string]string) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	for old, new := range repl {
		if !strings.Contains(s, old) {
			t.Fatalf("%s has no %q", name, old)
		}
		s = strings.Replace(s, old, new, 1)
	}
	if err := os.WriteFile(name, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestInitThenPublishWorkflow is the operator's first day: regen init,
// validate and build on the result, then the generated publish workflow's
// commands in order (ingest → validate → commit and push → build → upload
// → health) against a loopback GitHub and a folder target, twice.
func TestInitThenPublishWorkflow(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generated workflows")
	}
	o := newOperatorRegistry(t)
	// An entry whose repository is gone: ingest fails it (exit 3), the
	// rest is still committed and published, and the health step names it.
	write(t, filepath.Join(o.workspace, "registry-data/modules/a/acme/gone/aws.json"), "{\n  \"versions\": []\n}\n")
	git(t, o.workspace, "add", "-A")
	git(t, o.workspace, "commit", "-q", "-m", "add acme/gone/aws")
	git(t, o.workspace, "push", "-q", "origin", "main")

	res := o.runner.run(".github/workflows/regen-publish.yml", map[string]any{"schedule": "*/30 * * * *"})
	mustSucceed(t, "regen-publish", res)

	// The ingest found both tags and the commit reached origin.
	if msg := git(t, o.origin, "log", "-1", "--format=%s", "main"); msg != "ingest: new versions" {
		t.Errorf("origin main head %q, want the ingest commit", msg)
	}
	data := git(t, o.origin, "show", "main:registry-data/modules/h/hashicorp/subnets/cidr.json")
	mf, err := regdata.ParseModuleFile([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	var versions []string
	for _, v := range mf.Versions {
		versions = append(versions, v.Version)
	}
	if !slices.Equal(versions, []string{"v1.1.0", "v1.0.0"}) {
		t.Errorf("committed versions %v, want v1.1.0 and v1.0.0", versions)
	}
	// The upload reached the configured target.
	got, err := os.ReadFile(filepath.Join(o.bucket, "v1", "modules", "hashicorp", "subnets", "cidr", "versions"))
	if err != nil {
		t.Fatalf("uploaded tree: %v", err)
	}
	if !strings.Contains(string(got), `"1.1.0"`) || !strings.Contains(string(got), `"1.0.0"`) {
		t.Errorf("uploaded versions document: %s", got)
	}
	if _, err := os.Stat(filepath.Join(o.bucket, ".well-known", "terraform.json")); err != nil {
		t.Errorf("no discovery document uploaded: %v", err)
	}
	summary, _ := os.ReadFile(filepath.Join(o.runner.temp, "GITHUB_STEP_SUMMARY"))
	if !strings.Contains(string(summary), "0 providers, 2 modules: 1 failing") || !strings.Contains(string(summary), "module/acme/gone/aws: listing tags of") || !strings.Contains(string(summary), "repository not found") {
		t.Errorf("step summary lacks the health line or the failing entry with its reason:\n%s", summary)
	}

	// A second run finds nothing new: no commit, the upload has nothing to do.
	head := git(t, o.origin, "rev-parse", "main")
	git(t, o.workspace, "pull", "-q", "--ff-only")
	res = o.runner.run(".github/workflows/regen-publish.yml", map[string]any{"schedule": "*/30 * * * *"})
	mustSucceed(t, "regen-publish (second run)", res)
	if after := git(t, o.origin, "rev-parse", "main"); after != head {
		t.Errorf("second run committed again (%s → %s)", head, after)
	}
	if !slices.ContainsFunc(res, func(r stepResult) bool { return strings.Contains(r.Output, "no data change") }) {
		t.Errorf("second run did not report 'no data change'")
	}

	// A fresh release, announced by the module's own release workflow with
	// a repository_dispatch, while someone else pushed to main: just that
	// entry is ingested, the commit is rebased and pushed, and the new
	// version is uploaded.
	cidr := o.gh.Repo("hashicorp", "terraform-cidr-subnets")
	cidr.Tag("v1.2.0", cidr.Commit(map[string]string{"main.tf": "variable \"base_cidr_block\" {}\n# 1.2\n"}, "third"))
	other := filepath.Join(t.TempDir(), "other")
	git(t, filepath.Dir(other), "clone", "-q", o.origin, other)
	write(t, filepath.Join(other, "NOTES.md"), "meanwhile\n")
	git(t, other, "add", "-A")
	git(t, other, "commit", "-q", "-m", "meanwhile")
	git(t, other, "push", "-q", "origin", "main")
	res = o.runner.run(".github/workflows/regen-publish.yml", map[string]any{
		"action": "regen-release", "client_payload": map[string]any{"entry": "hashicorp/subnets/cidr"}})
	mustSucceed(t, "regen-publish (repository_dispatch)", res)
	ingested, _ := os.ReadFile(filepath.Join(o.runner.temp, "ingest.json"))
	if strings.Contains(string(ingested), "acme/gone") || !strings.Contains(string(ingested), "v1.2.0") {
		t.Errorf("the dispatched run did not ingest just the named entry:\n%s", ingested)
	}
	if log := git(t, o.origin, "log", "-2", "--format=%s", "main"); log != "ingest: new versions\nmeanwhile" {
		t.Errorf("origin main log:\n%s", log)
	}
	got, err = os.ReadFile(filepath.Join(o.bucket, "v1", "modules", "hashicorp", "subnets", "cidr", "versions"))
	if err != nil || !strings.Contains(string(got), `"1.2.0"`) {
		t.Errorf("the dispatched release was not uploaded: %s %v", got, err)
	}
}

// TestValidateWorkflow runs the pull-request workflow on a good and a bad
// change.
func TestValidateWorkflow(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generated workflows")
	}
	o := newOperatorRegistry(t)
	pr := map[string]any{"pull_request": map[string]any{"number": 5, "base": map[string]any{"ref": "main"}}}
	ws := o.workspace

	git(t, ws, "checkout", "-q", "-b", "add-vpc")
	write(t, filepath.Join(ws, "registry-data/modules/a/acme/vpc/aws.json"), "{\n  \"versions\": []\n}\n")
	git(t, ws, "add", "-A")
	git(t, ws, "commit", "-q", "-m", "add acme/vpc/aws")
	mustSucceed(t, "regen-validate (good change)", o.runner.run(".github/workflows/regen-validate.yml", pr))

	git(t, ws, "checkout", "-q", "-b", "bad", "main")
	write(t, filepath.Join(ws, "registry-data/modules/a/acme/broken/aws.json"), "{\"versions\": [{\"version\": \"1.0\"}]\n")
	git(t, ws, "add", "-A")
	git(t, ws, "commit", "-q", "-m", "add a broken file")
	res := o.runner.run(".github/workflows/regen-validate.yml", pr)
	last := res[len(res)-1]
	if last.Err == nil || last.Name != "Validate the changed files strictly" || !strings.Contains(last.Output, "modules/a/acme/broken/aws.json") {
		t.Errorf("bad change: last step %q err %v, want the strict check to fail naming the file:\n%s", last.Name, last.Err, last.Output)
	}
}

// issueEvent is an issues event payload for a body made from answers, as
// GitHub sends it.
func issueEvent(number int, title string, labels []string, fields []issueform.Field) map[string]any {
	ls := make([]any, len(labels))
	for i, l := range labels {
		ls[i] = map[string]any{"name": l}
	}
	return map[string]any{
		"action": "opened",
		"issue": map[string]any{
			"number": number, "title": title, "labels": ls, "state": "open",
			"body":     issueform.Render(fields),
			"user":     map[string]any{"login": "octo-author"},
			"html_url": "https://github.example/acme/registry/issues/" + strings.TrimSpace(title),
		},
	}
}

// TestSubmissionsWorkflow runs the issue-form workflow: an accepted module
// becomes a pushed branch and a pull request; refused ones get a comment
// with the exact reason; issues without the submission label are ignored.
func TestSubmissionsWorkflow(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generated workflows")
	}
	o := newOperatorRegistry(t)
	vpc := o.gh.NewRepo("acme", "terraform-aws-vpc")
	vpc.Tag("v1.0.0", vpc.Commit(map[string]string{"main.tf": "# vpc\n"}, "first"))
	dco := issueform.Field{Label: "DCO", Value: "- [X] I sign this project's [DCO](https://developercertificate.org/) and may publish this module."}
	wf := ".github/workflows/regen-submissions.yml"

	// Accepted.
	res := o.runner.run(wf, issueEvent(7, "Module: acme/terraform-aws-vpc", []string{"submission", "module"},
		[]issueform.Field{{Label: issueform.LabelModuleRepository, Value: "acme/terraform-aws-vpc"}, dco}))
	mustSucceed(t, "regen-submissions (accepted)", res)
	branch := "submission/issue-7"
	data := git(t, o.origin, "show", branch+":registry-data/modules/a/acme/vpc/aws.json")
	if !strings.Contains(data, "v1.0.0") {
		t.Errorf("pushed module file lacks v1.0.0:\n%s", data)
	}
	if msg := git(t, o.origin, "log", "-1", "--format=%B", branch); !strings.Contains(msg, "Closes #7") {
		t.Errorf("commit message %q does not close the issue", msg)
	}
	calls := ghCalls(t, o.ghLog)
	if !slices.ContainsFunc(calls, func(c ghCall) bool {
		return slices.Equal(c.Args[:4], []string{"pr", "create", "--head", branch}) && strings.Contains(c.Body, "Closes #7")
	}) {
		t.Errorf("no pull request opened: %+v", calls)
	}
	if !slices.ContainsFunc(calls, func(c ghCall) bool {
		return len(c.Args) > 4 && c.Args[0] == "issue" && c.Args[2] == "7" && strings.Contains(c.Args[4], "passed the checks")
	}) {
		t.Errorf("no comment linking the pull request: %+v", calls)
	}

	// Refused: the exact reason, from the parser and from the network checks.
	for _, tc := range []struct {
		number int
		repo   string
		reason string
	}{
		{8, "acme/vpc-module", `"Module Repository": repository "vpc-module" is not named terraform-SYSTEM-NAME (such as terraform-aws-vpc)`},
		{9, "acme/terraform-aws-missing", "terraform-aws-missing"},
	} {
		git(t, o.workspace, "checkout", "-q", "main")
		before := len(ghCalls(t, o.ghLog))
		res := o.runner.run(wf, issueEvent(tc.number, "Module: "+tc.repo, []string{"submission", "module"},
			[]issueform.Field{{Label: issueform.LabelModuleRepository, Value: tc.repo}, dco}))
		mustSucceed(t, "regen-submissions (refused)", res)
		calls := ghCalls(t, o.ghLog)[before:]
		if len(calls) != 1 || calls[0].Args[0] != "issue" || calls[0].Args[1] != "comment" {
			t.Fatalf("issue %d: want one comment, got %+v", tc.number, calls)
		}
		if !strings.Contains(calls[0].Body, "It was refused") || !strings.Contains(calls[0].Body, tc.reason) {
			t.Errorf("issue %d: comment does not give the reason %q:\n%s", tc.number, tc.reason, calls[0].Body)
		}
	}

	// Not a submission: the job does not run.
	before := len(ghCalls(t, o.ghLog))
	res = o.runner.run(wf, issueEvent(10, "Bug: 404", []string{"bug"}, []issueform.Field{{Label: "Describe the bug", Value: "404"}}))
	if len(res) != 1 || !strings.Contains(res[0].Name, "skipped") || len(ghCalls(t, o.ghLog)) != before {
		t.Errorf("a bug report ran the submission job: %+v", res)
	}
}

func write(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestInitJSONAndRerun checks regen init's machine output and that a
// second run changes nothing.
func TestInitJSONAndRerun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "r")
	ctx := context.Background()
	if _, err := runRegen(t, ctx, "init", dir, "--host", "registry.example.test"); err != nil {
		t.Fatal(err)
	}
	out, err := runRegen(t, ctx, "--json", "init", dir, "--host", "registry.example.test")
	if err != nil {
		t.Fatal(err)
	}
	var res []struct{ Path, Action string }
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(res) != 13 {
		t.Errorf("%d files, want 13", len(res))
	}
	for _, r := range res {
		if r.Action != "unchanged" {
			t.Errorf("rerun: %s %s", r.Path, r.Action)
		}
	}
	if _, err := runRegen(t, ctx, "init", dir); err == nil || !strings.Contains(err.Error(), `"host"`) {
		t.Errorf("init without --host: %v", err)
	}
}
