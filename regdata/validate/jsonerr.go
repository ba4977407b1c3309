package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/regen-registry/regen/internal/editdist"
	"github.com/regen-registry/regen/regdata"
)

// kind is the JSON type a member must have.
type kind int

const (
	kString kind = iota
	kInteger
	kBool
	kArray
	kObject
)

// shape describes the JSON a data file must have, for naming every member
// of the wrong type, and lists every member regen reads (others are kept
// but unknown: errors in strict mode).
type shape struct {
	kind   kind
	fields map[string]*shape // kObject
	elem   *shape            // kArray
}

var (
	str     = &shape{kind: kString}
	integer = &shape{kind: kInteger}
	boolean = &shape{kind: kBool}
)

func object(fields map[string]*shape) *shape { return &shape{kind: kObject, fields: fields} }
func list(elem *shape) *shape                { return &shape{kind: kArray, elem: elem} }

var (
	providerShape = object(map[string]*shape{
		"repository":  str,
		"description": str, // read by the discovery API
		"warnings":    list(str),
		"versions": list(object(map[string]*shape{
			"version":               str,
			"protocols":             list(str),
			"shasums_url":           str,
			"shasums_signature_url": str,
			"discovered":            str,
			"targets": list(object(map[string]*shape{
				"os": str, "arch": str, "filename": str, "download_url": str,
				"shasum": str, "h1": str, "size": integer,
			})),
		})),
		"versions_errors": list(object(map[string]*shape{
			"version": str, "message": str, "utc_time": str,
		})),
	})
	moduleShape = object(map[string]*shape{
		"repository":  str,
		"description": str,     // read by the discovery API
		"verified":    boolean, // read by the discovery API
		"warnings":    list(str),
		"versions": list(object(map[string]*shape{
			"version": str, "commit": str, "discovered": str,
		})),
	})
	blacklistEntry = map[string]*shape{"namespace": str, "name": str, "version": str, "reason": str}
	blacklistShape = object(map[string]*shape{
		"providers": list(object(blacklistEntry)),
		"modules": list(object(map[string]*shape{
			"namespace": str, "name": str, "version": str, "reason": str,
			"target": str, "system": str, "provider": str,
		})),
	})
)

// decode parses data with parse (a regdata parser) for the content
// checks. A syntax error is reported with its line and column, and ends
// the checks (false). Every member of the wrong type is reported, named by
// its JSON path, and left out (a wrong list element is replaced by an
// empty one) so that the rest of the file is still parsed and checked; the
// checks say nothing more about a member already reported. Members the
// shape does not know are errors in strict mode, with a "did you mean"
// hint; outside strict mode a near miss of a known name ("hl" for "h1") is
// a warning. A top-level value that is not an object (which the parsers
// accept for null) is an error that ends the checks.
func (c *fileCheck) decode(data []byte, s *shape, parse func([]byte) error, hasUnknown func() bool) bool {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		c.errorf("", "invalid JSON: empty file")
		return false
	}
	if bytes.Equal(bytes.TrimRight(trimmed, " \t\r\n"), []byte("null")) {
		line, col := regdata.LineCol(data, int64(len(data)-len(trimmed)))
		c.errorf("", "invalid data at line %d, column %d: want a JSON object, found null", line, col)
		return false
	}
	err := parse(data)
	if err == nil {
		// regdata's decoder stops after the first value and misses some
		// trailing data ("{} }"); a client's decoder would not.
		if end := objectEnd(data); end > 0 {
			if rest := bytes.TrimLeft(data[end:], " \t\r\n"); len(rest) > 0 {
				c.syntax(data, int64(len(data)-len(rest)+1), "unexpected data after the top-level value")
				return false
			}
		}
		if c.strict || hasUnknown() {
			if v, ok := genericJSON(data); ok {
				c.unknown(v, s, "")
			}
		}
		return true
	}
	if se := (*json.SyntaxError)(nil); errors.As(err, &se) {
		c.syntax(data, se.Offset, se.Error())
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if derr := dec.Decode(&v); derr != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(derr, &se):
			c.syntax(data, se.Offset, se.Error())
		case errors.Is(derr, io.ErrUnexpectedEOF) || errors.Is(derr, io.EOF):
			c.syntax(data, int64(len(data)), "unexpected end of file")
		default:
			c.errorf("", "invalid JSON: %v", derr)
		}
		return false
	}
	off := dec.InputOffset()
	if _, terr := dec.Token(); terr != io.EOF {
		rest := bytes.TrimLeft(data[off:], " \t\r\n")
		c.syntax(data, int64(len(data)-len(rest)+1), "unexpected data after the top-level value")
		return false
	}
	if _, isObject := v.(map[string]any); !isObject {
		c.errorf("", "want a JSON object, found %s", jsonType(v))
		return false
	}
	n := 0
	v = c.prune(v, s, "", &n)
	c.unknown(v, s, "")
	if n == 0 {
		c.errorf("", "cannot be read: %v", err) // a case the shapes do not describe
		return false
	}
	clean, merr := json.Marshal(v)
	if merr == nil {
		merr = parse(clean)
	}
	if merr != nil {
		c.errorf("", "cannot be read: %v", err)
		return false
	}
	return true
}

