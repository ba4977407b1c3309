package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(owner of this command): replace this stub.
func newUploadCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "upload",
		Short: "not implemented yet",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("upload: not implemented yet")
		},
	}
}
