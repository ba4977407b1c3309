package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/regen-registry/regen/ingest"
)

func newAddCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "add provider|module|key ...",
		Short: "Add a provider, module or signing key to the data folder",
		Long: `Add submits a new entry: the repository must follow the naming convention
(terraform-provider-TYPE, terraform-SYSTEM-NAME), exist, and have semver
tags; the entry is ingested at once.

Exit status: 0 on success; 3 when the entry was added but some of its
versions failed to ingest (listed on stdout); 1 when it was not added.`,
	}
	cmd.AddCommand(newAddEntryCmd(g, ingest.KindProvider), newAddEntryCmd(g, ingest.KindModule), newAddKeyCmd(g))
	return cmd
}

func newAddEntryCmd(g *globals, kind ingest.Kind) *cobra.Command {
	var (
		f          ghFlags
		repository string
	)
	use, conv := "provider NAMESPACE/TYPE", "terraform-provider-TYPE"
	if kind == ingest.KindModule {
		use, conv = "module NAMESPACE/NAME/SYSTEM", "terraform-SYSTEM-NAME"
	}
	cmd := &cobra.Command{
		Use:   use + " [--repository URL]",
		Short: "Add a " + string(kind) + " and ingest it",
		Long: fmt.Sprintf(`Add a %s. Its repository is <github-url>/NAMESPACE/%s unless
--repository names another owner (the name must still be %s).`, kind, conv, conv) +
			map[ingest.Kind]string{ingest.KindProvider: "\nThe namespace or provider needs a signing key first (regen add key).", ingest.KindModule: ""}[kind],
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o := f.options(g)
			var sum *ingest.Summary
			var err error
			if kind == ingest.KindProvider {
				sum, err = ingest.AddProvider(cmd.Context(), o, args[0], repository)
			} else {
				sum, err = ingest.AddModule(cmd.Context(), o, args[0], repository)
			}
			return writeSummary(g, sum, err)
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&repository, "repository", "", "repository URL or OWNER/NAME, when not the conventional one")
	return cmd
}

func newAddKeyCmd(g *globals) *cobra.Command {
	var f ghFlags
	cmd := &cobra.Command{
		Use:   "key NAMESPACE[/TYPE] FILE.asc",
		Short: "Add a provider signing key (armored OpenPGP public key)",
		Long: `Add a signing key for a whole namespace (NAMESPACE) or one provider
(NAMESPACE/TYPE). The file must hold exactly one public key. When the provider
has releases, the key must verify the latest one's SHA256SUMS signature (for a
namespace key: the latest release of at least one provider of the namespace).`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := ingest.AddKey(cmd.Context(), f.options(g), args[0], args[1])
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "added key %s as %s\n", res.KeyID, res.Path)
			if len(res.Verified) > 0 {
				fmt.Fprintf(g.stdout, "verified: %s\n", strings.Join(res.Verified, ", "))
			}
			for _, n := range res.NotVerified {
				fmt.Fprintf(g.stdout, "not verified: %s\n", n)
			}
			return nil
		},
	}
	f.register(cmd)
	return cmd
}
