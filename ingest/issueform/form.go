package issueform

import (
	"fmt"
	"regexp"
	"strings"
)

// NoResponse is what GitHub writes for an optional field left empty.
const NoResponse = "_No response_"

// Field is one answer of a form.
type Field struct {
	// Label is the heading's text, as the form's label.
	Label string `json:"label"`
	// Value is the answer with surrounding blank lines removed, line ends
	// normalised to "\n", and a code fence wrapping the whole answer
	// removed; "" for "_No response_".
	Value string `json:"value"`
	// Empty reports that GitHub wrote "_No response_" (or nothing).
	Empty bool `json:"empty,omitempty"`
	// Line is the heading's line in the body (1-based).
	Line int `json:"line"`
}

// Checkbox is one option of a checkboxes field.
type Checkbox struct {
	Label   string `json:"label"`
	Checked bool   `json:"checked"`
}

var checkboxRE = regexp.MustCompile(`^\s*[-*] \[([ xX])\] (.*)$`)

// Checkboxes reads the field's value as checkbox lines ("- [X] text");
// other lines are ignored.
func (f Field) Checkboxes() []Checkbox {
	var out []Checkbox
	for _, line := range strings.Split(f.Value, "\n") {
		if m := checkboxRE.FindStringSubmatch(line); m != nil {
			out = append(out, Checkbox{Label: strings.TrimSpace(m[2]), Checked: m[1] != " "})
		}
	}
	return out
}

// Form is a parsed issue body: its fields in order.
type Form struct {
	Fields []Field `json:"fields"`
}

// Field returns the field whose label equals label, ignoring case and
// surrounding space.
func (f *Form) Field(label string) (Field, bool) {
	for _, fl := range f.Fields {
		if strings.EqualFold(strings.TrimSpace(fl.Label), strings.TrimSpace(label)) {
			return fl, true
		}
	}
	return Field{}, false
}

// Value returns the answer of the field labelled label ("" when the field
// is absent or empty).
func (f *Form) Value(label string) string {
	fl, _ := f.Field(label)
	return fl.Value
}

// MalformedError reports a body that cannot be read as an issue form.
type MalformedError struct {
	// Line is where the problem is (0: the body as a whole).
	Line int
	Msg  string
}

func (e *MalformedError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("issue body, line %d: %s", e.Line, e.Msg)
	}
	return "issue body: " + e.Msg
}

var headingRE = regexp.MustCompile(`^###[ \t]+(.*?)[ \t]*$`)

// fence is an open code fence: its character and length.
type fence struct {
	char byte
	n    int
	line int
}

// openFence reports whether line opens (or, given an open fence, closes)
// a code fence in CommonMark's sense: up to three spaces, then at least
// three backticks or tildes.
func fenceOf(line string) (fence, bool) {
	s := strings.TrimLeft(line, " ")
	if len(line)-len(s) > 3 || len(s) < 3 || (s[0] != '`' && s[0] != '~') {
		return fence{}, false
	}
	n := 0
	for n < len(s) && s[n] == s[0] {
		n++
	}
	if n < 3 {
		return fence{}, false
	}
	return fence{char: s[0], n: n}, true
}

// Parse reads an issue body rendered from an issue form.
func Parse(body string) (*Form, error) {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	body = strings.ReplaceAll(body, "\r", "\n")
	lines := strings.Split(body, "\n")
	form := &Form{}
	seen := map[string]int{}
	var (
		cur   *Field
		value []string
		open  *fence
	)
	flush := func() {
		if cur == nil {
			return
		}
		cur.Value, cur.Empty = answer(value)
		form.Fields = append(form.Fields, *cur)
	}
	for i, line := range lines {
		n := i + 1
		if open != nil {
			if f, ok := fenceOf(line); ok && f.char == open.char && f.n >= open.n && strings.TrimSpace(strings.TrimLeft(line, " ")[f.n:]) == "" {
				open = nil
			}
			value = append(value, line)
			continue
		}
		if f, ok := fenceOf(line); ok {
			f.line = n
			open = &f
			value = append(value, line)
			continue
		}
		m := headingRE.FindStringSubmatch(line)
		if m == nil {
			if cur == nil && strings.TrimSpace(line) != "" {
				// Text before the first heading: not part of any field.
				continue
			}
			value = append(value, line)
			continue
		}
		label := m[1]
		if label == "" {
			return nil, &MalformedError{Line: n, Msg: `heading "###" has no label`}
		}
		key := strings.ToLower(label)
		if first, dup := seen[key]; dup {
			return nil, &MalformedError{Line: n, Msg: fmt.Sprintf("heading %q appears twice (first on line %d); edit the issue so that each field appears once", "### "+label, first)}
		}
		seen[key] = n
		flush()
		cur, value = &Field{Label: label, Line: n}, nil
	}
	if open != nil {
		return nil, &MalformedError{Line: open.line, Msg: fmt.Sprintf("code block opened with %s is never closed, so every field after it is lost", strings.Repeat(string(open.char), open.n))}
	}
	flush()
	if len(form.Fields) == 0 {
		return nil, &MalformedError{Msg: `no "### Label" headings: the issue was not opened from an issue form (use "New issue" and pick one of the submission forms)`}
	}
	return form, nil
}

// answer turns a field's lines into its value: blank lines around it
// dropped, "_No response_" made empty, and one code fence wrapping the
// whole answer removed.
func answer(lines []string) (string, bool) {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		return "", true
	}
	if len(lines) == 1 && strings.TrimSpace(lines[0]) == NoResponse {
		return "", true
	}
	if len(lines) >= 2 {
		first, ok1 := fenceOf(lines[0])
		last, ok2 := fenceOf(lines[len(lines)-1])
		if ok1 && ok2 && first.char == last.char && last.n >= first.n &&
			strings.TrimSpace(strings.TrimLeft(lines[len(lines)-1], " ")) == strings.Repeat(string(last.char), last.n) &&
			!innerFence(lines[1:len(lines)-1], first) {
			lines = lines[1 : len(lines)-1]
			for i := range lines {
				lines[i] = strings.TrimRight(lines[i], " \t")
			}
			return strings.Trim(strings.Join(lines, "\n"), "\n"), false
		}
	}
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " \t")
	}
	v := strings.Join(lines, "\n")
	return v, false
}

// innerFence reports whether a line between an opening and a closing
// fence would close the opening one (so the answer is not one block).
func innerFence(lines []string, open fence) bool {
	for _, l := range lines {
		if f, ok := fenceOf(l); ok && f.char == open.char && f.n >= open.n && strings.TrimSpace(strings.TrimLeft(l, " ")[f.n:]) == "" {
			return true
		}
	}
	return false
}

// Render writes fields the way GitHub renders a submitted issue form: a
// "### Label" heading per field, a blank line, the value (or
// "_No response_" when empty), fields separated by a blank line. Tests
// use it to make bodies from form templates.
func Render(fields []Field) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		v := f.Value
		if strings.TrimSpace(v) == "" {
			v = NoResponse
		}
		parts[i] = "### " + f.Label + "\n\n" + v
	}
	return strings.Join(parts, "\n\n")
}
