package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(owner of this command): replace this stub.
func newServeCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "not implemented yet",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("serve: not implemented yet")
		},
	}
}
