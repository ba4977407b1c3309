package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/regen-registry/regen/stats"
)

func newStatsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Download counters: import CDN logs, show summaries",
	}
	cmd.AddCommand(newStatsImportCmd(g), newStatsShowCmd(g))
	return cmd
}

func newStatsImportCmd(g *globals) *cobra.Command {
	var (
		data string
		o    stats.ImportOptions
		fmtS string
	)
	cmd := &cobra.Command{
		Use:   "import --data DIR --format cloudflare|s3|cloudfront [--prefix P] FILE...",
		Short: "Add the module and provider downloads recorded in CDN access logs to the counters",
		Long: `Read access logs (plain or gzipped) and add every download they record to the
counters in DIR/stats/: a GET of /v1/modules/<ns>/<name>/<system>/<version>/download
(or a provider's .../<version>/download/<os>/<arch>) answered 200 or 204.

Formats: cloudflare (Logpush http_requests ndjson, any timestamp format), s3 (S3
server access logs; the object key is the path: use --prefix for the bucket folder
the tree lives in), cloudfront (standard logs with a #Fields header).

A file whose content was imported before is skipped (DIR/stats/imported.ndjson),
so importing a whole log folder again counts nothing twice; --force imports it
anyway. Stdout gets one line per file (JSON with --json).`,
		Example: `  regen stats import --data registry-data --format cloudflare logs/20261105/*.log.gz
  regen stats import --data registry-data --format s3 --prefix registry/ s3-logs/*`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			o.Format = stats.Format(fmtS)
			o.Logger = g.logger()
			res, err := stats.Import(cmd.Context(), stats.NewStore(stats.DataDir(data)), files, o)
			if err != nil {
				return err
			}
			for _, r := range res {
				if g.json {
					if err := json.NewEncoder(g.stdout).Encode(r); err != nil {
						return err
					}
					continue
				}
				state := "imported"
				if r.Skipped {
					state = "skipped (imported before)"
				}
				if _, err := fmt.Fprintf(g.stdout, "%s: %d requests, %d downloads, %s\n", r.File, r.Requests, r.Downloads, state); err != nil {
					return err
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&data, "data", "", "registry data folder (required)")
	var names []string
	for _, x := range stats.Formats {
		names = append(names, string(x))
	}
	f.StringVar(&fmtS, "format", "", "log format: "+strings.Join(names, ", ")+" (required)")
	f.StringVar(&o.Prefix, "prefix", "", "path or bucket-folder prefix in front of the registry's paths")
	f.BoolVar(&o.Force, "force", false, "import files even when imported before")
	_ = cmd.MarkFlagRequired("data")
	_ = cmd.MarkFlagRequired("format")
	return cmd
}

func newStatsShowCmd(g *globals) *cobra.Command {
	var (
		data string
		now  string
	)
	cmd := &cobra.Command{
		Use:   "show --data DIR [ENTRY...]",
		Short: "Print the downloads summaries (week, month, year, total) of counted entries",
		Long: `Print one line per entry with downloads — "module/<ns>/<name>/<system>" or
"provider/<ns>/<type>", lower-cased — and its downloads in the last 7, 30 and 365
days and in all, as the build renders them. With ENTRY arguments, only those.`,
		RunE: func(cmd *cobra.Command, entries []string) error {
			at := time.Now()
			if now != "" {
				t, err := time.Parse(time.RFC3339, now)
				if err != nil {
					return fmt.Errorf("--now: %w", err)
				}
				at = t
			}
			c, err := stats.NewStore(stats.DataDir(data)).Load(cmd.Context())
			if err != nil {
				return err
			}
			if len(entries) == 0 {
				entries = c.Entries()
			}
			for _, e := range entries {
				s := c.Summary(strings.ToLower(e), at)
				if g.json {
					err = json.NewEncoder(g.stdout).Encode(struct {
						Entry string `json:"entry"`
						stats.Summary
					}{strings.ToLower(e), s})
				} else {
					_, err = fmt.Fprintf(g.stdout, "%s week=%d month=%d year=%d total=%d\n", strings.ToLower(e), s.Week, s.Month, s.Year, s.Total)
				}
				if err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&data, "data", "", "registry data folder (required)")
	cmd.Flags().StringVar(&now, "now", "", "the day the windows end on, RFC 3339 (default: now)")
	_ = cmd.MarkFlagRequired("data")
	return cmd
}
