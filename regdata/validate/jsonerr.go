package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/regen-registry/regen/regdata"
)

// kind is the JSON type a member must have.
type kind int

const (
	kString kind = iota
	kInteger
	kArray
	kObject
)

// shape describes the JSON a data file must have, for naming every member
// of the wrong type. Members not listed may hold anything.
type shape struct {
	kind   kind
	fields map[string]*shape // kObject
	elem   *shape            // kArray
}

var (
	str     = &shape{kind: kString}
	integer = &shape{kind: kInteger}
)

func object(fields map[string]*shape) *shape { return &shape{kind: kObject, fields: fields} }
func list(elem *shape) *shape                { return &shape{kind: kArray, elem: elem} }

var (
	providerShape = object(map[string]*shape{
		"repository": str,
		"warnings":   list(str),
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
		"repository": str,
		"warnings":   list(str),
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

// decode parses data with parse (a regdata parser). When that fails it
// explains why: a syntax error with its line and column, or every member of
// the wrong type, named by its JSON path. It also refuses a top-level value
// that is not an object, which the parsers accept for null.
func (c *fileCheck) decode(data []byte, s *shape, parse func([]byte) error) bool {
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
	if c.types(v, s, "") == 0 {
		c.errorf("", "cannot be read: %v", err) // a case the shapes do not describe
	}
	return false
}

func (c *fileCheck) syntax(data []byte, off int64, msg string) {
	line, col := regdata.LineCol(data, off)
	c.errorf("", "invalid JSON at line %d, column %d: %s", line, col, msg)
}

// types reports every value in v whose JSON type does not match s, and
// returns how many it found. null is accepted anywhere, as encoding/json
// reads it as the zero value.
func (c *fileCheck) types(v any, s *shape, field string) int {
	if v == nil {
		return 0
	}
	want := ""
	switch s.kind {
	case kString:
		if _, ok := v.(string); ok {
			return 0
		}
		want = "a string"
	case kInteger:
		if n, ok := v.(json.Number); ok {
			if _, err := n.Int64(); err == nil {
				return 0
			}
		}
		want = "an integer"
	case kArray:
		if arr, ok := v.([]any); ok {
			n := 0
			for i, e := range arr {
				n += c.types(e, s.elem, index(field, i))
			}
			return n
		}
		want = "a list"
	case kObject:
		if obj, ok := v.(map[string]any); ok {
			n := 0
			for name, fs := range s.fields {
				if e, ok := obj[name]; ok {
					n += c.types(e, fs, member(field, name))
				}
			}
			return n
		}
		want = "an object"
	}
	if field == "" {
		c.errorf(field, "want a JSON object, found %s", jsonType(v))
	} else {
		c.errorf(field, "want %s, found %s", want, jsonType(v))
	}
	return 1
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
