package main

import (
	"github.com/spf13/cobra"

	"github.com/regen-registry/regen/status"
)

func newStatusCmd(g *globals) *cobra.Command {
	var o status.Options
	cmd := &cobra.Command{
		Use:   "status [--data DIR] [--failing] [--summary FILE]",
		Short: "Show the registry's health: per entry, the last check, what fails and when it is retried",
		Long: `Show, for every provider and module of the data folder, how many versions it
has and the newest, when a new version last arrived, when ingest last listed
its tags in full, and what fails: each failing version with its reason, how
many attempts failed and when ingest retries it.

Status reads what ingest leaves behind: the data files (versions_errors,
warnings) and the poll state in DIR/.regen/ingest-state/. Failures of whole
entries (a repository gone, a feed that errors) are recorded by no file: pass
the last run's summary (regen ingest --json > FILE) with --summary to see them.

--json prints the same as one JSON document.`,
		Example: `  regen status
  regen status --failing
  regen ingest --json > ingest.json; regen status --summary ingest.json --failing`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rep, err := status.Run(cmd.Context(), o)
			if err != nil {
				return err
			}
			if g.json {
				return rep.WriteJSON(g.stdout)
			}
			return rep.WriteText(g.stdout)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Data, "data", "registry-data", "registry data folder")
	f.StringVar(&o.Summary, "summary", "", "JSON summary of the last ingest run (regen ingest --json), for failures of whole entries")
	f.BoolVar(&o.Failing, "failing", false, "list only entries with a failure")
	return cmd
}
