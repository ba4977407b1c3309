package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/regen-registry/regen/generator"
	"github.com/regen-registry/regen/generator/build"
	"github.com/regen-registry/regen/internal/progress"
	"github.com/regen-registry/regen/worker"
)

func newBuildCmd(g *globals) *cobra.Command {
	var o build.Options
	var noDiscovery, archives, noFill bool
	var access, archivesDir string
	cmd := &cobra.Command{
		Use:   "build --data DIR --out DIR [--base-url URL] [--github-url URL] [--mirror-prefix P] [--jobs N] [--full]",
		Short: "Write every registry response for a data folder as static files",
		Long: `Write every registry API response for a registry-data folder as static files:
service discovery, the provider and module registry protocols (download documents
with signing keys and the all-platform "packages" hashes OpenTofu >= 1.12 reads),
module latest-version downloads, the provider network mirror tree under
--mirror-prefix/<host>/ (host from --host or --base-url, without its port:
terraform and tofu refuse a mirror host with one; no mirror without a host),
and the public registry's discovery API: module details with inputs and outputs
(from the docs store that regen ingest fills, --docs-dir), listings, search index,
downloads summaries (from --stats-dir), OpenTofu's docs API and feeds
(--no-discovery leaves all of that out). The edge worker goes to OUT/.regen/worker/;
with --access private (or access: private in regen.yaml) it refuses to serve
anything until its TOKENS secret is set, instead of serving a public registry.

With --module-archives (off by default; module_archives: true in regen.yaml),
each published module version downloads a deterministic .tar.gz of its source at
its pinned commit, served by the registry under archives/, instead of git. The
packages live in --archives-dir (kept across runs, filled by regen ingest); the
versions missing from it are fetched from git first (--github-url) unless
--no-fill. A version whose source cannot be fetched, or is over the limits, keeps
its git download and is reported on stderr.
The build manifest goes to OUT/.regen/manifest.ndjson.

A rebuild regenerates only entries whose data, keys or blacklist entries changed
and rewrites only files whose bytes changed; --full regenerates everything. The
build happens in a staging folder: on any error (bad data files are named on
stderr) the previous OUT is left untouched.

Stdout gets a one-line summary (JSON with --json); warnings such as versions left
out go to stderr.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Logger = g.logger()
			limitMemory(o.Logger)
			o.Discovery = !noDiscovery
			a, err := worker.ParseAccess(access)
			if err != nil {
				return fmt.Errorf("--access: %w", err)
			}
			o.Access = a
			if archives {
				o.Archives = &build.ArchiveOptions{Dir: archivesDir, Fill: !noFill}
				if o.Archives.Fill {
					rep, err := build.FillArchives(cmd.Context(), o)
					if err != nil {
						return fmt.Errorf("filling the archive store: %w", err)
					}
					o.Logger.Info("archive store filled", "packaged", rep.Packaged, "refused", rep.Refused, "failed", rep.Failed)
				}
			}
			o.Progress = progress.New(g.stderr, progress.Options{
				Mode:  progress.ModeFor(g.stderr, g.quiet, g.json),
				Label: "build", Unit: "entries",
			})
			s, err := build.Run(cmd.Context(), o)
			if err != nil {
				return err
			}
			if g.json {
				return json.NewEncoder(g.stdout).Encode(s)
			}
			_, err = fmt.Fprintln(g.stdout, s.String())
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Data, "data", "", "registry data folder to read (required)")
	f.StringVar(&o.Out, "out", "", "folder to write the tree to (required)")
	f.StringVar(&o.Generator.BaseURL, "base-url", "", "public URL of the registry, e.g. https://registry.example.com (names the mirror host)")
	f.StringVar(&o.Generator.Hostname, "host", "", "registry host name (default: the host of --base-url); keys the mirror tree, without its port")
	f.StringVar(&o.Generator.GitHubURL, "github-url", generator.DefaultGitHubURL, "base of default module repositories (any URL git understands)")
	f.StringVar(&o.Generator.MirrorPrefix, "mirror-prefix", generator.DefaultMirrorPrefix, "folder of the provider network mirror tree")
	f.IntVar(&o.Jobs, "jobs", 0, "entries processed at once (default GOMAXPROCS*4)")
	f.BoolVar(&o.Full, "full", false, "regenerate and rewrite every entry")
	f.BoolVar(&noDiscovery, "no-discovery", false, "build only the install protocols (no discovery API, docs, search or feeds)")
	f.StringVar(&o.DocsDir, "docs-dir", "", "module docs store (default: registry-docs next to --data)")
	f.BoolVar(&archives, "module-archives", false, "archive mode: module versions download a package served by the registry (from --archives-dir) instead of git")
	f.StringVar(&archivesDir, "archives-dir", "", "module package store for --module-archives (default: registry-archives next to --data)")
	f.BoolVar(&noFill, "no-fill", false, "with --module-archives, do not fetch versions missing from the store (no network; they keep their git download)")
	f.StringVar(&o.StatsDir, "stats-dir", "", "download counts folder (default: DATA/stats)")
	f.StringVar(&o.Title, "title", "", "registry name used in feeds (default: the host name)")
	f.StringVar(&access, "access", string(worker.Public), "who may read the registry: public, or private (the edge worker then refuses to serve without tokens)")
	_ = cmd.MarkFlagRequired("data")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

// buildMemoryLimit is the Go heap's soft limit during a build when
// GOMEMLIMIT is not set, a ceiling for unusual registries: a
// public-registry-sized build peaks at ~180–200 MB without it (see
// docs/performance.md). Set GOMEMLIMIT to override ("off": none).
const buildMemoryLimit = 224 << 20

// limitMemory applies buildMemoryLimit unless GOMEMLIMIT is set.
func limitMemory(log *slog.Logger) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(buildMemoryLimit)
	log.Debug("soft memory limit", "bytes", buildMemoryLimit)
}
