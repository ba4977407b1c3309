package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regen-registry/regen/ingest/issueform"
	"github.com/regen-registry/regen/internal/fixtures"
	"github.com/regen-registry/regen/internal/ghtest"
	"github.com/regen-registry/regen/moddocs"
	"github.com/regen-registry/regen/regdata"
)

// writeEvent writes an issues event for a module submission and returns
// its path.
func writeEvent(t *testing.T, number int, repo string) string {
	t.Helper()
	ev := issueEvent(number, "Module: "+repo, []string{"submission", "module"},
		[]issueform.Field{{Label: issueform.LabelModuleRepository, Value: repo}})
	data, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestAddFromIssue performs submissions from event files: accepted ones
// print what was added and write the Markdown summary to --summary and
// GITHUB_STEP_SUMMARY; refused ones exit 1 with the exact reason, also in
// the summary.
func TestAddFromIssue(t *testing.T) {
	gh := ghtest.New(t)
	vpc := gh.NewRepo("acme", "terraform-aws-vpc")
	vpc.Tag("v1.0.0", vpc.Commit(map[string]string{"main.tf": "variable \"cidr\" {}\n", "LICENSE": fixtures.MIT}, "first"))
	data := filepath.Join(t.TempDir(), "registry-data")
	docs := filepath.Join(t.TempDir(), "docs")
	step := filepath.Join(t.TempDir(), "step-summary.md")
	if err := os.WriteFile(step, []byte("earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GITHUB_STEP_SUMMARY", step)
	ctx := context.Background()
	common := []string{"--data", data, "--github-url", gh.URL, "--github-api-url", gh.APIURL(), "--docs-dir", docs, "--quiet"}
	summary := filepath.Join(t.TempDir(), "summary.md")

	out, err := runRegen(t, ctx, append([]string{"add", "--from-issue", writeEvent(t, 7, "acme/terraform-aws-vpc"), "--summary", summary}, common...)...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "accepted: module acme/vpc/aws (issue #7)\n") || !strings.Contains(out, "module acme/vpc/aws v1.0.0") {
		t.Errorf("stdout:\n%s", out)
	}
	md := readFile(t, summary)
	for _, want := range []string{"### Submission accepted", "Added the module `acme/vpc/aws` (issue #7) from the repository `acme/terraform-aws-vpc`.", "Versions (1): `v1.0.0`"} {
		if !strings.Contains(md, want) {
			t.Errorf("summary lacks %q:\n%s", want, md)
		}
	}
	if got := readFile(t, step); got != "earlier step\n"+md {
		t.Errorf("step summary not appended to:\n%s", got)
	}
	if d, err := moddocs.NewStore(docs, nil).Get(ctx, regdata.ModuleAddr{Namespace: "acme", Name: "vpc", System: "aws"}, "v1.0.0"); err != nil || len(d.Root.Inputs) != 1 {
		t.Errorf("docs of the added module: %+v %v", d, err)
	}

	for _, tc := range []struct {
		number       int
		repo, reason string
	}{
		{8, "acme/vpc-module", `"Module Repository": repository "vpc-module" is not named terraform-SYSTEM-NAME (such as terraform-aws-vpc)`},
		{9, "acme/terraform-aws-missing", "/acme/terraform-aws-missing does not exist (or is not public)"},
		{10, "acme/terraform-aws-vpc", "module acme/vpc/aws is already in the registry"},
	} {
		out, err := runRegen(t, ctx, append([]string{"add", "--from-issue", writeEvent(t, tc.number, tc.repo), "--summary", summary}, common...)...)
		if err == nil || !strings.Contains(err.Error(), tc.reason) || exitCode(err) != 1 || out != "" {
			t.Errorf("issue %d: error %v (exit %d), stdout %q; want exit 1 with %q", tc.number, err, exitCode(err), out, tc.reason)
			continue
		}
		md := readFile(t, summary)
		if !strings.HasPrefix(md, "### Submission refused\n") || (tc.number > 8 && !strings.Contains(md, "of the module `acme/")) || !strings.Contains(md, "```\n"+err.Error()+"\n```\n") {
			t.Errorf("issue %d: summary:\n%s", tc.number, md)
		}
		if !strings.HasSuffix(readFile(t, step), md) {
			t.Errorf("issue %d: step summary does not end with the summary", tc.number)
		}
	}

	if _, err := runRegen(t, ctx, "add", "--data", data); err == nil || !strings.Contains(err.Error(), "--from-issue") {
		t.Errorf("regen add alone: %v", err)
	}
	if _, err := runRegen(t, ctx, "add", "--from-issue", filepath.Join(t.TempDir(), "none.json"), "--data", data); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing event file: %v", err)
	}
}

// TestAddModuleDocsFlags checks the documentation flags and the licenses
// key of regen.yaml: an MIT module under an Apache-2.0-only allowlist
// has its documentation withheld; --no-docs extracts nothing.
func TestAddModuleDocsFlags(t *testing.T) {
	gh := ghtest.New(t)
	for _, name := range []string{"terraform-aws-vpc", "terraform-aws-dns"} {
		r := gh.NewRepo("acme", name)
		r.Tag("v1.0.0", r.Commit(map[string]string{"main.tf": "output \"id\" { value = 1 }\n", "LICENSE": fixtures.MIT}, "first"))
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "registry-data")
	cfg := filepath.Join(dir, "regen.yaml")
	if err := os.WriteFile(cfg, []byte("data: registry-data\nlicenses: [Apache-2.0]\ngithub:\n  url: "+gh.URL+"\n  api_url: "+gh.APIURL()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := runRegen(t, ctx, "--config", cfg, "--quiet", "add", "module", "acme/vpc/aws"); err != nil {
		t.Fatal(err)
	}
	store := moddocs.NewStore(moddocs.DefaultDir(data), nil)
	d, err := store.Get(ctx, regdata.ModuleAddr{Namespace: "acme", Name: "vpc", System: "aws"}, "v1.0.0")
	if err != nil || !d.Withheld || len(d.Root.Outputs) != 0 {
		t.Errorf("docs under an Apache-2.0 allowlist: %+v %v, want withheld", d, err)
	}
	if _, err := runRegen(t, ctx, "--config", cfg, "--quiet", "add", "module", "acme/dns/aws", "--no-docs"); err != nil {
		t.Fatal(err)
	}
	if idx, err := store.Index(ctx, regdata.ModuleAddr{Namespace: "acme", Name: "dns", System: "aws"}); err != nil || len(idx) != 0 {
		t.Errorf("docs extracted with --no-docs: %v %v", idx, err)
	}
	if _, err := runRegen(t, ctx, "--config", cfg, "--quiet", "ingest", "--licenses", "MIT License"); err == nil || !strings.Contains(err.Error(), "MIT License") {
		t.Errorf("bad --licenses: %v", err)
	}
}
