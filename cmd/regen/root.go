package main

import (
	"io"
	"log/slog"

	"github.com/spf13/cobra"
)

// globals holds what every command shares: where results and logs go.
type globals struct {
	stdout   io.Writer
	stderr   io.Writer
	logLevel string
	quiet    bool
	json     bool
}

// logger returns the slog logger for a command, writing to stderr.
func (g *globals) logger() *slog.Logger {
	level := slog.LevelInfo
	switch {
	case g.quiet:
		level = slog.LevelWarn
	case g.logLevel != "":
		_ = level.UnmarshalText([]byte(g.logLevel))
	}
	opts := &slog.HandlerOptions{Level: level}
	if g.json {
		return slog.New(slog.NewJSONHandler(g.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(g.stderr, opts))
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	g := &globals{stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:           "regen",
		Short:         "Run a Terraform/OpenTofu registry as a static site",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	pf := root.PersistentFlags()
	pf.StringVar(&g.logLevel, "log-level", "", "log level: debug, info, warn, error")
	pf.BoolVarP(&g.quiet, "quiet", "q", false, "only warnings and errors on stderr; no progress")
	pf.BoolVar(&g.json, "json", false, "machine-readable logs and summaries")
	root.AddCommand(
		newVersionCmd(g),
		newValidateCmd(g),
		newBuildCmd(g),
		newServeCmd(g),
		newIngestCmd(g),
		newAddCmd(g),
		newRevokeCmd(g),
		newDiscoverCmd(g),
		newUploadCmd(g),
		newStatsCmd(g),
		newTokenCmd(g),
		newVerifyCmd(g),
		newInitCmd(g),
		newConfigCmd(g),
		newStatusCmd(g),
		newGenDocsCmd(g),
		newShardCmd(g),
		newCommitCmd(g),
	)
	setVersionFlag(root)
	setupConfig(root, g)
	return root
}
