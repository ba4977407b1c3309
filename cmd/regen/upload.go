package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/regen-registry/regen/internal/progress"
	"github.com/regen-registry/regen/upload"
	"github.com/regen-registry/regen/upload/cfpurge"
	"github.com/regen-registry/regen/upload/target"
)

// uploadFlags are the flags of regen upload not held in upload.Options.
type uploadFlags struct {
	to, endpoint, region  string
	pathStyle             bool
	zone, cfAPI, tokenEnv string
	state                 string
}

func newUploadCmd(g *globals) *cobra.Command {
	o := upload.Options{Jobs: 32, MaxDelete: 1000, Cache: upload.DefaultCachePolicy()}
	var fl uploadFlags
	cmd := &cobra.Command{
		Use:   "upload --dir DIST --to s3://BUCKET[/PREFIX] | file:///PATH [flags]",
		Short: "Publish a built tree to S3, R2 or a folder, incrementally and in a safe order",
		Long: `Publish the tree written by 'regen build' so that at every instant clients see a
consistent registry, sending only what changed since the last upload.

The target keeps regen's manifest in a folder .regen/state-<random>/ whose name
no one can guess (or, with --state URL, in another bucket, prefix or folder);
an upload compares it with the build's and sends new and changed objects only
(a no-change upload costs two requests). Objects go out by class: per-version documents first, then the
indexes pointing at them (versions, mirror index.json), then listings and search,
then discovery; objects the build no longer has are deleted last, entry points
first, and only then is the new manifest written. Each object carries its
Content-Type, a Cache-Control by class and its sha256 (x-amz-meta-sha256).

Interrupted at any point, the target still serves a consistent registry, and the
next run resumes from the checkpoints (the state's journal/) without sending
again what already arrived. --verify compares with a full listing instead of
the manifest (done anyway when the target has none), to repair a target changed
behind regen's back.

Only objects regen published (listed by its manifest or journal) are ever
deleted. Objects it did not publish (a first upload to a bucket or folder that
holds other files) are left alone and listed in the summary; --delete-unowned
deletes them too (try it with --dry-run first: it lists them).

S3 credentials come from the usual AWS sources (AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY, AWS_PROFILE, instance roles). For Cloudflare R2 use
--endpoint https://<account>.r2.cloudflarestorage.com (region "auto").

With --purge-cloudflare-zone, the public URLs (--public-url + path) of objects
whose content changed in place, and of deleted objects, are purged after each
class is published; new paths need no purge. The API token is read from
$CLOUDFLARE_API_TOKEN (see --cloudflare-token-env).

Exit status: 0 done, 1 failure, 2 refused (more deletions than --max-delete).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			o.Logger = g.logger()
			var pathStyle *bool
			if cmd.Flags().Changed("path-style") {
				pathStyle = &fl.pathStyle
			}
			store, err := target.Open(ctx, fl.to, target.Config{
				Endpoint: fl.endpoint, Region: fl.region, PathStyle: pathStyle, Jobs: o.Jobs, Logger: o.Logger,
			})
			if err != nil {
				return err
			}
			o.Store = store
			if fl.state != "" {
				if o.State, err = target.Open(ctx, fl.state, target.Config{
					Endpoint: fl.endpoint, Region: fl.region, PathStyle: pathStyle, Jobs: o.Jobs, Logger: o.Logger,
				}); err != nil {
					return fmt.Errorf("--state: %w", err)
				}
			}
			if fl.zone != "" {
				token := os.Getenv(fl.tokenEnv)
				if token == "" {
					return fmt.Errorf("--purge-cloudflare-zone needs an API token in $%s", fl.tokenEnv)
				}
				if o.PublicURL == "" {
					return errors.New("--purge-cloudflare-zone needs --public-url")
				}
				if o.Purger, err = cfpurge.New(cfpurge.Config{ZoneID: fl.zone, Token: token, APIURL: fl.cfAPI}); err != nil {
					return err
				}
			}
			o.Progress = uploadProgress(g)
			sum, err := upload.Run(ctx, o)
			if sum != nil && (err == nil || o.DryRun) {
				if g.json {
					_ = json.NewEncoder(g.stdout).Encode(sum)
				} else {
					fmt.Fprintln(g.stdout, sum)
					printUnowned(g, sum)
				}
			}
			var tooMany *upload.TooManyDeletesError
			if errors.As(err, &tooMany) {
				return &exitError{code: 2, err: err}
			}
			if err != nil && sum != nil {
				o.Logger.Error("upload failed", "uploaded", sum.Uploaded, "deleted", sum.Deleted, "elapsed", sum.Duration.Round(time.Millisecond))
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Dir, "dir", "", "tree written by regen build (required)")
	f.StringVar(&fl.to, "to", "", "target: s3://BUCKET[/PREFIX] or file:///PATH (required)")
	f.StringVar(&fl.endpoint, "endpoint", "", "S3-compatible endpoint URL (R2, MinIO…); default AWS")
	f.StringVar(&fl.region, "region", "", `S3 region (default: from the environment, else "auto" with --endpoint, else us-east-1)`)
	f.BoolVar(&fl.pathStyle, "path-style", false, "path-style bucket addressing (default: on with --endpoint)")
	f.IntVar(&o.Jobs, "jobs", o.Jobs, "requests in flight at once")
	f.BoolVar(&o.DryRun, "dry-run", false, "plan and report, write nothing")
	f.IntVar(&o.MaxDelete, "max-delete", o.MaxDelete, "refuse to delete more objects than this (-1: no limit)")
	f.BoolVar(&o.Verify, "verify", false, "compare with a full listing of the target instead of its manifest")
	f.BoolVar(&o.DeleteUnowned, "delete-unowned", false, "also delete objects outside the build that regen did not publish (taking over a bucket)")
	f.StringVar(&fl.state, "state", "", "keep regen's upload state here (s3://BUCKET[/PREFIX] or file:///PATH) instead of the target's hidden .regen/state-<random>/")
	f.StringVar(&o.Cache.Leaf, "cache-control-leaf", o.Cache.Leaf, "Cache-Control of per-version documents")
	f.StringVar(&o.Cache.Short, "cache-control-short", o.Cache.Short, "Cache-Control of indexes, listings and discovery")
	f.StringVar(&fl.zone, "purge-cloudflare-zone", "", "Cloudflare zone ID whose cache to purge")
	f.StringVar(&o.PublicURL, "public-url", "", "URL the tree is served at, for purging (https://registry.example.com)")
	f.StringVar(&fl.cfAPI, "cloudflare-api-url", "", "Cloudflare API base URL (default https://api.cloudflare.com/client/v4)")
	f.StringVar(&fl.tokenEnv, "cloudflare-token-env", "CLOUDFLARE_API_TOKEN", "environment variable holding the Cloudflare API token")
	f.StringVar(&o.TempDir, "tmp-dir", "", "folder for the plan's spool files (default: the system's)")
	_ = cmd.MarkFlagRequired("dir")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}

// printUnowned lists, after a dry run, the objects regen did not publish.
func printUnowned(g *globals, sum *upload.Summary) {
	if !sum.DryRun || len(sum.UnownedKeys) == 0 {
		return
	}
	what := "left alone; --delete-unowned deletes them"
	if sum.UnownedDeleted {
		what = "would be deleted"
	}
	fmt.Fprintf(g.stdout, "objects regen did not publish (%s):\n", what)
	for _, k := range sum.UnownedKeys {
		fmt.Fprintf(g.stdout, "  %s\n", k)
	}
	if n := sum.Unowned - int64(len(sum.UnownedKeys)); n > 0 {
		fmt.Fprintf(g.stdout, "  … and %d more\n", n)
	}
}

// uploadProgress draws a bar on a terminal, prints a line every 10 s
// otherwise (JSON with --json), and nothing with --quiet.
func uploadProgress(g *globals) upload.Progress {
	return progress.New(g.stderr, progress.Options{
		Mode:  progress.ModeFor(g.stderr, g.quiet, g.json),
		Label: "upload", Unit: "objects",
	}).Phases()
}
