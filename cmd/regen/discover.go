package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(owner of this command): replace this stub.
func newDiscoverCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "discover",
		Short: "not implemented yet",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("discover: not implemented yet")
		},
	}
}
