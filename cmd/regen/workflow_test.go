package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// This file runs GitHub Actions workflows' shell steps locally, in order,
// as a runner would: not GitHub itself, but the commands the workflows run,
// against loopback services. Steps that use actions are skipped (the test
// prepares what checkout and setup-go would), and so is the step with id
// install-regen (a regen built from this tree is on PATH).

// workflowFile is the part of a workflow the runner reads.
type workflowFile struct {
	Env  map[string]string `yaml:"env"`
	Jobs map[string]struct {
		If    string            `yaml:"if"`
		Env   map[string]string `yaml:"env"`
		Steps []workflowStep    `yaml:"steps"`
	} `yaml:"jobs"`
}

type workflowStep struct {
	ID   string            `yaml:"id"`
	Name string            `yaml:"name"`
	Uses string            `yaml:"uses"`
	If   string            `yaml:"if"`
	Run  string            `yaml:"run"`
	Env  map[string]string `yaml:"env"`
	With map[string]string `yaml:"with"`
}

// stepResult is what one step did.
type stepResult struct {
	Name   string
	Output string
	Err    error
}

// actionsRunner runs workflows in a workspace.
type actionsRunner struct {
	t         *testing.T
	workspace string
	bin       string // folder with regen (and gh) on PATH
	temp      string // RUNNER_TEMP
	secrets   map[string]string
	extraEnv  []string
}

// regenOnPath writes a folder holding `regen` (this test binary acting as
// regen, see TestMain) and a recording `gh`, and returns it with the
// folder gh records its calls in.
func regenOnPath(t *testing.T) (bin, ghLog string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin, ghLog = t.TempDir(), t.TempDir()
	regen := fmt.Sprintf("#!/bin/sh\n%s=1 exec %q \"$@\"\n", envAsMain, exe)
	// gh records each call's arguments (one per line) and the content of
	// --body-file, and answers pr create with a URL and pr view with
	// "no pull request" as the real CLI does for a new branch.
	gh := fmt.Sprintf(`#!/bin/bash
set -e
n=$(ls %[1]q | grep -c '\.args$' || true)
printf '%%s\n' "$@" > %[1]q/call-$n.args
prev=
for a in "$@"; do
  if [ "$prev" = --body-file ]; then cp "$a" %[1]q/call-$n.body; fi
  prev=$a
done
case "$1 $2" in
  "pr create") echo "https://github.example/acme/registry/pull/$((n+100))" ;;
  "pr view") echo "no pull requests found for branch" >&2; exit 1 ;;
esac
`, ghLog)
	for name, script := range map[string]string{"regen": regen, "gh": gh} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return bin, ghLog
}

// ghCall is one recorded gh invocation.
type ghCall struct {
	Args []string
	Body string
}

// ghCalls returns gh's recorded calls in order.
func ghCalls(t *testing.T, dir string) []ghCall {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "call-*.args"))
	sort.Slice(files, func(i, j int) bool {
		var a, b int
		fmt.Sscanf(filepath.Base(files[i]), "call-%d.args", &a)
		fmt.Sscanf(filepath.Base(files[j]), "call-%d.args", &b)
		return a < b
	})
	var out []ghCall
	for _, f := range files {
		args, _ := os.ReadFile(f)
		body, _ := os.ReadFile(strings.TrimSuffix(f, ".args") + ".body")
		out = append(out, ghCall{Args: strings.Split(strings.TrimSuffix(string(args), "\n"), "\n"), Body: string(body)})
	}
	return out
}

