package main

import (
	"github.com/spf13/cobra"

	"github.com/regen-registry/regen/ingest"
)

func newDiscoverCmd(g *globals) *cobra.Command {
	var (
		f   ghFlags
		org string
	)
	cmd := &cobra.Command{
		Use:   "discover --org ORG --data DIR [--token-env VAR]",
		Short: "Add every provider and module repository of a GitHub organisation",
		Long: `Discover lists the organisation's (or user's) repositories through the GitHub
REST API and adds every terraform-provider-TYPE provider and
terraform-SYSTEM-NAME module that is not in the data folder yet, then ingests
them. Private repositories, forks, repositories without semver tags and
providers without a signing key are skipped and listed.

Exit status: 0 on success; 3 when some entries failed (listed on stdout); 1
when the repositories could not be listed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sum, err := ingest.Discover(cmd.Context(), f.options(g), org)
			return writeSummary(g, sum, err)
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&org, "org", "", "GitHub organisation or user (required)")
	_ = cmd.MarkFlagRequired("org")
	return cmd
}
