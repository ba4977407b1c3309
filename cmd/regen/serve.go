package main

import (
	"github.com/spf13/cobra"

	"github.com/regen-registry/regen/serve"
)

func newServeCmd(g *globals) *cobra.Command {
	var o serve.Options
	cmd := &cobra.Command{
		Use:   "serve --dir DIR [--addr HOST:PORT] [--tls-cert FILE --tls-key FILE | --self-signed [--ca-out FILE]]",
		Short: "Serve a built registry tree over HTTPS (or HTTP) for local use and tests",
		Long: `Serve a tree written by 'regen build' as a registry: service discovery, the
module and provider protocols (with the X-Terraform-Get header Terraform needs on
module downloads), the provider network mirror and every listing. Nothing outside
DIR and nothing under a dot-directory such as .regen/ is ever served.

With --self-signed, a CA and a server certificate are made for this run; the CA
is written to --ca-out (default: a temporary file removed on exit). Without TLS
flags the server speaks plain HTTP, which Terraform accepts only through a CLI
config host block (discovery needs HTTPS).

Stdout gets the settings to paste (export SSL_CERT_FILE=..., a CLI config host
block) and, last, the line "listening on <scheme>://<host:port>" with the port
actually bound (--addr 127.0.0.1:0 picks a free one). Request logs go to stderr
at --log-level debug. SIGINT/SIGTERM shut down gracefully.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Logger = g.logger()
			o.Stdout = g.stdout
			return serve.Run(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Dir, "dir", "", "tree written by regen build (required)")
	f.StringVar(&o.Addr, "addr", serve.DefaultAddr, "listen address host:port (port 0: any free port)")
	f.StringVar(&o.TLSCert, "tls-cert", "", "PEM server certificate (with --tls-key)")
	f.StringVar(&o.TLSKey, "tls-key", "", "PEM private key of --tls-cert")
	f.BoolVar(&o.SelfSigned, "self-signed", false, "make a CA and a server certificate for this run")
	f.StringVar(&o.CAOut, "ca-out", "", "where to write the self-signed CA certificate (default: a temporary file removed on exit)")
	_ = cmd.MarkFlagRequired("dir")
	cmd.MarkFlagsRequiredTogether("tls-cert", "tls-key")
	cmd.MarkFlagsMutuallyExclusive("self-signed", "tls-cert")
	return cmd
}
