package regdata

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// The value rules of data files. `regen validate` reports every value
// that breaks them as an error, and every publisher (the build, `serve
// --data`, the discovery API, ingest's key check) leaves out a version
// holding one (PublishedProviderVersions, PublishedModuleVersions), so
// what validate refuses is never published. Each Check function returns ""
// for a good value, else what is wrong with it.

// Violation is one value that breaks the rules.
type Violation struct {
	// Field is the value's JSON path in its file, such as
	// "versions[3].targets[1].shasum".
	Field   string
	Message string
}

func (v Violation) String() string { return v.Field + ": " + v.Message }

// CheckSHA256Hex checks a required hex SHA-256 ("shasum").
func CheckSHA256Hex(s string) string {
	switch {
	case s == "":
		return "missing"
	case !isHex(s, 64):
		return "not 64 hex digits"
	}
	return ""
}

// CheckH1 checks an optional "h1:" dirhash: "h1:" and the standard base64
// of a SHA-256.
func CheckH1(s string) string {
	if s == "" {
		return "" // old files have none
	}
	b64, ok := strings.CutPrefix(s, "h1:")
	if ok && len(b64) == 44 {
		var sum [33]byte
		if n, err := base64.StdEncoding.Strict().Decode(sum[:], []byte(b64)); err == nil && n == 32 {
			return ""
		}
	}
	return `not "h1:" followed by the base64 of 32 bytes`
}

// CheckURL checks a required absolute URL that clients fetch (a checksum
// file, its signature, a package): https, or plain http (which validate
// reports as an oddity: what is fetched is checked against the signed
// checksums either way), with a host and without credentials.
func CheckURL(s string) string {
	if s == "" {
		return "missing"
	}
	if hasSpaceOrControl(s) {
		return fmt.Sprintf("malformed URL %s: contains white space or control characters", Quote(s))
	}
	if plainHTTPS(s) {
		return ""
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Sprintf("malformed URL %s", Quote(s))
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Sprintf("not an https URL: %s", Quote(s))
	case u.Host == "" || u.Opaque != "":
		return fmt.Sprintf("malformed URL %s: no host", Quote(s))
	case u.User != nil:
		return fmt.Sprintf("URL %s holds credentials", Quote(s))
	}
	return ""
}

// CheckRepository checks a file's optional "repository": OWNER/NAME (a
// repository on the configured GitHub) or an absolute https, http or ssh
// URL of a git repository, optionally prefixed "git::" (as module
// sources write it). http(s) URLs may not hold credentials.
func CheckRepository(s string) string {
	if s == "" {
		return ""
	}
	if hasSpaceOrControl(s) {
		return fmt.Sprintf("repository %s contains white space or control characters", Quote(s))
	}
	if !strings.Contains(s, "://") {
		if IsRepositoryShorthand(s) {
			return ""
		}
		return fmt.Sprintf("repository %s is neither OWNER/NAME nor an https URL", Quote(s))
	}
	u, err := url.Parse(strings.TrimPrefix(s, "git::"))
	switch {
	case err != nil:
		return fmt.Sprintf("malformed repository URL %s", Quote(s))
	case u.Scheme != "https" && u.Scheme != "http" && u.Scheme != "ssh":
		return fmt.Sprintf("repository URL %s: want https (or http, ssh)", Quote(s))
	case u.Host == "" || u.Opaque != "" || u.Path == "" || u.Path == "/":
		return fmt.Sprintf("repository URL %s names no repository", Quote(s))
	case u.User != nil && u.Scheme != "ssh":
		return fmt.Sprintf("repository URL %s holds credentials", Quote(s))
	case u.Fragment != "":
		return fmt.Sprintf("repository URL %s has a fragment", Quote(s))
	}
	return ""
}

// IsRepositoryShorthand reports whether s is OWNER/NAME: two GitHub names
// (letters, digits, '-', '_', '.', not "." or "..").
func IsRepositoryShorthand(s string) bool {
	owner, name, ok := strings.Cut(s, "/")
	return ok && githubName(owner) && githubName(name)
}

func githubName(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 100 {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '-' || b == '_' || b == '.') {
			return false
		}
	}
	return true
}

// CheckCommit checks an optional git commit id: 40 hex digits.
func CheckCommit(s string) string {
	if s != "" && !isHex(s, 40) {
		return fmt.Sprintf("not 40 hex digits: %s", Quote(s))
	}
	return ""
}

// CheckDiscovered checks an optional RFC 3339 timestamp.
func CheckDiscovered(s string) string {
	if s == "" {
		return ""
	}
	if _, err := time.Parse(time.RFC3339, s); err != nil {
		return fmt.Sprintf("not an RFC 3339 time: %s", Quote(s))
	}
	return ""
}

// CheckProtocol checks a plugin protocol version: MAJOR.MINOR.
func CheckProtocol(p string) string {
	major, minor, ok := strings.Cut(p, ".")
	if !ok || !isDigits(major) || !isDigits(minor) {
		return fmt.Sprintf(`%s is not a protocol version like "5.0" or "6.0"`, Quote(p))
	}
	return ""
}

