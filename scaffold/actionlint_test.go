package scaffold

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regen-registry/regen/internal/testtool"
)

// TestWorkflowsPassActionlint renders the scaffold as regen init writes it,
// with and without the optional settings, and runs the real actionlint
// (with shellcheck over every run script) on the workflows, so a template
// change that breaks a workflow fails the tests rather than an operator's
// first run.
func TestWorkflowsPassActionlint(t *testing.T) {
	actionlint := testtool.Require(t, "actionlint", "")
	shellcheck := testtool.Require(t, "shellcheck", "")
	for name, o := range map[string]Options{
		"defaults": {Host: "registry.example.com"},
		"everything": {
			Host: "registry.example.com", BaseURL: "https://registry.example.com", RegenVersion: "v1.2.3",
			UploadTarget: "s3://bucket/prefix", UploadEndpoint: "https://acct.r2.cloudflarestorage.com", UploadRegion: "auto",
			CloudflareZone: "0123456789abcdef0123456789abcdef",
		},
	} {
		t.Run(name, func(t *testing.T) {
			files, err := Render(o)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			var workflows []string
			for _, f := range files {
				if !strings.HasPrefix(f.Path, ".github/workflows/") {
					continue
				}
				p := filepath.Join(dir, filepath.FromSlash(f.Path))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
				workflows = append(workflows, filepath.FromSlash(f.Path))
			}
			if len(workflows) < 3 {
				t.Fatalf("rendered %d workflows (%v), want publish, validate and submissions", len(workflows), workflows)
			}
			cmd := exec.Command(actionlint, append([]string{"-no-color", "-shellcheck", shellcheck}, workflows...)...)
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("actionlint on the workflows regen init writes: %v\n%s", err, out)
			}
		})
	}
}

// TestActionlintCatchesABrokenWorkflow proves the lint above can fail: a
// workflow with an undefined expression and a broken script is refused.
func TestActionlintCatchesABrokenWorkflow(t *testing.T) {
	actionlint := testtool.Require(t, "actionlint", "")
	shellcheck := testtool.Require(t, "shellcheck", "")
	p := filepath.Join(t.TempDir(), "broken.yml")
	broken := "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.no_such_thing }} $UNQUOTED\n"
	if err := os.WriteFile(p, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(actionlint, "-no-color", "-shellcheck", shellcheck, p).CombinedOutput()
	if err == nil {
		t.Fatalf("actionlint accepted a broken workflow:\n%s", out)
	}
	for _, want := range []string{"no_such_thing", "SC2086"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("actionlint's report does not mention %s:\n%s", want, out)
		}
	}
}
