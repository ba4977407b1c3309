package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(owner of this command): replace this stub.
func newIngestCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "ingest",
		Short: "not implemented yet",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("ingest: not implemented yet")
		},
	}
}
