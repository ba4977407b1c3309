package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regen-registry/regen/config"
)

// TestConfigOverridesDefaultsFlagsOverrideConfig checks the precedence:
// flag > regen.yaml > the command's default.
func TestConfigOverridesDefaultsFlagsOverrideConfig(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, d := range []string{"from-config", "from-flag"} {
		write(t, filepath.Join(dir, d, "modules/a/acme", d, "aws.json"), "{\"versions\": []}\n")
	}
	cfg := filepath.Join(dir, "regen.yaml")
	write(t, cfg, "data: from-config\n")

	out, err := runRegen(t, ctx, "--config", cfg, "status")
	if err != nil || !strings.Contains(out, "module/acme/from-config/aws") {
		t.Errorf("config not applied: %v\n%s", err, out)
	}
	out, err = runRegen(t, ctx, "--config", cfg, "status", "--data", filepath.Join(dir, "from-flag"))
	if err != nil || !strings.Contains(out, "module/acme/from-flag/aws") {
		t.Errorf("flag did not override the config: %v\n%s", err, out)
	}

	// Without --config, ./regen.yaml is read.
	t.Chdir(dir)
	out, err = runRegen(t, ctx, "status")
	if err != nil || !strings.Contains(out, "module/acme/from-config/aws") {
		t.Errorf("./regen.yaml not read: %v\n%s", err, out)
	}
}

// TestBadConfigStopsCommands checks that a bad file stops every command
// that reads it with a message naming file, line and key, and that init,
// version and completion still run.
func TestBadConfigStopsCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "regen.yaml")
	write(t, cfg, "data: x\njobs: eight\nupload:\n  bucket: b\n")
	want := cfg + ":2: jobs: want a whole number, found \"eight\"\n" + cfg + ":4: upload.bucket: unknown key (known keys: target, endpoint, region, state)"
	for _, args := range [][]string{{"status"}, {"config"}, {"validate"}, {"build"}, {"ingest"}, {"upload"}} {
		_, err := runRegen(t, ctx, append([]string{"--config", cfg}, args...)...)
		if err == nil || err.Error() != want {
			t.Errorf("regen %s: %v, want:\n%s", args[0], err, want)
		}
	}
	for _, args := range [][]string{{"version"}, {"completion", "bash"}, {"init", filepath.Join(dir, "new"), "--host", "r.example.test"}} {
		if _, err := runRegen(t, ctx, append([]string{"--config", cfg}, args...)...); err != nil {
			t.Errorf("regen %s with a bad config: %v", args[0], err)
		}
	}
	if _, err := runRegen(t, ctx, "--config", filepath.Join(dir, "missing.yaml"), "status"); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("a missing --config file: %v", err)
	}
}

// TestConfigCommandMasksSecrets checks regen config's output.
func TestConfigCommandMasksSecrets(t *testing.T) {
	secret := "ghp_0123456789abcdefSECRET"
	t.Setenv("MY_GH_TOKEN", secret)
	cfg := filepath.Join(t.TempDir(), "regen.yaml")
	write(t, cfg, "host: registry.example.test\ngithub:\n  token_env: MY_GH_TOKEN\n")
	for _, args := range [][]string{{"config"}, {"--json", "config"}} {
		out, err := runRegen(t, context.Background(), append([]string{"--config", cfg}, args...)...)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out, secret) || strings.Contains(out, "0123456789abcdef") {
			t.Errorf("regen %s reveals the secret:\n%s", strings.Join(args, " "), out)
		}
		for _, want := range []string{"MY_GH_TOKEN", "build --base-url", "upload --public-url", "ingest --token-env", cfg + ":1"} {
			if !strings.Contains(out, want) {
				t.Errorf("regen %s lacks %q:\n%s", strings.Join(args, " "), want, out)
			}
		}
	}
	out, _ := runRegen(t, context.Background(), "--config", cfg, "config")
	if !strings.Contains(out, "MY_GH_TOKEN            set (********, 26 characters)") {
		t.Errorf("secret status missing:\n%s", out)
	}
}

// TestConfigBindings checks the key → flag table against the command
// tree: a binding for one command must name a flag it has (so a renamed
// flag is caught), and every key must be bound.
func TestConfigBindings(t *testing.T) {
	root := newRootCmd(os.Stdout, os.Stderr)
	bound := map[string]bool{}
	for _, b := range configBindings {
		if _, ok := lookupConfigKey(b.key); !ok {
			t.Errorf("binding of unknown key %q", b.key)
		}
		bound[b.key] = true
		if b.cmd == "" {
			continue
		}
		c, _, err := root.Find(strings.Fields(b.cmd))
		if err != nil || commandPath(c) != b.cmd {
			t.Errorf("binding %s → %s --%s: no such command", b.key, b.cmd, b.flag)
			continue
		}
		if c.Flags().Lookup(b.flag) == nil {
			t.Errorf("binding %s → %s --%s: the command has no such flag", b.key, b.cmd, b.flag)
		}
	}
	for _, k := range config.Keys() {
		if !bound[k.Name] {
			t.Errorf("key %s sets no flag", k.Name)
		}
	}
	m := configFlagMap(root)
	for _, k := range config.Keys() {
		if len(m[k.Name]) == 0 {
			t.Logf("key %s: no command has its flag yet", k.Name)
		}
	}
}

func lookupConfigKey(name string) (config.KeyInfo, bool) {
	for _, k := range config.Keys() {
		if k.Name == name {
			return k, true
		}
	}
	return config.KeyInfo{}, false
}

// TestConfigFileDefaults checks that with a file, the defaults it implies
// apply (build needs no --data/--out), and that without one the commands
// keep their own.
func TestConfigFileDefaults(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "registry-data/modules/a/acme/x/aws.json"), "{\"versions\": []}\n")
	write(t, filepath.Join(dir, "regen.yaml"), "host: registry.example.test\n")
	if _, err := runRegen(t, ctx, "--config", filepath.Join(dir, "regen.yaml"), "build"); err != nil {
		t.Fatalf("build with a file implying data and out: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "dist", ".well-known", "terraform.json")); err != nil {
		t.Errorf("build did not write to the default out folder next to regen.yaml: %v", err)
	}
	t.Chdir(t.TempDir())
	if _, err := runRegen(t, ctx, "build"); err == nil || !strings.Contains(err.Error(), `"data"`) {
		t.Errorf("build without a file must still require --data: %v", err)
	}
}
