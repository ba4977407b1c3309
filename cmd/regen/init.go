package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/regen-registry/regen/internal/progress"
	"github.com/regen-registry/regen/scaffold"
)

func newInitCmd(g *globals) *cobra.Command {
	var o scaffold.Options
	cmd := &cobra.Command{
		Use:   "init [DIR] --host HOST [flags]",
		Short: "Create a registry repository: data folder, regen.yaml, GitHub workflows and issue forms",
		Long: `Create a registry repository in DIR (default: the current folder):

  regen.yaml                               the configuration every command reads
  registry-data/                           the data folder, with one example module
  .github/workflows/regen-publish.yml      scheduled ingest → commit → build → upload with purge
  .github/workflows/regen-validate.yml     pull-request validation
  .github/workflows/regen-submissions.yml  issue-form submissions → pull request or refusal comment
  .github/ISSUE_TEMPLATE/                  forms: add a provider, a module, a signing key
  README.md                                which secrets to set, and what each file is

A file that exists is never overwritten: it is reported "unchanged" when it
already has the template's content, "kept" when it differs (your changes). Run
init again after upgrading regen to add what new templates bring.

The workflows install regen at --regen-version (default: this binary's
version, or latest). For a release version they download the release's
linux_amd64 archive and check its sha256, pinned with --release-sha256 or
else read from the release's checksums file, so a run starts in seconds;
--install source (the default when the version is not a release, such as
latest from a development build) compiles it with go install instead.`,
		Example: `  regen init my-registry --host registry.example.com
  regen init . --host registry.example.com --upload-target s3://my-bucket \
      --upload-endpoint https://ACCOUNT_ID.r2.cloudflarestorage.com --upload-region auto \
      --cloudflare-zone 0123456789abcdef0123456789abcdef`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.Dir = args[0]
			}
			if o.RegenVersion == "" {
				o.RegenVersion = releasedVersion()
			}
			res, err := scaffold.Init(cmd.Context(), o)
			if err != nil {
				return err
			}
			if g.json {
				enc := json.NewEncoder(g.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			return writeInitResult(g, o, res)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Host, "host", "", "the registry's public host name, such as registry.example.com (required)")
	f.StringVar(&o.BaseURL, "base-url", "", "public URL, when not https://HOST")
	f.StringVar(&o.UploadTarget, "upload-target", "", "object store target for regen.yaml: s3://BUCKET[/PREFIX] or file:///PATH")
	f.StringVar(&o.UploadEndpoint, "upload-endpoint", "", "S3-compatible endpoint for regen.yaml (R2: https://ACCOUNT_ID.r2.cloudflarestorage.com)")
	f.StringVar(&o.UploadRegion, "upload-region", "", "S3 region for regen.yaml (auto for R2)")
	f.StringVar(&o.CloudflareZone, "cloudflare-zone", "", "Cloudflare zone ID to purge after uploads, for regen.yaml")
	f.StringVar(&o.RegenVersion, "regen-version", "", "regen version the workflows install (default: this binary's, or latest)")
	f.StringVar(&o.InstallFrom, "install", "", "how the workflows install regen: release (a pinned release archive, checksum verified; the default for a release version) or source (go install)")
	f.StringVar(&o.ReleaseURL, "release-url", scaffold.DefaultReleaseURL, "where the workflows download release archives from (<url>/v<version>/regen_<version>_linux_amd64.tar.gz)")
	f.StringVar(&o.ReleaseSHA256, "release-sha256", "", "sha256 of regen_<version>_linux_amd64.tar.gz to pin in the workflows (default: checked against the release's checksums file)")
	f.BoolVar(&o.DryRun, "dry-run", false, "list what would be written, write nothing")
	_ = cmd.MarkFlagRequired("host")
	return cmd
}

// writeInitResult prints what init did and what to do next.
func writeInitResult(g *globals, o scaffold.Options, res []scaffold.Result) error {
	t := progress.Table{Header: []string{"FILE", "ACTION"}}
	counts := map[scaffold.Action]int{}
	for _, r := range res {
		action := string(r.Action)
		if r.Action == scaffold.Created && o.DryRun {
			action = "would create"
		}
		if r.Action == scaffold.Kept {
			action = "kept (yours differs from the template; not changed)"
		}
		t.Append(r.Path, action)
		counts[r.Action]++
	}
	if err := t.WriteText(g.stdout); err != nil {
		return err
	}
	dir := o.Dir
	if dir == "" {
		dir = "."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%d created, %d unchanged, %d kept.\n", counts[scaffold.Created], counts[scaffold.Unchanged], counts[scaffold.Kept])
	if !o.DryRun && counts[scaffold.Created] > 0 {
		fmt.Fprintf(&b, `
Next:
  cd %s
  regen config        # check the settings; set upload.target in regen.yaml
  regen ingest        # fetch the example module's versions from GitHub
  regen build && regen serve --dir dist --self-signed --addr 127.0.0.1:8443
Then push to GitHub and set the secrets listed in README.md.
`, dir)
	}
	_, err := fmt.Fprint(g.stdout, b.String())
	return err
}

// releasedVersion is the version the generated workflows install: this
// binary's when it is a release, else latest.
func releasedVersion() string {
	return releaseOf(currentBuild().Version)
}

// releaseOf is v when it names a release (a semantic version that is not a
// pseudo-version of an untagged commit, nor a dirty or snapshot build), else
// scaffold.DefaultRegenVersion.
func releaseOf(v string) string {
	if !semver.IsValid(v) || module.IsPseudoVersion(v) || strings.Contains(v, "+dirty") || strings.Contains(v, "SNAPSHOT") {
		return scaffold.DefaultRegenVersion
	}
	return v
}
