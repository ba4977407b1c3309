package validate

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
)

// Severity says whether a problem fails validation.
type Severity string

const (
	// Error fails validation: clients or the generator cannot use the entry.
	Error Severity = "error"
	// Warning is an oddity the public registry nevertheless serves.
	Warning Severity = "warning"
)

// Problem is one thing wrong with one file of the data folder.
type Problem struct {
	Severity Severity `json:"severity"`
	// Path is the file's path relative to the data folder, slash-separated
	// (a folder's ends with "/").
	Path string `json:"path"`
	// Field is the JSON path of the offending value, such as
	// "versions[3].targets[1].shasum", or "" for the file as a whole.
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// String renders the problem as one line:
// "error: providers/a/x/y.json: versions[0].shasums_url: not an https URL".
func (p Problem) String() string {
	if p.Field == "" {
		return fmt.Sprintf("%s: %s: %s", p.Severity, p.Path, p.Message)
	}
	return fmt.Sprintf("%s: %s: %s: %s", p.Severity, p.Path, p.Field, p.Message)
}

// Report is the result of a validation run.
type Report struct {
	// Problems in a deterministic order: by path, then field, then
	// severity and message.
	Problems []Problem
	// Providers, Modules and Keys count the files of each kind that were
	// checked; Blacklist is set when versions_blacklist.json was.
	Providers, Modules, Keys int
	Blacklist                bool
}

// Errors counts the problems of severity Error.
func (r Report) Errors() int { return r.count(Error) }

// Warnings counts the problems of severity Warning.
func (r Report) Warnings() int { return r.count(Warning) }

// OK reports whether validation passed: no errors (warnings allowed).
func (r Report) OK() bool { return r.Errors() == 0 }

func (r Report) count(s Severity) int {
	n := 0
	for _, p := range r.Problems {
		if p.Severity == s {
			n++
		}
	}
	return n
}

// Summary is the one-line result, such as
// "checked 12 providers, 30 modules, 9 keys, the blacklist: 2 errors, 5 warnings".
func (r Report) Summary() string {
	bl := ""
	if r.Blacklist {
		bl = ", the blacklist"
	}
	return fmt.Sprintf("checked %s, %s, %s%s: %s, %s",
		plural(r.Providers, "provider"), plural(r.Modules, "module"), plural(r.Keys, "key"), bl,
		plural(r.Errors(), "error"), plural(r.Warnings(), "warning"))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// WriteText writes one line per problem and the summary line.
func (r Report) WriteText(w io.Writer) error {
	for _, p := range r.Problems {
		if _, err := fmt.Fprintln(w, p.String()); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintln(w, r.Summary())
	return err
}

// WriteJSON writes the report as one indented JSON object: problems
// (never null), counts of errors and warnings, and what was checked.
func (r Report) WriteJSON(w io.Writer) error {
	problems := r.Problems
	if problems == nil {
		problems = []Problem{}
	}
	out := struct {
		OK        bool      `json:"ok"`
		Errors    int       `json:"errors"`
		Warnings  int       `json:"warnings"`
		Providers int       `json:"providers"`
		Modules   int       `json:"modules"`
		Keys      int       `json:"keys"`
		Blacklist bool      `json:"blacklist"`
		Problems  []Problem `json:"problems"`
	}{r.OK(), r.Errors(), r.Warnings(), r.Providers, r.Modules, r.Keys, r.Blacklist, problems}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// sortProblems orders problems by path, field, severity and message, and
// drops exact duplicates.
func sortProblems(ps []Problem) []Problem {
	slices.SortFunc(ps, func(a, b Problem) int {
		return cmp.Or(
			cmp.Compare(a.Path, b.Path),
			compareNatural(a.Field, b.Field),
			cmp.Compare(a.Severity, b.Severity),
			cmp.Compare(a.Message, b.Message))
	})
	return slices.Compact(ps)
}

// compareNatural compares strings with runs of digits ordered by value, so
// "versions[2]" sorts before "versions[10]".
func compareNatural(a, b string) int {
	for a != "" && b != "" {
		da, db := isDigit(a[0]), isDigit(b[0])
		if da && db {
			na, ra := digitRun(a)
			nb, rb := digitRun(b)
			// Compare by length once leading zeros are gone, then by digits.
			ta, tb := trimZeros(na), trimZeros(nb)
			if c := cmp.Or(cmp.Compare(len(ta), len(tb)), cmp.Compare(ta, tb), cmp.Compare(na, nb)); c != 0 {
				return c
			}
			a, b = ra, rb
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func digitRun(s string) (run, rest string) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return s[:i], s[i:]
}

func trimZeros(s string) string {
	for len(s) > 1 && s[0] == '0' {
		s = s[1:]
	}
	return s
}
