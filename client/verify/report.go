package verify

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Kind classifies a Problem.
type Kind string

const (
	// Mismatch: the registry serves something other than the build.
	Mismatch Kind = "mismatch"
	// Missing: the registry answers 404 or 410.
	Missing Kind = "missing"
	// Failed: another status, a redirect where none is expected, or a
	// network error.
	Failed Kind = "error"
	// Warning: served as built, but with a flaw some clients mind.
	Warning Kind = "warning"
)

// Problem is one finding about one file.
type Problem struct {
	Path   string `json:"path"` // tree path, as in the manifest
	Kind   Kind   `json:"kind"`
	Detail string `json:"detail"`
}

// Report is the outcome of Run.
type Report struct {
	URL string `json:"url"`
	// Files is the number of files of the manifest that were candidates
	// (served files under Options.Prefixes); Checked of them were fetched.
	Files   int `json:"files"`
	Checked int `json:"checked"`
	// OK counts the files checked without problems (warnings allowed).
	OK int `json:"ok"`
	// Seed is the seed of the sample, when one was taken.
	Seed uint64 `json:"seed,omitempty"`
	// Problems are mismatches, missing files and failures; Warnings the
	// warnings. Both are sorted by path.
	Problems []Problem `json:"problems"`
	Warnings []Problem `json:"warnings"`
}

// Count returns the number of problems of kind k.
func (r *Report) Count(k Kind) int {
	if k == Warning {
		return len(r.Warnings)
	}
	n := 0
	for _, p := range r.Problems {
		if p.Kind == k {
			n++
		}
	}
	return n
}

// Err returns an error summing up the problems, or nil when there is none.
func (r *Report) Err() error {
	if len(r.Problems) == 0 {
		return nil
	}
	return fmt.Errorf("%s does not serve the build: %d of %d files checked differ (%d mismatched, %d missing, %d failed)",
		r.URL, r.Checked-r.OK, r.Checked, r.Count(Mismatch), r.Count(Missing), r.Count(Failed))
}

func (r *Report) sort() {
	by := func(a, b Problem) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), strings.Compare(string(a.Kind), string(b.Kind)), strings.Compare(a.Detail, b.Detail))
	}
	slices.SortFunc(r.Problems, by)
	slices.SortFunc(r.Warnings, by)
}

// WriteText writes one line per problem, then a summary line.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "%-8s %s: %s\n", p.Kind, p.Path, p.Detail)
	}
	sample := ""
	if r.Seed != 0 {
		sample = fmt.Sprintf(" (sample, seed %d)", r.Seed)
	}
	fmt.Fprintf(&b, "verified %d of %d files%s at %s: %d ok, %d mismatched, %d missing, %d failed, %d warnings\n",
		r.Checked, r.Files, sample, r.URL, r.OK, r.Count(Mismatch), r.Count(Missing), r.Count(Failed), len(r.Warnings))
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the report as one indented JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	out := *r
	if out.Problems == nil {
		out.Problems = []Problem{}
	}
	if out.Warnings == nil {
		out.Warnings = []Problem{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
