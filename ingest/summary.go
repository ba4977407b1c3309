package ingest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
)

// Summary is what a run did: the counts, every new version, every failure
// with its reason, and the warnings worth a person's attention.
type Summary struct {
	// Checked is how many entries were looked at.
	Checked int `json:"checked"`
	// Unchanged is how many of them the feed gate passed without a tag
	// listing.
	Unchanged int `json:"unchanged"`
	// Listed is how many needed a full tag listing.
	Listed int `json:"listed"`
	// Created lists the entries added (add, discover), as "provider/ns/type"
	// or "module/ns/name/system".
	Created []string `json:"created,omitempty"`
	// Deleted lists entries whose data file disappeared since the last run.
	Deleted []string `json:"deleted,omitempty"`
	// NewVersions lists every version added.
	NewVersions []Change `json:"new_versions"`
	// Deferred counts versions that failed in an earlier run and wait for
	// their back-off (not retried, not failures of this run).
	Deferred int `json:"deferred"`
	// Postponed counts new versions over the per-run bound of their
	// repository (Options.MaxNewVersions), left for the next runs.
	Postponed int `json:"postponed,omitempty"`
	// Failures lists every entry or version that failed, and why.
	Failures []Failure `json:"failures"`
	// Warnings lists problems that did not fail anything: broken feeds
	// (the tags were listed instead), moved and deleted tags.
	Warnings []Warning `json:"warnings,omitempty"`
	// Skipped lists repositories discover did not add, and why.
	Skipped []Warning `json:"skipped,omitempty"`
	// Requests is how many HTTP requests the run sent.
	Requests int64 `json:"requests"`
	// Duration is the run's wall time.
	Duration time.Duration `json:"duration_ns"`

	mu sync.Mutex
}

// Change is one version added to an entry.
type Change struct {
	Entry   string `json:"entry"`
	Version string `json:"version"`
	// SignedBy is, for a provider version, the ID of the key whose
	// signature verified its SHA256SUMS.
	SignedBy string `json:"signed_by,omitempty"`
}

// Failure is an entry, or one version of it, that could not be ingested.
type Failure struct {
	Entry   string `json:"entry"`
	Version string `json:"version,omitempty"`
	Error   string `json:"error"`
}

// Warning is a problem with an entry that did not fail it.
type Warning struct {
	Entry   string `json:"entry"`
	Message string `json:"message"`
}

// Failed reports whether anything failed (the CLI's exit status 3).
func (s *Summary) Failed() bool { return len(s.Failures) > 0 }

func (s *Summary) update(f func(s *Summary)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

// sort orders every list, so output is deterministic.
func (s *Summary) sort() {
	slices.Sort(s.Created)
	slices.Sort(s.Deleted)
	slices.SortFunc(s.NewVersions, func(a, b Change) int {
		return cmp.Or(cmp.Compare(a.Entry, b.Entry), cmp.Compare(a.Version, b.Version))
	})
	slices.SortFunc(s.Failures, func(a, b Failure) int {
		return cmp.Or(cmp.Compare(a.Entry, b.Entry), cmp.Compare(a.Version, b.Version), cmp.Compare(a.Error, b.Error))
	})
	for _, l := range [][]Warning{s.Warnings, s.Skipped} {
		slices.SortFunc(l, func(a, b Warning) int {
			return cmp.Or(cmp.Compare(a.Entry, b.Entry), cmp.Compare(a.Message, b.Message))
		})
	}
}

// merge adds o's lists and counts to s.
func (s *Summary) merge(o *Summary) {
	s.Checked += o.Checked
	s.Unchanged += o.Unchanged
	s.Listed += o.Listed
	s.Created = append(s.Created, o.Created...)
	s.Deleted = append(s.Deleted, o.Deleted...)
	s.NewVersions = append(s.NewVersions, o.NewVersions...)
	s.Deferred += o.Deferred
	s.Postponed += o.Postponed
	s.Failures = append(s.Failures, o.Failures...)
	s.Warnings = append(s.Warnings, o.Warnings...)
	s.Skipped = append(s.Skipped, o.Skipped...)
	s.Requests += o.Requests
	s.Duration += o.Duration
}

// WriteText writes the summary for people: one line of counts, then each
// list.
func (s *Summary) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "checked %d entries in %s (%d requests): %d unchanged, %d listed, %d new versions, %d failures",
		s.Checked, s.Duration.Round(time.Millisecond), s.Requests, s.Unchanged, s.Listed, len(s.NewVersions), len(s.Failures))
	if s.Deferred > 0 {
		fmt.Fprintf(&b, ", %d deferred (back-off)", s.Deferred)
	}
	if s.Postponed > 0 {
		fmt.Fprintf(&b, ", %d postponed (over the per-run bound)", s.Postponed)
	}
	b.WriteString("\n")
	list := func(title string, n int, line func(i int) string) {
		if n == 0 {
			return
		}
		fmt.Fprintf(&b, "%s (%d):\n", title, n)
		for i := range n {
			b.WriteString("  " + line(i) + "\n")
		}
	}
	list("created", len(s.Created), func(i int) string { return s.Created[i] })
	list("deleted", len(s.Deleted), func(i int) string { return s.Deleted[i] })
	list("new versions", len(s.NewVersions), func(i int) string {
		c := s.NewVersions[i]
		if c.SignedBy != "" {
			return c.Entry + " " + c.Version + " (signed by key " + c.SignedBy + ")"
		}
		return c.Entry + " " + c.Version
	})
	list("failures", len(s.Failures), func(i int) string {
		f := s.Failures[i]
		if f.Version != "" {
			return f.Entry + " " + f.Version + ": " + f.Error
		}
		return f.Entry + ": " + f.Error
	})
	list("warnings", len(s.Warnings), func(i int) string { return s.Warnings[i].Entry + ": " + s.Warnings[i].Message })
	list("skipped", len(s.Skipped), func(i int) string { return s.Skipped[i].Entry + ": " + s.Skipped[i].Message })
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the summary as one indented JSON document.
func (s *Summary) WriteJSON(w io.Writer) error {
	c := struct {
		*Summary
		Failures    []Failure `json:"failures"`
		NewVersions []Change  `json:"new_versions"`
	}{s, s.Failures, s.NewVersions}
	if c.Failures == nil {
		c.Failures = []Failure{}
	}
	if c.NewVersions == nil {
		c.NewVersions = []Change{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(c)
}
