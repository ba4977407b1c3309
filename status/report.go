package status

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/regen-registry/regen/internal/progress"
)

// WriteText writes the report for people: a line of totals, a table of
// entries, then every failure with its reason and retry.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %s: %d failing, %d never listed (as of %s)\n",
		plural(r.Providers, "provider"), plural(r.Modules, "module"), r.Failing, r.NeverListed, r.Now.Format("2006-01-02 15:04Z"))
	if len(r.Entries) > 0 {
		b.WriteString("\n")
		t := progress.Table{Header: []string{"ENTRY", "VERSIONS", "LATEST", "LAST NEW VERSION", "LAST FULL CHECK", "FAILURES", "NEXT RETRY"}}
		for _, e := range r.Entries {
			fails := ""
			if len(e.Failures) > 0 {
				fails = strconv.Itoa(len(e.Failures))
			}
			full := r.ago(e.LastFull)
			if e.LastFull.IsZero() {
				full = "never"
			}
			t.Append(e.Key, strconv.Itoa(e.Versions), e.Latest, r.ago(e.LastNewVersion), full, fails, r.until(e.NextRetry, len(e.Failures) > 0))
		}
		if err := t.WriteText(&b); err != nil {
			return err
		}
	}
	var lines []string
	for _, e := range r.Entries {
		for _, f := range e.Failures {
			what := e.Key
			if f.Version != "" {
				what += " " + f.Version
			}
			var notes []string
			if !f.Since.IsZero() {
				notes = append(notes, "since "+r.ago(f.Since))
			}
			if f.Attempts > 0 {
				notes = append(notes, plural(f.Attempts, "attempt"))
			}
			notes = append(notes, "retry: "+r.until(f.NextRetry, true))
			lines = append(lines, fmt.Sprintf("  %s: %s\n      %s", what, f.Message, strings.Join(notes, "; ")))
		}
	}
	if len(lines) > 0 {
		fmt.Fprintf(&b, "\nfailures (%d):\n%s\n", len(lines), strings.Join(lines, "\n"))
	}
	var warns []string
	for _, e := range r.Entries {
		for _, w := range e.Warnings {
			warns = append(warns, "  "+e.Key+": "+w)
		}
	}
	if len(warns) > 0 {
		fmt.Fprintf(&b, "\nwarnings (%d):\n%s\n", len(warns), strings.Join(warns, "\n"))
	}
	if len(r.Problems) > 0 {
		fmt.Fprintf(&b, "\nproblems reading the data folder (%d):\n  %s\n", len(r.Problems), strings.Join(r.Problems, "\n  "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the report as one indented JSON document.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// ago renders a past time as "2006-01-02 15:04Z (3h ago)"; "" for zero.
func (r *Report) ago(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04Z") + " (" + relative(r.Now.Sub(t)) + " ago)"
}

// until renders a retry time: "in 25m", "due" when past, "next run" when
// none is scheduled (only when failing; else "").
func (r *Report) until(t time.Time, failing bool) string {
	switch {
	case !failing:
		return ""
	case t.IsZero():
		return "next run"
	case !t.After(r.Now):
		return "due (next run)"
	}
	return t.UTC().Format("2006-01-02 15:04Z") + " (in " + relative(t.Sub(r.Now)) + ")"
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// relative renders a duration coarsely: 45s, 12m, 3h, 2d.
func relative(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}
