// Package tftest runs the real terraform (or tofu) CLI in tests: init in
// a fresh workspace, with the test's CLI configuration and none of the
// machine's own (no plugin cache, no checkpoint calls, a temporary HOME).
package tftest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Init runs `bin init -input=false -no-color` in a new workspace whose
// main.tf is mainTF, with cliConfig as the CLI configuration file. env
// adds variables, last (SSL_CERT_FILE for a loopback registry's CA, a
// loopback GitHub's git settings). It returns the output, the workspace
// and init's error.
func Init(t testing.TB, bin, mainTF, cliConfig string, env ...string) (out, work string, err error) {
	t.Helper()
	dir := t.TempDir()
	work = filepath.Join(dir, "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	cli := filepath.Join(dir, "cli.tfrc")
	if err := os.WriteFile(cli, []byte(cliConfig), 0o600); err != nil { // it may hold a token
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(mainTF), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "init", "-input=false", "-no-color")
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cli, "HOME="+dir,
		"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_PLUGIN_CACHE_DIR=", "TF_REGISTRY_CLIENT_TIMEOUT=20")
	cmd.Env = append(cmd.Env, env...)
	b, err := cmd.CombinedOutput()
	return string(b), work, err
}
