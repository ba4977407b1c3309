package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/regen-registry/regen/ingest/issueform"
	"github.com/regen-registry/regen/ingest/issueform/formtest"
	"github.com/regen-registry/regen/internal/ghtest"
	"github.com/regen-registry/regen/internal/testtool"
	"github.com/regen-registry/regen/scaffold"
)

// repoRoot is this repository, seen from cmd/regen.
const repoRoot = "../.."

// fillForm reads one of this repository's issue forms and answers it as
// a person would: inputs from answers (by id), every checkbox ticked. It
// returns the issue's title prefix, labels and body fields as GitHub
// renders them.
func fillForm(t *testing.T, name string, answers map[string]string) (string, []string, []issueform.Field) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, ".github/ISSUE_TEMPLATE", name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := formtest.Parse(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	fields, err := f.Fill(answers)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return f.Title, f.Labels, fields
}

// submissionStep returns the run script of the step that checks a
// submission, from a workflow's bytes.
func submissionStep(t *testing.T, name string, data []byte) string {
	t.Helper()
	var wf workflowFile
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, job := range wf.Jobs {
		for _, st := range job.Steps {
			if strings.Contains(st.Run, "regen add") && strings.Contains(st.Run, "--from-issue") {
				return st.Run
			}
		}
	}
	t.Fatalf("%s: no step runs regen add --from-issue", name)
	return ""
}

