package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(owner of this command): replace this stub.
func newAddCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "add",
		Short: "not implemented yet",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("add: not implemented yet")
		},
	}
}
