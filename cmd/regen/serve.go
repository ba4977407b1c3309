package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/regen-registry/regen/generator"
	"github.com/regen-registry/regen/generator/live"
	"github.com/regen-registry/regen/serve"
	"github.com/regen-registry/regen/serve/auth"
	"github.com/regen-registry/regen/serve/query"
	"github.com/regen-registry/regen/stats"
)

// statsFlushTimeout bounds the last flush of download counts at shutdown.
const statsFlushTimeout = 30 * time.Second

// serveOptions are the settings of `regen serve`: the server's own and
// what is put in front of it.
type serveOptions struct {
	// Server configures serve.Run; its Source and Wrap are set by
	// runServe.
	Server serve.Options
	// Data, when set, is a registry data folder served live (package
	// generator/live) instead of the built tree Server.Dir.
	Data string
	// Generator shapes the documents generated live from Data.
	Generator generator.Options
	// Tokens, when set, is a tokens file: every request but service
	// discovery then needs one of its bearer tokens (package serve/auth).
	Tokens string
	// Stats, when set, is the folder download counts are added to
	// (package stats).
	Stats string
	// Access is "private" when the registry must not be served without
	// Tokens (regen.yaml's access key), "public" or "" otherwise.
	Access string
}

func newServeCmd(g *globals) *cobra.Command {
	var o serveOptions
	var dataGiven bool
	cmd := &cobra.Command{
		Use:   "serve (--dir DIR | --data DIR) [--addr HOST:PORT] [--tls-cert FILE --tls-key FILE | --self-signed [--ca-out FILE]] [--tokens FILE] [--stats DIR]",
		Short: "Serve a built registry tree over HTTPS (or HTTP) for local use and tests",
		Long: `Serve a tree written by 'regen build' as a registry: service discovery, the
module and provider protocols (with the X-Terraform-Get header Terraform needs on
module downloads), the provider network mirror and every listing. Nothing outside
DIR and nothing under a dot-directory such as .regen/ is ever served.

Searches (/v1/modules/search?q=...) and listings asked for with query
parameters (offset, limit, namespace, provider, verified) are answered from the
search index the build wrote; a tree without one answers static files only.

With --data instead of --dir, documents are generated on each request from a
registry data folder, so edits show without a rebuild (for local use: there is
no search index then). --data is taken from the command line only, never from
regen.yaml, and excludes --dir.

With --tokens, the registry is private: every request but service discovery
needs "Authorization: Bearer <token>" with a token whose SHA-256 the file lists
(see 'regen token'); others get 401. The file is re-read when it changes; while
it is missing or unreadable every such request is refused (503). With --access
private (regen.yaml's access: private) serve refuses to start without --tokens.

With --stats, downloads answered are counted and added to that folder (the
stats/ folder of a data folder is the conventional place; 'regen stats' reads
it) every minute and at shutdown.

With --self-signed, a CA and a server certificate are made for this run; the CA
is written to --ca-out (default: a temporary file removed on exit). Without TLS
flags the server speaks plain HTTP, which Terraform accepts only through a CLI
config host block (discovery needs HTTPS).

Stdout gets the settings to paste (export SSL_CERT_FILE=..., a CLI config host
block) and, last, the line "listening on <scheme>://<host:port>" with the port
actually bound (--addr 127.0.0.1:0 picks a free one). Request logs go to stderr
at --log-level debug. SIGINT/SIGTERM shut down gracefully.`,
		Args: cobra.NoArgs,
		// regen.yaml sets both --dir (key out) and --data (key data), so
		// only the command line may choose the live data folder: note what
		// it gave before the configuration file is applied.
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			dataGiven = f.Changed("data")
			if dataGiven && f.Changed("dir") {
				return errors.New("--dir and --data are exclusive: serve a built tree or a data folder")
			}
			if root := cmd.Root(); root != cmd && root.PersistentPreRunE != nil {
				return root.PersistentPreRunE(cmd, args)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dataGiven {
				o.Server.Dir = ""
			} else {
				o.Data = ""
				if o.Server.Dir == "" {
					return errors.New(`required flag "dir" (or "data") not set`)
				}
			}
			o.Server.Logger = g.logger()
			o.Server.Stdout = g.stdout
			return runServe(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Server.Dir, "dir", "", "tree written by regen build (required unless --data)")
	f.StringVar(&o.Data, "data", "", "registry data folder to serve live, without a build (instead of --dir)")
	f.StringVar(&o.Server.Addr, "addr", serve.DefaultAddr, "listen address host:port (port 0: any free port)")
	f.StringVar(&o.Server.TLSCert, "tls-cert", "", "PEM server certificate (with --tls-key)")
	f.StringVar(&o.Server.TLSKey, "tls-key", "", "PEM private key of --tls-cert")
	f.BoolVar(&o.Server.SelfSigned, "self-signed", false, "make a CA and a server certificate for this run")
	f.StringVar(&o.Server.CAOut, "ca-out", "", "where to write the self-signed CA certificate (default: a temporary file removed on exit)")
	f.StringVar(&o.Tokens, "tokens", "", "tokens file: require a bearer token it lists on every request but service discovery")
	f.StringVar(&o.Access, "access", "public", "who may read the registry: public, or private (then --tokens is required)")
	f.StringVar(&o.Stats, "stats", "", "folder to count downloads in (default: no counting)")
	f.StringVar(&o.Generator.BaseURL, "base-url", "", "with --data: public URL of the registry (names the mirror host)")
	f.StringVar(&o.Generator.Hostname, "host", "", "with --data: registry host name (default: the host of --base-url); keys the mirror tree, without its port")
	f.StringVar(&o.Generator.GitHubURL, "github-url", generator.DefaultGitHubURL, "with --data: base of default module repositories")
	f.StringVar(&o.Generator.MirrorPrefix, "mirror-prefix", generator.DefaultMirrorPrefix, "with --data: folder of the provider network mirror tree")
	cmd.MarkFlagsRequiredTogether("tls-cert", "tls-key")
	cmd.MarkFlagsMutuallyExclusive("self-signed", "tls-cert")
	return cmd
}

// runServe opens the tree (or the live data folder), puts authentication,
// download counting and dynamic queries in front of it, in that order
// from the outside, and serves until ctx ends.
func runServe(ctx context.Context, o serveOptions) error {
	log := o.Server.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	switch o.Access {
	case "", "public":
	case "private":
		if o.Tokens == "" {
			return errors.New("the registry is private (access: private) but no --tokens file is given: refusing to serve it to everyone")
		}
	default:
		return fmt.Errorf("--access %q: want public or private", o.Access)
	}
	src, err := serveSource(o)
	if err != nil {
		return err
	}
	if g, err := o.Generator.Normalize(); err == nil && o.Data != "" && g.MirrorNote() != "" {
		log.Warn(g.MirrorNote())
	}
	o.Server.Source = src

	q, err := query.New(ctx, query.Options{Source: src, Logger: log})
	if err != nil {
		return fmt.Errorf("loading the search index: %w", err)
	}
	var az *auth.Middleware
	if o.Tokens != "" {
		// Module packages (archive mode) are fetched without the
		// registry's credentials: download answers hand out signed URLs.
		if az, err = auth.New(auth.Options{File: o.Tokens, Logger: log, Packages: auth.NewPackageURLs(nil, 0, nil)}); err != nil {
			return fmt.Errorf("loading tokens: %w", err) // err names the file
		}
	}
	var rec *stats.Recorder
	if o.Stats != "" {
		rec = stats.NewRecorder(stats.NewStore(o.Stats), stats.RecorderOptions{Logger: log, Client: downloadClient})
	}
	o.Server.Wrap = func(h http.Handler) http.Handler {
		h = q.Wrap(h)
		if rec != nil {
			h = rec.Wrap(h)
		}
		if az != nil {
			h = az.Wrap(h)
		}
		return h
	}

	if rec == nil {
		return serve.Run(ctx, o.Server)
	}
	runCtx, stop := context.WithCancel(ctx)
	flushed := make(chan struct{})
	go func() {
		defer close(flushed)
		rec.Run(runCtx)
	}()
	err = serve.Run(ctx, o.Server)
	stop()
	<-flushed
	// serve.Run has returned: no request is in flight any more.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), statsFlushTimeout)
	defer cancel()
	if ferr := rec.Flush(fctx); ferr != nil {
		err = errors.Join(err, fmt.Errorf("writing download counts to %s: %w", o.Stats, ferr))
	}
	return err
}

// serveSource returns the live source of the data folder when one is
// given, else the built tree.
func serveSource(o serveOptions) (serve.Source, error) {
	if o.Data != "" {
		s, err := live.New(o.Data, o.Generator)
		if err != nil {
			return nil, fmt.Errorf("serving live: %w", err) // err names the folder
		}
		return s, nil
	}
	d, err := serve.NewDir(o.Server.Dir)
	if err != nil {
		return nil, err // names the folder
	}
	return d, nil
}

// downloadClient names who downloads, for counting each client once per
// version and day: the token of a private registry, else the address.
func downloadClient(r *http.Request) string {
	if h, ok := auth.TokenHash(r.Context()); ok {
		return "token:" + h
	}
	return stats.ClientOf(r.RemoteAddr)
}