// CheckPlatformName checks a target's os or arch: clients request
// .../download/<os>/<arch> with Go's lower-case names.
func CheckPlatformName(s string) string {
	if s == "" {
		return "missing"
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !('a' <= b && b <= 'z' || '0' <= b && b <= '9' || b == '_' && i > 0) {
			return fmt.Sprintf("%s is not a platform name (lower-case letters, digits and _)", Quote(s))
		}
	}
	return ""
}

// CheckFileName checks a target's filename: one plain path segment.
func CheckFileName(s string) string {
	switch {
	case s == "":
		return "missing"
	case strings.HasPrefix(s, ".") || strings.ContainsAny(s, `/\`) || strings.IndexFunc(s, unicode.IsControl) >= 0:
		return fmt.Sprintf("%s is not a plain file name", Quote(s))
	}
	return ""
}

// CheckVersion checks a listed version and returns its normalised form:
// present, parsable the way Terraform parses it, and usable as an API
// path segment once normalised.
func CheckVersion(s string) (normalised, problem string) {
	if s == "" {
		return "", "missing"
	}
	n, err := NormalizeVersion(s)
	if err != nil {
		return "", fmt.Sprintf("%s is not a version Terraform can parse", Quote(s))
	}
	if !SafeSegment(strings.ReplaceAll(n, "+", "-")) {
		return "", fmt.Sprintf("%s (normalised %s) cannot be used in an API path", Quote(s), Quote(n))
	}
	return n, ""
}

// ProviderVersionViolations returns what breaks the rules in the provider
// version at JSON path field (such as "versions[2]"), apart from its
// "version" (see CheckVersion): protocols, checksum URLs, discovered, and
// its targets (at least one; os, arch, filename, download_url, shasum,
// h1, size; no platform twice).
func ProviderVersionViolations(field string, v ProviderVersion) []Violation {
	// Field paths are built only for a violation: a build checks millions
	// of good values.
	var out []Violation
	add := func(msg string, path ...string) {
		if msg != "" {
			out = append(out, Violation{Field: field + strings.Join(path, ""), Message: msg})
		}
	}
	for i, p := range v.Protocols {
		if msg := CheckProtocol(p); msg != "" {
			add(msg, ".protocols[", strconv.Itoa(i), "]")
		}
	}
	add(CheckURL(v.SHASumsURL), ".shasums_url")
	add(CheckURL(v.SHASumsSignatureURL), ".shasums_signature_url")
	add(CheckDiscovered(v.Discovered), ".discovered")
	if len(v.Targets) == 0 {
		add("no targets: clients have nothing to download", ".targets")
		return out
	}
	var seen map[[2]string]int // for long target lists; short ones are scanned
	if len(v.Targets) > 16 {
		seen = make(map[[2]string]int, len(v.Targets))
	}
	for j, t := range v.Targets {
		tf := func(name string) string { return ".targets[" + strconv.Itoa(j) + "]" + name }
		// check adds a violation of the target's member name; the path is
		// built only then, so a good target costs no allocation.
		check := func(msg, name string) {
			if msg != "" {
				add(msg, tf(name))
			}
		}
		check(CheckPlatformName(t.OS), ".os")
		check(CheckPlatformName(t.Arch), ".arch")
		check(CheckFileName(t.Filename), ".filename")
		check(CheckURL(t.DownloadURL), ".download_url")
		check(CheckSHA256Hex(t.SHASum), ".shasum")
		check(CheckH1(t.H1), ".h1")
		if t.Size < 0 {
			add(fmt.Sprintf("negative size %d", t.Size), tf(".size"))
		}
		if t.OS == "" || t.Arch == "" {
			continue
		}
		first := -1
		if seen != nil {
			if k, dup := seen[[2]string{t.OS, t.Arch}]; dup {
				first = k
			} else {
				seen[[2]string{t.OS, t.Arch}] = j
			}
		} else {
			for k := range j {
				if o := v.Targets[k]; o.OS == t.OS && o.Arch == t.Arch {
					first = k
					break
				}
			}
		}
		if first >= 0 {
			add(fmt.Sprintf("duplicate platform %s/%s (also %s.targets[%d])", Quote(t.OS), Quote(t.Arch), field, first), tf(""))
		}
	}
	return out
}

// ModuleVersionViolations returns what breaks the rules in the module
// version at JSON path field, apart from its "version": commit and
// discovered.
func ModuleVersionViolations(field string, v ModuleVersion) []Violation {
	var out []Violation
	if msg := CheckCommit(v.Commit); msg != "" {
		out = append(out, Violation{Field: field + ".commit", Message: msg})
	}
	if msg := CheckDiscovered(v.Discovered); msg != "" {
		out = append(out, Violation{Field: field + ".discovered", Message: msg})
	}
	return out
}

// Quote renders a value for a message: Go-quoted, cut short if long, so
// garbage input cannot flood a report or a log.
func Quote(s string) string {
	const max = 80
	r := []rune(s)
	if len(r) > max {
		return strconv.Quote(string(r[:max])) + "…"
	}
	return strconv.Quote(s)
}

// hasSpaceOrControl reports whether s holds ASCII white space, control
// characters or DEL.
func hasSpaceOrControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7f {
			return true
		}
	}
	return false
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
		if s[i] < '0' || s[i] > '9' {
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
