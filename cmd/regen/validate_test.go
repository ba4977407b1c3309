package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regen-registry/regen/internal/fixtures"
)

// validateSample is real OpenTofu registry data the repository carries.
var validateSample = fixtures.OpenTofuSample()

// validateCLI runs "regen validate args…" in process and returns stdout
// and the exit status main would use.
func validateCLI(t *testing.T, args ...string) (string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	root := newRootCmd(&stdout, &stderr)
	root.SetArgs(append([]string{"validate"}, args...))
	code := 0
	if err := root.ExecuteContext(context.Background()); err != nil {
		code = exitCode(err)
	}
	return stdout.String(), code
}

func TestValidateCLISamplePasses(t *testing.T) {
	out, code := validateCLI(t, "--data", validateSample)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if !strings.Contains(out, "warning: providers/z/zubikit/openwebui.json: no signing key applies") ||
		!strings.HasSuffix(out, ": 0 errors, 34 warnings\n") {
		t.Errorf("output:\n%s", out)
	}
	if _, code := validateCLI(t, "--data", validateSample, "--strict"); code != 1 {
		t.Errorf("--strict on the sample: exit %d, want 1 (its oddities are errors for new submissions)", code)
	}
}

func TestValidateCLIErrorsExitOne(t *testing.T) {
	data := t.TempDir()
	bad := filepath.Join(data, "providers/a/acme/x.json")
	if err := os.MkdirAll(filepath.Dir(bad), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(`{"versions":[{"version":"1.0.0","protocols":["5.0"],"shasums_url":"https://h/s","shasums_signature_url":"https://h/s.sig",
		"targets":[{"os":"linux","arch":"amd64","filename":"x.zip","download_url":"https://h/x.zip","shasum":"abc"}]}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code := validateCLI(t, "--data", data)
	if code != 1 || !strings.Contains(out, "error: providers/a/acme/x.json: versions[0].targets[0].shasum: not 64 hex digits\n") {
		t.Errorf("exit %d:\n%s", code, out)
	}

	// --json prints the report as JSON.
	out, code = validateCLI(t, "--data", data, "--json")
	var rep struct {
		OK       bool
		Errors   int
		Problems []struct{ Severity, Path, Field, Message string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 || rep.OK || rep.Errors != 1 ||
		len(rep.Problems) != 2 || rep.Problems[1].Field != "versions[0].targets[0].shasum" {
		t.Errorf("--json: exit %d, %v, %+v:\n%s", code, err, rep, out)
	}

	// Naming only another file skips the broken one; paths may be given
	// from the current folder or relative to the data folder.
	good := filepath.Join(data, "modules/a/acme/net/aws.json")
	if err := os.MkdirAll(filepath.Dir(good), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(good, []byte(`{"versions":[{"version":"v1.0.0"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, arg := range []string{good, "modules/a/acme/net/aws.json"} {
		if out, code := validateCLI(t, "--data", data, arg); code != 0 || !strings.Contains(out, "checked 0 providers, 1 module") {
			t.Errorf("validate %s: exit %d:\n%s", arg, code, out)
		}
	}
	list := filepath.Join(t.TempDir(), "changed.txt")
	if err := os.WriteFile(list, []byte("\nproviders/a/acme/x.json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, code := validateCLI(t, "--data", data, "--files-from", list); code != 1 {
		t.Errorf("--files-from naming the broken file: exit %d, want 1", code)
	}
}

func TestValidateCLINotADataFolder(t *testing.T) {
	if _, code := validateCLI(t, "--data", t.TempDir()); code != 2 {
		t.Errorf("exit %d, want 2 for a folder that cannot be validated", code)
	}
}

// --changed checks what differs from the git HEAD, not what was committed.
func TestValidateCLIChanged(t *testing.T) {
	repo := t.TempDir()
	data := filepath.Join(repo, "registry-data")
	write(t, filepath.Join(data, "modules/a/acme/old/aws.json"), `{"versions": [{"version": "1.0"}]}`) // committed, broken
	write(t, filepath.Join(data, "modules/a/acme/vpc/aws.json"), "{\n  \"versions\": []\n}\n")
	git(t, repo, "init", "-q", "-b", "main")
	git(t, repo, "add", "-A")
	git(t, repo, "commit", "-q", "-m", "seed")

	if out, code := validateCLI(t, "--data", data, "--changed"); code != 0 || !strings.Contains(out, "no data file changed") {
		t.Errorf("nothing changed: exit %d\n%s", code, out)
	}
	write(t, filepath.Join(data, "modules/a/acme/vpc/aws.json"), `{"versions": [{"version": "v1.0.0", "commit": "`+strings.Repeat("a", 40)+`"}]}`)
	if out, code := validateCLI(t, "--data", data, "--changed"); code != 0 || !strings.Contains(out, "1 module") {
		t.Errorf("a good change: exit %d\n%s", code, out)
	}
	write(t, filepath.Join(data, "modules/a/acme/new/aws.json"), `{"versions": [`)
	if out, code := validateCLI(t, "--data", data, "--changed"); code != 1 || !strings.Contains(out, "modules/a/acme/new/aws.json") {
		t.Errorf("a broken new file: exit %d\n%s", code, out)
	}
}
