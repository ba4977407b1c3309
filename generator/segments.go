package generator

import (
	"fmt"
	"strings"
)

// safeSegment reports whether s may be one path segment of a generated
// file: the rule of regdata.SafeSegment (letters, digits, '.', '_', '-',
// not starting with '.', '_' or '-', no "..", at most 255 bytes), without
// a regular expression (it runs for every target of every version).
func safeSegment(s string) bool {
	if s == "" || len(s) > 255 || !alnum(s[0]) || strings.Contains(s, "..") {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !alnum(c) && c != '.' && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

func alnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// safeVersionSegment reports whether a normalised version may be a path
// segment: safeSegment plus "+" for build metadata.
func safeVersionSegment(v string) bool {
	return safeSegment(strings.ReplaceAll(v, "+", "-"))
}

// checkSegments returns an error naming the first unsafe part; parts are
// (name, value) pairs, what says whose they are.
func checkSegments(what func() string, parts ...string) error {
	for i := 0; i+1 < len(parts); i += 2 {
		if !safeSegment(parts[i+1]) {
			return fmt.Errorf("%s %s %q cannot be used in an API path (want letters, digits, '.', '_' or '-')", what(), parts[i], parts[i+1])
		}
	}
	return nil
}

// label returns what for checkSegments.
func label(s string) func() string { return func() string { return s } }
