package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/regen-registry/regen/pipeline"
)

func newCommitCmd(g *globals) *cobra.Command {
	var o pipeline.CommitOptions
	cmd := &cobra.Command{
		Use:   "commit --data DIR [--push] [--message MSG] [--remote NAME] [--branch NAME]",
		Short: "Commit the data folder's changes and push them, rebasing when the branch moved",
		Long: `Commit every change of the data folder (its .regen/ state excepted) with git,
as regen-bot unless the repository names a committer, and with --push push it.
A refused push (someone pushed meanwhile) is retried after rebasing onto the
remote branch, up to --attempts pushes; the change log's month files merge as
a union of lines while rebasing, since both sides only append to them.

Prints the commit, or "no data change".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Logger = g.logger()
			res, err := pipeline.Commit(cmd.Context(), o)
			if err != nil {
				return err
			}
			if g.json {
				return writeJSON(g, res)
			}
			switch {
			case !res.Committed:
				_, err = fmt.Fprintln(g.stdout, "no data change")
			case res.Pushes > 0:
				_, err = fmt.Fprintf(g.stdout, "committed %s, pushed (%d attempts)\n", res.Commit, res.Pushes)
			default:
				_, err = fmt.Fprintf(g.stdout, "committed %s\n", res.Commit)
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Data, "data", "", "registry data folder, in a git working copy (required)")
	f.StringVarP(&o.Message, "message", "m", pipeline.DefaultCommitMessage, "commit message")
	f.BoolVar(&o.Push, "push", false, "push the commit")
	f.StringVar(&o.Remote, "remote", "origin", "remote to push to")
	f.StringVar(&o.Branch, "branch", "", "branch to push to (default: the checked-out branch)")
	f.IntVar(&o.Attempts, "attempts", pipeline.DefaultPushAttempts, "pushes to try before giving up")
	_ = cmd.MarkFlagRequired("data")
	return cmd
}