// genericJSON decodes data (valid JSON) keeping numbers as written.
func genericJSON(data []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	return v, dec.Decode(&v) == nil
}

func (c *fileCheck) syntax(data []byte, off int64, msg string) {
	line, col := regdata.LineCol(data, off)
	c.errorf("", "invalid JSON at line %d, column %d: %s", line, col, msg)
}

// prune reports every value in v whose JSON type does not match s,
// counting them in n, and returns v without them: a wrong member is left
// out, a wrong list element replaced by the zero value of its shape (so
// the other elements keep their index). null is accepted anywhere, as
// encoding/json reads it as the zero value.
func (c *fileCheck) prune(v any, s *shape, field string, n *int) any {
	if v == nil {
		return nil
	}
	want := ""
	switch s.kind {
	case kString:
		if _, ok := v.(string); ok {
			return v
		}
		want = "a string"
	case kInteger:
		if num, ok := v.(json.Number); ok {
			if _, err := num.Int64(); err == nil {
				return v
			}
		}
		want = "an integer"
	case kBool:
		if _, ok := v.(bool); ok {
			return v
		}
		want = "true or false"
	case kArray:
		if arr, ok := v.([]any); ok {
			for i, e := range arr {
				if arr[i] = c.prune(e, s.elem, index(field, i), n); arr[i] == nil && e != nil {
					arr[i] = s.elem.zero()
				}
			}
			return v
		}
		want = "a list"
	case kObject:
		if obj, ok := v.(map[string]any); ok {
			for name, fs := range s.fields {
				e, ok := obj[name]
				if !ok {
					continue
				}
				if p := c.prune(e, fs, member(field, name), n); p == nil && e != nil {
					delete(obj, name)
				} else {
					obj[name] = p
				}
			}
			return v
		}
		want = "an object"
	}
	*n++
	c.errorf(field, "want %s, found %s", want, jsonType(v))
	c.reported = append(c.reported, field)
	return nil
}

// zero is the value a list element of the wrong type is replaced with.
func (s *shape) zero() any {
	switch s.kind {
	case kString:
		return ""
	case kArray:
		return []any{}
	case kObject:
		return map[string]any{}
	}
	return nil
}

// unknown reports the members of objects in v that s does not list: an
// error in strict mode, else a warning when the name is close to a known
// one (a likely typo that loses the value).
func (c *fileCheck) unknown(v any, s *shape, field string) {
	switch s.kind {
	case kArray:
		if arr, ok := v.([]any); ok {
			for i, e := range arr {
				c.unknown(e, s.elem, index(field, i))
			}
		}
	case kObject:
		obj, ok := v.(map[string]any)
		if !ok {
			return
		}
		names := make([]string, 0, len(obj))
		for name := range obj {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			if fs, known := s.fields[name]; known {
				c.unknown(obj[name], fs, member(field, name))
				continue
			}
			guess := closest(name, s.fields)
			switch {
			case guess != "":
				c.oddityf(member(field, name), "unknown member %s: did you mean %s?", quote(name), quote(guess))
			case c.strict:
				c.errorf(member(field, name), "unknown member %s (known here: %s)", quote(name), knownList(s.fields))
			}
		}
	}
}

// closest returns the known name nearest to name when it is a likely
// misspelling (same letters in another case, or at most one edit for
// short names and two for longer ones), else "".
func closest(name string, known map[string]*shape) string {
	best, bestD := "", 3
	for k := range known {
		d := editdist.Levenshtein(strings.ToLower(name), k)
		limit := 2
		if len(k) <= 4 {
			limit = 1
		}
		if d <= limit && (d < bestD || d == bestD && k < best) {
			best, bestD = k, d
		}
	}
	return best
}

// knownList names the members an object may have, sorted.
func knownList(fields map[string]*shape) string {
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, strconv.Quote(k))
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// jsonType names the JSON type of a value decoded with UseNumber.
func jsonType(v any) string {
	switch v := v.(type) {
	case string:
		return "a string"
	case json.Number:
		if len(v) > 24 {
			return "a number"
		}
		return "the number " + v.String()
	case bool:
		return fmt.Sprintf("%t", v)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return "null"
}

// objectEnd returns the offset just after the JSON object that data starts
// with (after white space), or 0 if it does not start with one. It assumes
// the object itself is valid JSON.
func objectEnd(data []byte) int {
	depth, inString, escaped := 0, false, false
	for i, b := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case b == '\\':
				escaped = true
			case b == '"':
				inString = false
			}
		case b == '"':
			inString = true
		case b == '{' || b == '[':
			depth++
		case b == '}' || b == ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		case depth == 0 && b != ' ' && b != '\t' && b != '\r' && b != '\n':
			return 0
		}
	}
	return 0
}
