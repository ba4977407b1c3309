package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/regen-registry/regen/ingest"
	"github.com/regen-registry/regen/ingest/github"
	"github.com/regen-registry/regen/internal/progress"
	"github.com/regen-registry/regen/modarchive"
	"github.com/regen-registry/regen/moddocs"
	"github.com/regen-registry/regen/pipeline"
	"github.com/regen-registry/regen/regdata"
)

// ghFlags are the flags of every command that talks to GitHub (ingest,
// add, discover), and of the module documentation extraction that follows
// module ingest.
type ghFlags struct {
	data      string
	githubURL string
	apiURL    string
	tokenEnv  string
	jobs      int
	rate      float64
	maxNew    int
	noDocs    bool
	docsDir   string
	archives  bool
	archDir   string
	licenses  []string
}

// register adds the flags to cmd, with --data required.
func (f *ghFlags) register(cmd *cobra.Command) {
	f.registerOptional(cmd)
	_ = cmd.MarkFlagRequired("data")
}

// registerOptional adds the flags to cmd without making --data required,
// for commands that check it themselves.
func (f *ghFlags) registerOptional(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.data, "data", "", "registry data folder (required)")
	fl.StringVar(&f.githubURL, "github-url", github.DefaultWebURL, "GitHub base URL for web pages, feeds, release downloads and git")
	fl.StringVar(&f.apiURL, "github-api-url", github.DefaultAPIURL, "GitHub REST API base URL")
	fl.StringVar(&f.tokenEnv, "token-env", "GITHUB_TOKEN", "environment variable holding a GitHub token (optional; sent only to the GitHub hosts)")
	fl.IntVar(&f.jobs, "jobs", ingest.DefaultJobs, "entries processed at once")
	fl.Float64Var(&f.rate, "rate", ingest.DefaultRate, "requests per second per host (negative: no limit)")
	fl.IntVar(&f.maxNew, "max-new-versions", ingest.DefaultMaxNewVersions, "new versions one repository may add per run, newest first; the rest wait for the next runs (negative: no limit)")
	fl.BoolVar(&f.noDocs, "no-docs", false, "do not extract module documentation")
	fl.StringVar(&f.docsDir, "docs-dir", "", "module documentation store (default: "+moddocs.DefaultDirName+" beside the data folder)")
	fl.BoolVar(&f.archives, "module-archives", false, "archive mode: fill the module package store with the versions it lacks")
	fl.StringVar(&f.archDir, "archives-dir", "", "module package store (default: "+modarchive.DefaultDirName+" beside the data folder)")
	fl.StringSliceVar(&f.licenses, "licenses", nil, `SPDX licence ids under which module documentation is republished, comma separated; "*" allows all (default: a built-in list of permissive and copyleft licences)`)
}

// options maps the flags onto ingest.Options.
func (f *ghFlags) options(g *globals) ingest.Options {
	return ingest.Options{
		Data:           f.data,
		Jobs:           f.jobs,
		GitHubURL:      f.githubURL,
		GitHubAPIURL:   f.apiURL,
		Token:          os.Getenv(f.tokenEnv),
		Rate:           f.rate,
		MaxNewVersions: f.maxNew,
		Logger:         g.logger(),
		Docs:           f.docsOptions(),
		Archives:       f.archiveOptions(),
	}
}

// archiveOptions maps the archive flags onto ingest.ArchiveOptions (nil
// without --module-archives).
func (f *ghFlags) archiveOptions() *ingest.ArchiveOptions {
	if !f.archives {
		return nil
	}
	return &ingest.ArchiveOptions{Dir: f.archDir}
}

// docsOptions maps the documentation flags onto ingest.DocsOptions (nil
// with --no-docs).
func (f *ghFlags) docsOptions() *ingest.DocsOptions {
	if f.noDocs {
		return nil
	}
	return &ingest.DocsOptions{Dir: f.docsDir, Licenses: f.licenses}
}

// writeSummary prints the summary on stdout (JSON with --json) and turns
// failures into exit status 3.
func writeSummary(g *globals, sum *ingest.Summary, err error) error {
	if sum != nil {
		var werr error
		if g.json {
			werr = sum.WriteJSON(g.stdout)
		} else {
			werr = sum.WriteText(g.stdout)
		}
		if werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		return err
	}
	if sum != nil && sum.Failed() {
		return &exitError{code: 3, err: fmt.Errorf("%d failures (listed above)", len(sum.Failures))}
	}
	return nil
}

