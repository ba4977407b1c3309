package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/regen-registry/regen/client"
	"github.com/regen-registry/regen/client/verify"
)

func newVerifyCmd(g *globals) *cobra.Command {
	o := verify.Options{Jobs: verify.DefaultJobs, Retries: verify.DefaultRetries, Timeout: verify.DefaultTimeout}
	cmd := &cobra.Command{
		Use:   "verify --url URL --dir DIST [--jobs N] [--sample N [--seed S]]",
		Short: "Check that a deployed registry serves exactly what was built (post-deploy smoke test)",
		Long: `Fetch every file the build manifest of DIST (.regen/manifest.ndjson) lists from
the registry at URL and compare it with the build: status 200, SHA-256 and size
of the body, Content-Type, and for module version downloads an X-Terraform-Get
header equal to the body's location (its absence, normal on plain static
hosting, is a warning unless --require-terraform-get). The latest-version
module download may be the file itself or a redirect to the version it names.
Service discovery is also run as Terraform runs it.

Prints one line per problem (mismatch, missing, error) with its path, then a
summary; --json prints one JSON report instead. Exits 1 when anything differs,
2 when the check itself could not run.

--sample N checks N files chosen at random; the seed is printed so that the
same sample can be checked again with --seed. Bearer tokens are read from
TF_TOKEN_<host> environment variables, as Terraform reads them.`,
		Example: `  regen verify --url https://registry.example.com --dir dist
  regen verify --url https://registry.example.com --dir dist --sample 2000 --prefix v1/ --jobs 32`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Credentials = client.CredentialsFromEnv(os.Environ())
			o.Logger = g.logger()
			o.Out = g.stdout
			o.JSON = g.json
			rep, err := verify.Run(cmd.Context(), o)
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			return rep.Err()
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.URL, "url", "", "base URL of the deployed registry (required)")
	f.StringVar(&o.Dir, "dir", "", "build tree written by regen build (required)")
	f.IntVar(&o.Jobs, "jobs", o.Jobs, "requests in flight at once")
	f.IntVar(&o.Sample, "sample", 0, "check only this many files, chosen at random (0: all)")
	f.Uint64Var(&o.Seed, "seed", 0, "seed of --sample (0: pick one and print it)")
	f.StringSliceVar(&o.Prefixes, "prefix", nil, "only check paths starting with this (repeatable), e.g. v1/providers/")
	f.BoolVar(&o.RequireTerraformGet, "require-terraform-get", false, "a module download without X-Terraform-Get is a mismatch, not a warning")
	f.IntVar(&o.Retries, "retries", o.Retries, "retries of a request failing with a network error, 429 or 5xx")
	f.DurationVar(&o.Timeout, "timeout", o.Timeout, "time limit of each request")
	_ = cmd.MarkFlagRequired("url")
	_ = cmd.MarkFlagRequired("dir")
	return cmd
}
