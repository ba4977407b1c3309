package issueform

import (
	"fmt"
	"strings"
)

// Subject names what a submission adds ("module acme/vpc/aws", "signing
// key 0123ABCD for acme"); "the submission" when s is nil.
func (s *Submission) Subject() string {
	switch {
	case s == nil:
		return "the submission"
	case s.Kind == KindKey:
		return fmt.Sprintf("signing key %s for %s", s.KeyID, s.Address)
	default:
		return fmt.Sprintf("%s %s", s.Kind, s.Address)
	}
}

// subjectMarkdown is Subject with the names as code.
func (s *Submission) subjectMarkdown() string {
	if s.Kind == KindKey {
		return fmt.Sprintf("signing key `%s` for `%s`", s.KeyID, s.Address)
	}
	return fmt.Sprintf("%s `%s`", s.Kind, s.Address)
}

// IssueRef is " (issue #N)" for a submission read from an event, "" for
// others.
func (s *Submission) IssueRef() string {
	if s == nil || s.Issue == nil {
		return ""
	}
	return fmt.Sprintf(" (issue #%d)", s.Issue.Number)
}

// Markdown is the summary of a submission for a GitHub step summary or
// issue comment: what was added (res), or the exact reason it was refused
// (err; sub may then be nil).
func Markdown(sub *Submission, res *Result, err error) string {
	var b strings.Builder
	if err != nil {
		b.WriteString("### Submission refused\n\n")
		b.WriteString("The submission")
		if sub != nil {
			b.WriteString(" of the " + sub.subjectMarkdown())
		}
		fmt.Fprintf(&b, "%s was refused:\n\n", sub.IssueRef())
		b.WriteString(codeBlock(err.Error()))
		return b.String()
	}
	b.WriteString("### Submission accepted\n\n")
	fmt.Fprintf(&b, "Added the %s%s", sub.subjectMarkdown(), sub.IssueRef())
	if sub.Repository != "" {
		fmt.Fprintf(&b, " from the repository `%s`", sub.Repository)
	}
	b.WriteString(".\n")
	if k := res.Key; k != nil {
		fmt.Fprintf(&b, "\nKey file: `%s`\n", k.Path)
		if len(k.Verified) > 0 {
			b.WriteString("\nVerified the latest release of:\n\n")
			for _, v := range k.Verified {
				fmt.Fprintf(&b, "- `%s`\n", v)
			}
		}
		if len(k.NotVerified) > 0 {
			b.WriteString("\nNot verified:\n\n")
			b.WriteString(codeBlock(strings.Join(k.NotVerified, "\n")))
		}
	}
	if s := res.Summary; s != nil {
		fmt.Fprintf(&b, "\nVersions (%d):", len(s.NewVersions))
		for i, v := range s.NewVersions {
			sep := ","
			if i == 0 {
				sep = ""
			}
			fmt.Fprintf(&b, "%s `%s`", sep, v.Version)
			if v.SignedBy != "" {
				fmt.Fprintf(&b, " (signed by key `%s`)", v.SignedBy)
			}
		}
		b.WriteString("\n")
		if len(s.Failures) > 0 {
			lines := make([]string, len(s.Failures))
			for i, f := range s.Failures {
				lines[i] = f.Error
				if f.Version != "" {
					lines[i] = f.Version + ": " + f.Error
				}
			}
			fmt.Fprintf(&b, "\nFailed to ingest (%d):\n\n", len(s.Failures))
			b.WriteString(codeBlock(strings.Join(lines, "\n")))
		}
		if len(s.Warnings) > 0 {
			lines := make([]string, len(s.Warnings))
			for i, w := range s.Warnings {
				lines[i] = w.Message
			}
			fmt.Fprintf(&b, "\nWarnings (%d):\n\n", len(s.Warnings))
			b.WriteString(codeBlock(strings.Join(lines, "\n")))
		}
	}
	return b.String()
}

// codeBlock fences text so that nothing in it is read as Markdown: the
// fence is longer than any run of backticks in the text.
func codeBlock(text string) string {
	run, longest := 0, 0
	for _, c := range text {
		if c == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", max(3, longest+1))
	return fence + "\n" + strings.TrimRight(text, "\n") + "\n" + fence + "\n"
}
