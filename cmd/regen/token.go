package main

import (
	"bufio"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/regen-registry/regen/serve/auth"
)

func newTokenCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Make and hash bearer tokens for a private 'regen serve'",
	}
	cmd.AddCommand(newTokenNewCmd(g), newTokenHashCmd(g))
	return cmd
}

func newTokenNewCmd(g *globals) *cobra.Command {
	var file, name string
	cmd := &cobra.Command{
		Use:   "new --tokens FILE [--name NAME]",
		Short: "Make a random token, add its SHA-256 to a tokens file and print the token",
		Long: `Make a random token, append its SHA-256 (and NAME) to the tokens file that
'regen serve --tokens FILE' reads (a running server picks it up within a second),
and print the token on stdout. The token itself is stored nowhere: give it to its
user now, for a Terraform CLI config block:

  credentials "registry.example.com" {
    token = "<token>"
  }`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tok := auth.NewToken()
			if err := auth.AppendToken(file, tok, name); err != nil {
				return err
			}
			_, err := fmt.Fprintln(g.stdout, tok)
			return err
		},
	}
	cmd.Flags().StringVar(&file, "tokens", "", "tokens file to add the token's hash to (required)")
	cmd.Flags().StringVar(&name, "name", "", "who or what the token is for (kept next to the hash)")
	_ = cmd.MarkFlagRequired("tokens")
	return cmd
}

func newTokenHashCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "hash [NAME] < TOKEN",
		Short: "Print the tokens-file line of a token read from stdin",
		Long: `Read a token from the first line of stdin and print the line a tokens file holds
for it: its SHA-256 in hex, then NAME if given. Reading stdin keeps the token out
of shell history and process listings.`,
		Example: `  printf %s "$TOKEN" | regen token hash ci >> tokens`,
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
			if err != nil && line == "" {
				return errors.New("reading the token from stdin: nothing given")
			}
			tok := strings.TrimRight(line, "\r\n")
			if tok == "" {
				return errors.New("reading the token from stdin: empty token")
			}
			out := auth.HashToken(tok)
			if len(args) == 1 {
				out += " " + args[0]
			}
			_, err = fmt.Fprintln(g.stdout, out)
			return err
		},
	}
	return cmd
}
