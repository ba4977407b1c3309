package validate

import (
	"encoding/base64"
	"net/url"
	"strings"
	"time"
	"unicode"
)

// The value checks take the JSON path of the enclosing object and the
// member's name, and build the full path only when there is a problem: a
// large folder has millions of values and almost no problems.

// sha256Hex checks a hex SHA-256 ("shasum").
func (c *fileCheck) sha256Hex(parent, name, s string) {
	switch {
	case s == "":
		c.errorf(member(parent, name), "missing")
	case !isHex(s, 64):
		c.errorf(member(parent, name), "not 64 hex digits")
	}
}

// h1 checks an optional "h1:" dirhash: the base64 of a SHA-256.
func (c *fileCheck) h1(parent, name, s string) {
	if s == "" {
		return // old files have none
	}
	b64, ok := strings.CutPrefix(s, "h1:")
	if ok && len(b64) == 44 {
		var sum [33]byte
		if n, err := base64.StdEncoding.Strict().Decode(sum[:], []byte(b64)); err == nil && n == 32 {
			return
		}
	}
	c.errorf(member(parent, name), `not "h1:" followed by the base64 of 32 bytes`)
}

// httpsURL checks a required absolute https URL.
func (c *fileCheck) httpsURL(parent, name, s string) {
	if s == "" {
		c.errorf(member(parent, name), "missing")
		return
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7f {
			c.errorf(member(parent, name), "malformed URL %s: contains white space or control characters", quote(s))
			return
		}
	}
	if plainHTTPS(s) {
		return
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		c.errorf(member(parent, name), "malformed URL %s", quote(s))
	case u.Scheme != "https":
		c.errorf(member(parent, name), "not an https URL: %s", quote(s))
	case u.Host == "" || u.Opaque != "":
		c.errorf(member(parent, name), "malformed URL %s: no host", quote(s))
	case u.User != nil:
		c.errorf(member(parent, name), "URL %s holds credentials", quote(s))
	}
}

// commit checks an optional git commit id.
func (c *fileCheck) commit(parent, name, s string) {
	if s != "" && !isHex(s, 40) {
		c.errorf(member(parent, name), "not 40 hex digits: %s", quote(s))
	}
}

// discovered checks an optional RFC 3339 timestamp.
func (c *fileCheck) discovered(parent, name, s string) {
	if s == "" {
		return
	}
	if _, err := time.Parse(time.RFC3339, s); err != nil {
		c.errorf(member(parent, name), "not an RFC 3339 time: %s", quote(s))
	}
}

// protocols checks a provider version's plugin protocol versions.
func (c *fileCheck) protocols(parent, name string, ps []string) {
	for i, p := range ps {
		major, minor, ok := strings.Cut(p, ".")
		if !ok || !isDigits(major) || !isDigits(minor) {
			c.errorf(index(member(parent, name), i), `%s is not a protocol version like "5.0" or "6.0"`, quote(p))
			continue
		}
		if major != "5" && major != "6" {
			c.oddityf(index(member(parent, name), i), "protocol %s: current clients only install protocol 5 and 6 providers", quote(p))
		}
	}
}

// platformName checks a target's os or arch: clients request
// .../download/<os>/<arch> with Go's lower-case names.
func (c *fileCheck) platformName(parent, name, s string) {
	if s == "" {
		c.errorf(member(parent, name), "missing")
		return
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !('a' <= b && b <= 'z' || '0' <= b && b <= '9' || b == '_' && i > 0) {
			c.errorf(member(parent, name), "%s is not a platform name (lower-case letters, digits and _)", quote(s))
			return
		}
	}
}

// fileName checks a target's filename: one plain path segment.
func (c *fileCheck) fileName(parent, name, s string) {
	switch {
	case s == "":
		c.errorf(member(parent, name), "missing")
	case strings.HasPrefix(s, ".") || strings.ContainsAny(s, `/\`) || strings.IndexFunc(s, unicode.IsControl) >= 0:
		c.errorf(member(parent, name), "%s is not a plain file name", quote(s))
	}
}

// isHex reports whether s is n hex digits.
func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !('0' <= b && b <= '9' || 'a' <= b && b <= 'f' || 'A' <= b && b <= 'F') {
			return false
		}
	}
	return true
}

// isDigits reports whether s is one or more decimal digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// plainHTTPS is a fast path for the common URL: "https://", a host of
// letters, digits, '.' and '-', then nothing or a path without escapes,
// query or fragment. url.Parse decides everything else.
func plainHTTPS(s string) bool {
	rest, ok := strings.CutPrefix(s, "https://")
	if !ok {
		return false
	}
	host, p, _ := strings.Cut(rest, "/")
	if host == "" || host[0] == '.' || host[0] == '-' {
		return false
	}
	for i := 0; i < len(host); i++ {
		b := host[i]
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '.' || b == '-') {
			return false
		}
	}
	return !strings.ContainsAny(p, "%#?\\")
}
