package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/regen-registry/regen/ingest"
)

func newRevokeCmd(g *globals) *cobra.Command {
	var (
		data   string
		reason string
	)
	cmd := &cobra.Command{
		Use:   "revoke provider|module ADDRESS VERSION --reason TEXT --data DIR",
		Short: "Hide a version from every registry response",
		Long: `Revoke adds a version to versions_blacklist.json with the reason, and records a
version_revoked event. The data file keeps the version; the generator leaves it
out of every response.`,
		Args: cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			kind := ingest.Kind(args[0])
			o := ingest.Options{Data: data, Logger: g.logger(), Now: time.Now}
			if err := ingest.Revoke(cmd.Context(), o, kind, args[1], args[2], reason); err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "revoked %s %s %s\n", kind, args[1], args[2])
			return nil
		},
	}
	cmd.Flags().StringVar(&data, "data", "", "registry data folder (required)")
	cmd.Flags().StringVar(&reason, "reason", "", "why the version is revoked (required)")
	_ = cmd.MarkFlagRequired("data")
	_ = cmd.MarkFlagRequired("reason")
	return cmd
}
