package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/regen-registry/regen/regdata"
)

// docsCommand is the command that regenerates the CLI reference, for
// messages telling people to run it.
const docsCommand = "go run ./cmd/regen gen-docs docs/cli"

func newGenDocsCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:    "gen-docs DIR",
		Short:  "Write the Markdown reference of every command to DIR",
		Hidden: true,
		Long: `Write one Markdown file per command (regen.md, regen_build.md, …) to DIR,
replacing files whose content changed and removing regen*.md files of commands
that no longer exist. The repository's docs/cli is made with:

  ` + docsCommand,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			changed, err := writeCLIDocs(cmd.Root(), args[0])
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(g.stdout, "%s: %d files changed\n", args[0], changed)
			return err
		},
	}
}

// renderCLIDocs returns the Markdown reference of every visible command,
// by file name.
func renderCLIDocs(root *cobra.Command) (map[string][]byte, error) {
	root.DisableAutoGenTag = true
	root.InitDefaultCompletionCmd()
	tmp, err := os.MkdirTemp("", "regen-docs-")
	if err != nil {
		return nil, fmt.Errorf("rendering the CLI reference: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := doc.GenMarkdownTree(root, tmp); err != nil {
		return nil, fmt.Errorf("rendering the CLI reference: %w", err)
	}
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return nil, fmt.Errorf("rendering the CLI reference: %w", err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(tmp, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("rendering the CLI reference: %w", err)
		}
		out[e.Name()] = data
	}
	return out, nil
}

// writeCLIDocs brings dir in line with the reference: changed files are
// written atomically, stale regen*.md files removed. It returns how many
// files it wrote or removed.
func writeCLIDocs(root *cobra.Command, dir string) (int, error) {
	docs, err := renderCLIDocs(root)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("creating %s: %w", dir, err)
	}
	changed := 0
	names := make([]string, 0, len(docs))
	for n := range docs {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		p := filepath.Join(dir, n)
		if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, docs[n]) {
			continue
		}
		if err := regdata.WriteFileAtomic(p, docs[n], 0o644); err != nil {
			return changed, err
		}
		changed++
	}
	existing, err := filepath.Glob(filepath.Join(dir, "regen*.md"))
	if err != nil {
		return changed, err
	}
	for _, p := range existing {
		if _, ok := docs[filepath.Base(p)]; !ok && strings.HasSuffix(p, ".md") {
			if err := os.Remove(p); err != nil {
				return changed, fmt.Errorf("removing %s: %w", p, err)
			}
			changed++
		}
	}
	return changed, nil
}