// TestRepositorySubmissionsWorkflow runs the submissions workflow this
// repository ships (.github/workflows/submissions.yml), whose issue forms
// promise that "submitting opens a pull request automatically": the
// forms of .github/ISSUE_TEMPLATE filled in, its steps run in order in a
// clone of a repository laid out like this one (registry-data/), against a
// loopback GitHub. An accepted module becomes a pushed branch, a pull
// request and a comment; a refused one a comment with the reason; an issue
// without the submission label runs nothing. Its logic must stay the one
// `regen init` writes.
func TestRepositorySubmissionsWorkflow(t *testing.T) {
	if testing.Short() {
		t.Skip("runs this repository's submissions workflow")
	}
	testtool.Require(t, "bash", "")
	testtool.Require(t, "git", "")
	const wf = ".github/workflows/submissions.yml"
	shipped, err := os.ReadFile(filepath.Join(repoRoot, wf))
	if err != nil {
		t.Fatalf("this repository ships no submissions workflow: %v", err)
	}

	t.Run("same logic as regen init's", func(t *testing.T) {
		files, err := scaffold.Render(scaffold.Options{Host: "registry.example.com"})
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(files, func(f scaffold.File) bool { return f.Path == ".github/workflows/regen-submissions.yml" })
		if i < 0 {
			t.Fatal("regen init writes no regen-submissions.yml")
		}
		// The only difference: this repository has no regen.yaml naming the
		// data folder, so the workflow names it.
		ours := strings.Replace(submissionStep(t, wf, shipped), ` --data "$REGEN_DATA"`, "", 1)
		if theirs := submissionStep(t, "regen-submissions.yml", files[i].Data); ours != theirs {
			t.Errorf("%s's submission step differs from the one regen init writes (scaffold/templates): keep them the same.\nours:\n%s\nregen init's:\n%s", wf, ours, theirs)
		}
	})

	gh := ghtest.New(t)
	vpc := gh.NewRepo("acme", "terraform-aws-vpc")
	vpc.Tag("v1.0.0", vpc.Commit(map[string]string{"main.tf": "variable \"cidr\" {}\n"}, "first"))

	// A repository laid out like this one: its workflows, forms and data.
	src := filepath.Join(t.TempDir(), "src")
	for _, d := range []string{".github", "registry-data"} {
		if err := os.CopyFS(filepath.Join(src, d), os.DirFS(filepath.Join(repoRoot, d))); err != nil {
			t.Fatal(err)
		}
	}
	// The runner's environment: GitHub is the loopback one.
	write(t, filepath.Join(src, "regen.yaml"), "github:\n  url: "+gh.URL+"\n  api_url: "+gh.APIURL()+"\n")
	origin := filepath.Join(t.TempDir(), "origin.git")
	git(t, src, "init", "-q", "-b", "main")
	git(t, src, "add", "-A")
	git(t, src, "commit", "-q", "-m", "the registry")
	git(t, filepath.Dir(origin), "init", "-q", "--bare", "-b", "main", origin)
	git(t, src, "push", "-q", origin, "main")
	ws := filepath.Join(t.TempDir(), "workspace")
	git(t, filepath.Dir(ws), "clone", "-q", origin, ws)
	bin, ghLog := regenOnPath(t)
	runner := &actionsRunner{t: t, workspace: ws, bin: bin, temp: t.TempDir()}

	// Accepted.
	title, labels, fields := fillForm(t, "add-module.yml", map[string]string{"repository": "acme/terraform-aws-vpc"})
	res := runner.run(wf, issueEvent(21, title+"acme/terraform-aws-vpc", labels, fields))
	mustSucceed(t, wf+" (accepted)", res)
	branch := "submission/issue-21"
	data := git(t, origin, "show", branch+":registry-data/modules/a/acme/vpc/aws.json")
	if !strings.Contains(data, `"v1.0.0"`) {
		t.Errorf("the pushed module file lacks v1.0.0:\n%s", data)
	}
	changed := git(t, origin, "diff", "--name-only", "main", branch)
	for _, p := range strings.Split(changed, "\n") {
		if !strings.HasPrefix(p, "registry-data/") {
			t.Errorf("the submission branch changes %s, outside registry-data/", p)
		}
	}
	if !slices.Contains(strings.Split(changed, "\n"), "registry-data/modules/a/acme/vpc/aws.json") {
		t.Errorf("the submission branch changes %q, without the new module's file", changed)
	}
	if msg := git(t, origin, "log", "-1", "--format=%B", branch); !strings.Contains(msg, "Closes #21") || !strings.Contains(msg, "acme/terraform-aws-vpc") {
		t.Errorf("commit message %q: want the issue title and Closes #21", msg)
	}
	calls := ghCalls(t, ghLog)
	if !slices.ContainsFunc(calls, func(c ghCall) bool {
		return len(c.Args) > 3 && slices.Equal(c.Args[:4], []string{"pr", "create", "--head", branch}) &&
			strings.Contains(c.Body, "Closes #21") && strings.Contains(c.Body, "acme/vpc/aws")
	}) {
		t.Errorf("no pull request opened for the submission (body closing #21 and naming acme/vpc/aws): %+v", calls)
	}
	if !slices.ContainsFunc(calls, func(c ghCall) bool {
		return len(c.Args) > 4 && c.Args[0] == "issue" && c.Args[1] == "comment" && c.Args[2] == "21" && strings.Contains(c.Args[4], "passed the checks")
	}) {
		t.Errorf("no comment on the issue linking the pull request: %+v", calls)
	}

	// Refused, with the reason.
	git(t, ws, "checkout", "-q", "main")
	before := len(ghCalls(t, ghLog))
	title, labels, fields = fillForm(t, "add-module.yml", map[string]string{"repository": "acme/vpc-module"})
	mustSucceed(t, wf+" (refused)", runner.run(wf, issueEvent(22, title+"acme/vpc-module", labels, fields)))
	calls = ghCalls(t, ghLog)[before:]
	if len(calls) != 1 || calls[0].Args[1] != "comment" || !strings.Contains(calls[0].Body, "It was refused") ||
		!strings.Contains(calls[0].Body, `"vpc-module" is not named terraform-SYSTEM-NAME`) {
		t.Errorf("refused submission: want one comment giving the reason, got %+v", calls)
	}
	if out := git(t, origin, "branch", "--list", "submission/issue-22"); out != "" {
		t.Errorf("a refused submission pushed a branch: %s", out)
	}

	// Not a submission: nothing runs.
	before = len(ghCalls(t, ghLog))
	res = runner.run(wf, issueEvent(23, "Bug: 404", []string{"bug"}, []issueform.Field{{Label: "What happened", Value: "404"}}))
	if len(res) != 1 || !strings.Contains(res[0].Name, "skipped") || len(ghCalls(t, ghLog)) != before {
		t.Errorf("an issue without the submission label ran the job: %+v", res)
	}
}
