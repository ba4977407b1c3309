package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/regen-registry/regen/modarchive"
	"github.com/regen-registry/regen/moddocs"
	"github.com/regen-registry/regen/pipeline"
)

func newShardCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "shard",
		Short: "Package a sharded ingest's changes and apply every shard's at once",
		Long: `Parallel ingest jobs each own a shard of the data folder: the namespaces whose
first letter (the providers/<c>/ and modules/<c>/ directory) is in the shard,
written like a bracket expression ("a-b", "e-h", "u-z0-9_-"):

  regen ingest --shard a-b                 in each job's working copy
  regen shard pack --out ingest-a-b.tar.gz package what that ingest changed
  regen shard apply --from packs/          in the one publish job

A pack carries the shard's changed data files whole, the events the ingest
appended to the change log, the module docs it extracted and, in archive mode
(module_archives: true), the module packages it made. Apply refuses
overlapping shards and files outside a pack's shard before writing anything,
so shards never conflict; events from every shard are merged into the log in
time order.`,
	}
	cmd.AddCommand(newShardPackCmd(g), newShardApplyCmd(g))
	return cmd
}

// archiveFlags are shard pack's and apply's archive mode flags.
type archiveFlags struct {
	on  bool
	dir string
}

func (f *archiveFlags) register(cmd *cobra.Command, verb string) {
	cmd.Flags().BoolVar(&f.on, "module-archives", false, "archive mode: "+verb+" the module packages the ingest made (module_archives in regen.yaml sets it)")
	cmd.Flags().StringVar(&f.dir, "archives-dir", "", "module package store for --module-archives (default: "+modarchive.DefaultDirName+" beside the data folder)")
}

// store returns the archive store ("" without --module-archives).
func (f *archiveFlags) store(data string) string {
	if !f.on {
		return ""
	}
	return cmp.Or(f.dir, modarchive.DefaultDir(data))
}

