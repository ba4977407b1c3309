package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/regen-registry/regen/ingest"
	"github.com/regen-registry/regen/ingest/issueform"
	"github.com/regen-registry/regen/regdata"
)

func newAddCmd(g *globals) *cobra.Command {
	var (
		f         ghFlags
		fromIssue string
		summary   string
	)
	cmd := &cobra.Command{
		Use:   "add {provider|module|key ... | --from-issue EVENT.json}",
		Short: "Add a provider, module or signing key to the data folder",
		Long: `Add submits a new entry: the repository must follow the naming convention
(terraform-provider-TYPE, terraform-SYSTEM-NAME), exist, and have semver
tags; the entry is ingested at once.

With --from-issue and no subcommand, the submission is read from a GitHub
"issues" event payload (the file GITHUB_EVENT_PATH names in a workflow) of an
issue opened from one of the submission forms, and performed the same way.
The result goes to stdout; a Markdown summary (what was added, or the exact
reason for refusing) is written to --summary and appended to the file
GITHUB_STEP_SUMMARY names, when set.

Exit status: 0 on success; 3 when the entry was added but some of its
versions failed to ingest (listed on stdout); 1 when it was not added.`,
		Example: `  regen add module acme/vpc/aws --data registry-data
  regen add --from-issue "$GITHUB_EVENT_PATH" --summary summary.md`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if fromIssue == "" {
				return errors.New("give what to add (provider, module or key), or --from-issue EVENT.json")
			}
			if f.data == "" {
				return errors.New(`required flag(s) "data" not set`)
			}
			files := summaryFiles(summary, os.Getenv("GITHUB_STEP_SUMMARY"))
			return addFromIssue(cmd.Context(), g, f.options(g), fromIssue, files)
		},
	}
	f.registerOptional(cmd)
	cmd.Flags().StringVar(&fromIssue, "from-issue", "", "read the submission from a GitHub issues event payload (with no subcommand)")
	cmd.Flags().StringVar(&summary, "summary", "", "with --from-issue: write a Markdown summary of the result to this file")
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
			return writeKeyResult(g.stdout, res)
		},
	}
	f.register(cmd)
	return cmd
}

// writeKeyResult prints what adding a key did.
func writeKeyResult(w io.Writer, res *ingest.KeyResult) error {
	var b strings.Builder
	fmt.Fprintf(&b, "added key %s as %s\n", res.KeyID, res.Path)
	if len(res.Verified) > 0 {
		fmt.Fprintf(&b, "verified: %s\n", strings.Join(res.Verified, ", "))
	}
	for _, n := range res.NotVerified {
		fmt.Fprintf(&b, "not verified: %s\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// summaryFiles lists where the Markdown summary of a submission goes: the
// --summary file (replaced) and GitHub's step summary (appended to).
func summaryFiles(flag, stepSummary string) []summaryFile {
	var out []summaryFile
	if flag != "" {
		out = append(out, summaryFile{path: flag})
	}
	if stepSummary != "" && stepSummary != flag {
		out = append(out, summaryFile{path: stepSummary, appendTo: true})
	}
	return out
}

// summaryFile is a file the Markdown summary is written to.
type summaryFile struct {
	path string
	// appendTo adds the summary to the file instead of replacing it (GitHub
	// collects every step's summary in one file).
	appendTo bool
}

func (f summaryFile) write(md string) error {
	if !f.appendTo {
		if err := regdata.WriteFileAtomic(f.path, []byte(md), 0o644); err != nil {
			return fmt.Errorf("writing the summary to %s: %w", f.path, err)
		}
		return nil
	}
	fh, err := os.OpenFile(f.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("writing the summary to %s: %w", f.path, err)
	}
	_, err = io.WriteString(fh, md)
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing the summary to %s: %w", f.path, err)
	}
	return nil
}

// addFromIssue reads the submission of an issues event and performs it:
// the result on stdout, a Markdown summary in each of files. A refused
// submission is the error, its message the exact reason.
func addFromIssue(ctx context.Context, g *globals, o ingest.Options, event string, files []summaryFile) error {
	sub, err := issueform.ReadEvent(event)
	var res *issueform.Result
	if err == nil {
		res, err = issueform.Add(ctx, o, sub)
	}
	md := issueform.Markdown(sub, res, err)
	errs := []error{err}
	for _, f := range files {
		errs = append(errs, f.write(md))
	}
	if err != nil {
		return errors.Join(errs...)
	}
	if werr := writeSubmission(g, res); werr != nil {
		errs = append(errs, werr)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if res.Summary != nil && res.Summary.Failed() {
		return &exitError{code: 3, err: fmt.Errorf("%s was added, with %d failures (listed above)", res.Submission.Subject(), len(res.Summary.Failures))}
	}
	return nil
}

// writeSubmission prints an accepted submission's result on stdout (one
// JSON document with --json).
func writeSubmission(g *globals, res *issueform.Result) error {
	if g.json {
		enc := json.NewEncoder(g.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Submission *issueform.Submission `json:"submission"`
			Summary    *ingest.Summary       `json:"summary,omitempty"`
			Key        *ingest.KeyResult     `json:"key,omitempty"`
		}{res.Submission, res.Summary, res.Key})
	}
	if _, err := fmt.Fprintf(g.stdout, "accepted: %s%s\n", res.Submission.Subject(), res.Submission.IssueRef()); err != nil {
		return err
	}
	if res.Key != nil {
		return writeKeyResult(g.stdout, res.Key)
	}
	if res.Summary != nil {
		return res.Summary.WriteText(g.stdout)
	}
	return nil
}