// run runs one workflow file of the workspace for an event, and returns
// every step's result. Steps after a failed one are skipped unless their
// if is always(), as on GitHub.
func (r *actionsRunner) run(file string, event map[string]any) []stepResult {
	t := r.t
	t.Helper()
	data, err := os.ReadFile(filepath.Join(r.workspace, file))
	if err != nil {
		t.Fatal(err)
	}
	var wf workflowFile
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	evData, err := json.Marshal(event)
	if err != nil {
		t.Fatal(err)
	}
	eventPath := filepath.Join(r.temp, "event.json")
	if err := os.WriteFile(eventPath, evData, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := map[string]any{"event": event, "token": "ghs_loopback_token", "run_id": "4242", "event_path": eventPath}
	if pr, ok := event["pull_request"].(map[string]any); ok {
		ctx["base_ref"] = lookup(pr, "base.ref")
	}
	var results []stepResult
	jobs := make([]string, 0, len(wf.Jobs))
	for name := range wf.Jobs {
		jobs = append(jobs, name)
	}
	sort.Strings(jobs)
	for _, name := range jobs {
		job := wf.Jobs[name]
		if job.If != "" && !r.jobCondition(job.If, ctx) {
			results = append(results, stepResult{Name: name + " (skipped: " + job.If + ")"})
			continue
		}
		failed := false
		for i, st := range job.Steps {
			label := st.Name
			if label == "" {
				label = fmt.Sprintf("%s step %d", name, i)
			}
			if st.Uses != "" || st.ID == "install-regen" || st.Run == "" {
				continue
			}
			if failed && st.If != "always()" {
				continue
			}
			if st.If != "" && st.If != "always()" {
				t.Fatalf("%s: step %q: condition %q not understood by the test runner", file, label, st.If)
			}
			env := r.baseEnv(eventPath)
			for _, m := range []map[string]string{wf.Env, job.Env, st.Env} {
				for _, k := range sortedKeys(m) {
					env = append(env, k+"="+r.expand(m[k], ctx))
				}
			}
			if strings.Contains(st.Run, "${{") {
				t.Fatalf("%s: step %q: expression in a run script (pass it through env instead)", file, label)
			}
			cmd := exec.Command("bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", st.Run)
			cmd.Dir = r.workspace
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			results = append(results, stepResult{Name: label, Output: string(out), Err: err})
			if err != nil {
				failed = true
			}
		}
	}
	return results
}

// baseEnv is what a runner's environment holds before the workflow's env.
func (r *actionsRunner) baseEnv(eventPath string) []string {
	home := filepath.Join(r.temp, "home")
	_ = os.MkdirAll(home, 0o755)
	for _, f := range []string{"GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"} {
		p := filepath.Join(r.temp, f)
		if _, err := os.Stat(p); err != nil {
			_ = os.WriteFile(p, nil, 0o644)
		}
	}
	env := []string{
		"PATH=" + r.bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + home,
		"TMPDIR=" + os.TempDir(),
		"CI=true",
		"GITHUB_ACTIONS=true",
		"GITHUB_WORKSPACE=" + r.workspace,
		"GITHUB_EVENT_PATH=" + eventPath,
		"GITHUB_OUTPUT=" + filepath.Join(r.temp, "GITHUB_OUTPUT"),
		"GITHUB_STEP_SUMMARY=" + filepath.Join(r.temp, "GITHUB_STEP_SUMMARY"),
		"RUNNER_TEMP=" + r.temp,
		"GIT_TERMINAL_PROMPT=0",
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=" + os.DevNull,
	}
	return append(env, r.extraEnv...)
}

var exprRE = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// expandExprs evaluates the ${{ a || b }} expressions in s, each
// alternative through operand: the first that is not empty wins.
func expandExprs(s string, operand func(string) string) string {
	return exprRE.ReplaceAllStringFunc(s, func(m string) string {
		for _, alt := range strings.Split(exprRE.FindStringSubmatch(m)[1], "||") {
			if v := operand(strings.TrimSpace(alt)); v != "" {
				return v
			}
		}
		return ""
	})
}

// eventOperand evaluates the operands every workflow runner of these
// tests knows: 'literals', secrets.X, inputs.X (the event's inputs) and
// github.X (from ctx, which holds the event under "event"). ok is false
// for any other operand.
func eventOperand(op string, ctx map[string]any, secrets map[string]string) (v string, ok bool) {
	switch {
	case strings.HasPrefix(op, "'") && strings.HasSuffix(op, "'"):
		return strings.Trim(op, "'"), true
	case strings.HasPrefix(op, "secrets."):
		return secrets[strings.TrimPrefix(op, "secrets.")], true
	case strings.HasPrefix(op, "inputs."):
		return fmt.Sprint(orEmpty(lookup(ctx, "event.inputs."+strings.TrimPrefix(op, "inputs.")))), true
	case strings.HasPrefix(op, "github."):
		return fmt.Sprint(orEmpty(lookup(ctx, strings.TrimPrefix(op, "github.")))), true
	}
	return "", false
}

// expand evaluates ${{ }} expressions of the forms the generated
// workflows use: secrets.X, github.X (github.event.a.b from the event),
// inputs.X (the event's inputs), 'literals', and a || b. Anything else fails the test.
func (r *actionsRunner) expand(s string, ctx map[string]any) string {
	return expandExprs(s, func(op string) string {
		v, ok := eventOperand(op, ctx, r.secrets)
		if !ok {
			r.t.Fatalf("expression %q not understood by the test runner", op)
		}
		return v
	})
}

// jobCondition evaluates the job-level conditions the generated workflows
// use: contains(github.event.issue.labels.*.name, 'X').
func (r *actionsRunner) jobCondition(cond string, ctx map[string]any) bool {
	m := regexp.MustCompile(`^contains\(github\.event\.issue\.labels\.\*\.name, '([^']+)'\)$`).FindStringSubmatch(strings.TrimSpace(cond))
	if m == nil {
		r.t.Fatalf("job condition %q not understood by the test runner", cond)
	}
	labels, _ := lookup(ctx, "event.issue.labels").([]any)
	for _, l := range labels {
		if lm, ok := l.(map[string]any); ok && lm["name"] == m[1] {
			return true
		}
	}
	return false
}

func lookup(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func orEmpty(v any) any {
	if v == nil {
		return ""
	}
	if f, ok := v.(float64); ok && f == float64(int64(f)) {
		return int64(f)
	}
	return v
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// mustSucceed fails the test when a step failed, showing its output.
func mustSucceed(t *testing.T, workflow string, res []stepResult) {
	t.Helper()
	if len(res) == 0 {
		t.Fatalf("%s: no step ran", workflow)
	}
	for _, r := range res {
		if r.Err != nil {
			t.Fatalf("%s: step %q failed: %v\n%s", workflow, r.Name, r.Err, r.Output)
		}
	}
}

// git runs git in dir and returns its trimmed output.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull,
		"GIT_AUTHOR_NAME=op", "GIT_AUTHOR_EMAIL=op@example.test", "GIT_COMMITTER_NAME=op", "GIT_COMMITTER_EMAIL=op@example.test")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return strings.TrimSpace(out.String())
}
