package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCLIDocsCurrent regenerates the CLI reference into a temporary folder
// and fails when docs/cli differs, so CI catches a reference that was not
// regenerated after a command changed.
func TestCLIDocsCurrent(t *testing.T) {
	tmp := t.TempDir()
	if _, err := runRegen(t, context.Background(), "gen-docs", tmp); err != nil {
		t.Fatal(err)
	}
	want, err := filepath.Glob(filepath.Join(tmp, "*.md"))
	if err != nil || len(want) == 0 {
		t.Fatalf("gen-docs wrote nothing: %v", err)
	}
	checked := filepath.Join("..", "..", "docs", "cli")
	var stale []string
	for _, p := range want {
		name := filepath.Base(p)
		w, _ := os.ReadFile(p)
		got, err := os.ReadFile(filepath.Join(checked, name))
		if err != nil || !bytes.Equal(got, w) {
			stale = append(stale, name)
		}
	}
	have, _ := filepath.Glob(filepath.Join(checked, "*.md"))
	for _, p := range have {
		if _, err := os.Stat(filepath.Join(tmp, filepath.Base(p))); err != nil {
			stale = append(stale, filepath.Base(p)+" (no such command any more)")
		}
	}
	if len(stale) > 0 {
		slices.Sort(stale)
		t.Errorf("docs/cli is not current: %s\nregenerate it from the repository root with:\n  %s", strings.Join(stale, ", "), docsCommand)
	}
	for _, name := range []string{"regen_init.md", "regen_config.md", "regen_status.md", "regen_completion_bash.md"} {
		if !slices.ContainsFunc(want, func(p string) bool { return filepath.Base(p) == name }) {
			t.Errorf("reference lacks %s", name)
		}
	}
	for _, p := range want {
		if strings.Contains(filepath.Base(p), "gen-docs") {
			t.Errorf("hidden command documented: %s", p)
		}
	}
}

// TestGenDocsRemovesStale checks that gen-docs replaces changed files and
// removes the pages of commands that are gone, and is a no-op when
// current.
func TestGenDocsRemovesStale(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "regen_gone.md")
	if err := os.WriteFile(stale, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.md"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := runRegen(t, context.Background(), "gen-docs", dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale page kept: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "index.md")); string(b) != "mine" {
		t.Error("a file not made by gen-docs was touched")
	}
	out, err := runRegen(t, context.Background(), "gen-docs", dir)
	if err != nil || !strings.Contains(out, ": 0 files changed") {
		t.Errorf("second run: %q %v", out, err)
	}
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		out, err := runRegen(t, context.Background(), "completion", shell)
		if err != nil || !strings.Contains(out, "regen") || len(out) < 500 {
			t.Errorf("completion %s: %v (%d bytes)", shell, err, len(out))
		}
	}
}