// newProgress returns the progress reporter for stderr: a bar on a
// terminal, periodic lines otherwise, nothing with --quiet.
func newProgress(g *globals, label string) ingest.Progress {
	return progress.New(g.stderr, progress.Options{
		Mode:  progress.ModeFor(g.stderr, g.quiet, g.json),
		Label: label,
		Unit:  "entries",
	})
}

func newIngestCmd(g *globals) *cobra.Command {
	var (
		f         ghFlags
		providers bool
		modules   bool
		only      []string
		shard     string
		partialOK bool
		full      bool
		fullEvery time.Duration
	)
	cmd := &cobra.Command{
		Use:   "ingest --data DIR [--providers] [--modules] [--only ADDR... | --shard SHARD] [--jobs N]",
		Short: "Bring the data folder up to date with the releases and tags on GitHub",
		Long: `Ingest checks every provider and module of the data folder (or those named
with --only) for new versions and adds them.

Each repository is gated by its releases.atom (providers) or tags.atom
(modules), requested with the ETag remembered from the last run, so an
unchanged repository costs one request answered 304. When the feed shows a
tag we do not have, is unusable, or a periodic full check is due, every tag
is listed (git ls-remote over HTTP) so nothing beyond the feed's window is
missed. Provider releases are verified before they are published: signed
SHA256SUMS (keys/), checksums of every zip, h1: hashes. A zip over the
hashing limits (more than 1000 files, 4 GiB uncompressed, or expanding more
than 100 times: a zip bomb) is refused as a failed version, with the reason.
At most --max-new-versions new versions of one repository are added per run,
newest first; the rest are added by the next runs, which list the tags until
none is left.

The documentation of each module version (README, inputs, outputs, …) is
extracted from its commit into the docs store (--docs-dir, by default
registry-docs beside the data folder), once: versions the store lacks are
retried on every run until the module is complete; a complete module is
checked again at its daily full tag listing (or --full). Whether it may be republished
follows the licence allowlist (--licenses, or licenses in regen.yaml).
Extraction problems are warnings; they never hold back a version.

Poll state (feed validators, back-off of failed versions) is kept in
DIR/.regen/ingest-state/; change events are appended to DIR/events/.

--shard restricts the run to a part of the data folder so that parallel jobs
write disjoint files ('regen shard pack' then packages the job's changes).
Unlike --only, a shard knows all its entries: entries whose data file was
removed since the last run get their deleted event.

Exit status: 0 when everything succeeded; 3 when some entries or versions
failed (the summary on stdout lists them, the rest was written); 1 when the
run could not work at all.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o := f.options(g)
			// An empty --only (a workflow's unset entry) selects nothing.
			only = slices.DeleteFunc(only, func(s string) bool { return strings.TrimSpace(s) == "" })
			o.Providers, o.Modules, o.Only = providers, modules, only
			o.Full, o.FullEvery = full, fullEvery
			o.Progress = newProgress(g, "ingest")
			if shard != "" {
				sh, err := regdata.ParseShard(shard)
				if err != nil {
					return err
				}
				o.Shard = &sh
				if err := pipeline.WriteRunMark(o.Data, pipeline.RunMark{Shard: sh.String(), Started: time.Now()}); err != nil {
					return err
				}
			}
			sum, err := ingest.Run(cmd.Context(), o)
			err = writeSummary(g, sum, err)
			var ee *exitError
			if partialOK && errors.As(err, &ee) && ee.code == 3 {
				return nil
			}
			return err
		},
	}
	f.register(cmd)
	fl := cmd.Flags()
	fl.BoolVar(&providers, "providers", false, "ingest providers (default: both kinds)")
	fl.BoolVar(&modules, "modules", false, "ingest modules (default: both kinds)")
	fl.StringSliceVar(&only, "only", nil, "only these entries: NS/TYPE (provider) or NS/NAME/SYSTEM (module); repeatable; an empty value is ignored")
	fl.StringVar(&shard, "shard", "", `only the entries whose namespace starts with one of these characters, written like a bracket expression ("a-b", "u-z0-9_-"); for parallel jobs, see regen shard`)
	fl.BoolVar(&partialOK, "partial-ok", false, "exit 0 when only some entries or versions failed (they are listed in the summary); for scheduled runs that publish what succeeded")
	fl.BoolVar(&full, "full", false, "list every repository's tags, whatever its feed says")
	fl.DurationVar(&fullEvery, "full-every", ingest.DefaultFullEvery, "list each repository's tags at least this often")
	return cmd
}