func newShardPackCmd(g *globals) *cobra.Command {
	var o pipeline.PackOptions
	var noDocs bool
	var arch archiveFlags
	cmd := &cobra.Command{
		Use:   "pack --data DIR --out FILE [--shard SHARD] [--docs-dir DIR] [--module-archives]",
		Short: "Package the changes a sharded ingest made to this working copy",
		Long: `Package the changes 'regen ingest --shard' made to a git working copy into one
file for 'regen shard apply': the shard's data files that differ from HEAD
(written whole, with the sha256 each had at HEAD), the events appended to the
change log, and the module docs store files the ingest wrote.

With --module-archives (archive mode) it also packs the module package store
files the ingest wrote: the indexes of the shard's modules and the packages
their new entries name, so that the publish job's build fetches nothing from
git again. Packages are bounded by --max-archive-bytes: a module that does not
fit is left out whole (listed), and the publish job's build packages it.

Fails when anything outside the shard changed or the change log was rewritten
rather than appended to. The shard and the ingest's start default to what
'regen ingest --shard' recorded in DIR/.regen/shard-run.json.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.Docs == "" && !noDocs {
				o.Docs = moddocs.DefaultDir(o.Data)
			}
			if noDocs {
				o.Docs = ""
			}
			o.Archives = arch.store(o.Data)
			res, err := pipeline.Pack(cmd.Context(), o)
			if err != nil {
				return err
			}
			if g.json {
				return writeJSON(g, res)
			}
			line := fmt.Sprintf("%s: shard %s from %.12s: %d data files, %d events, %d docs files", res.Out, res.Shard, res.Base, res.Files, res.Events, res.Docs)
			if o.Archives != "" {
				line += fmt.Sprintf(", %d archive files", res.Archives)
			}
			line += fmt.Sprintf(", %d bytes", res.Bytes)
			if len(res.ArchivesLeft) > 0 {
				line += fmt.Sprintf("; %d modules' packages left out (over --max-archive-bytes; the build packages them): %s",
					len(res.ArchivesLeft), strings.Join(res.ArchivesLeft, ", "))
			}
			_, err = fmt.Fprintln(g.stdout, line)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Data, "data", "", "registry data folder, in a git working copy (required)")
	f.StringVar(&o.Out, "out", "", "pack file to write (required)")
	f.StringVar(&o.Shard, "shard", "", "the shard ingested (default: the one regen ingest --shard recorded)")
	f.StringVar(&o.Docs, "docs-dir", "", "module documentation store (default: "+moddocs.DefaultDirName+" beside the data folder)")
	f.BoolVar(&noDocs, "no-docs", false, "do not pack module documentation")
	arch.register(cmd, "pack")
	f.Int64Var(&o.MaxArchiveBytes, "max-archive-bytes", pipeline.DefaultMaxArchiveBytes, "most bytes of module packages one pack carries")
	_ = cmd.MarkFlagRequired("data")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

func newShardApplyCmd(g *globals) *cobra.Command {
	o := pipeline.ApplyOptions{}
	var from string
	var noDocs bool
	var arch archiveFlags
	cmd := &cobra.Command{
		Use:   "apply --data DIR [--from FOLDER] [PACK...]",
		Short: "Apply the packs of every shard to the data folder",
		Long: `Apply packs written by 'regen shard pack' (named as arguments, or every
*.tar.gz in --from, searched recursively) to the data folder: the shards' data
files, then their events merged into the change log in time order, then the
module docs into the docs store and, with --module-archives (archive mode),
the module packages into the package store (module indexes merged, an entry
kept only when its package is in the store).

Nothing is written when two packs' shards overlap, a pack writes outside its
shard or a store, or a pack is damaged (a module package must match its
sha256). A data file that changed since the shard's base
commit (a pull request merged meanwhile) keeps its current content, and its
entry's events are left out: the next ingest of the shard redoes the change.
No packs (every shard failed, or none found anything) is not an error.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Packs = args
			if from != "" {
				found, err := findPacks(from)
				if err != nil {
					return err
				}
				o.Packs = append(o.Packs, found...)
			}
			if o.Docs == "" && !noDocs {
				o.Docs = moddocs.DefaultDir(o.Data)
			}
			if noDocs {
				o.Docs = ""
			}
			o.Archives = arch.store(o.Data)
			o.Logger = g.logger()
			res, err := pipeline.Apply(cmd.Context(), o)
			if err != nil {
				return err
			}
			if g.json {
				return writeJSON(g, res)
			}
			if len(res.Packs) == 0 {
				_, err := fmt.Fprintln(g.stdout, "no packs to apply")
				return err
			}
			for _, p := range res.Packs {
				line := fmt.Sprintf("%s: shard %s: %d data files, %d events, %d docs files", p.Pack, p.Shard, p.Files, p.Events, p.Docs)
				if o.Archives != "" {
					line += fmt.Sprintf(", %d archive files", p.Archives)
				}
				if len(p.Stale) > 0 {
					line += fmt.Sprintf("; %d changed since the shard's base, left for the next run: %s", len(p.Stale), strings.Join(p.Stale, ", "))
				}
				if _, err := fmt.Fprintln(g.stdout, line); err != nil {
					return err
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Data, "data", "", "registry data folder (required)")
	f.StringVar(&from, "from", "", "apply every *.tar.gz pack in this folder (recursively; a missing folder has none)")
	f.StringVar(&o.Docs, "docs-dir", "", "module documentation store (default: "+moddocs.DefaultDirName+" beside the data folder)")
	f.BoolVar(&noDocs, "no-docs", false, "do not apply module documentation")
	arch.register(cmd, "apply")
	_ = cmd.MarkFlagRequired("data")
	return cmd
}

// findPacks lists the packs in a folder, sorted.
func findPacks(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) && p == dir {
				return filepath.SkipAll
			}
			return err
		}
		if d.Type().IsRegular() && strings.HasSuffix(d.Name(), ".tar.gz") && !strings.HasPrefix(d.Name(), ".") {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing packs in %s: %w", dir, err)
	}
	slices.Sort(out)
	return out, nil
}

// writeJSON prints v as indented JSON on stdout.
func writeJSON(g *globals, v any) error {
	enc := json.NewEncoder(g.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
