package release

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// Sums maps file name to lower-case hex SHA-256, as listed in a SHA256SUMS
// file.
type Sums map[string]string

// ParseSums reads a SHA256SUMS file: one "<64 hex digits><space><space or
// *><file name>" per line (sha256sum's text and binary modes). Blank lines
// are skipped; any other malformed line, or a file listed twice with
// different sums, is an error naming the line.
func ParseSums(data []byte) (Sums, error) {
	sums := Sums{}
	for i, line := range bytes.Split(data, []byte{'\n'}) {
		l := strings.TrimSuffix(string(line), "\r")
		if strings.TrimSpace(l) == "" {
			continue
		}
		if len(l) < 66 || l[64] != ' ' || (l[65] != ' ' && l[65] != '*') {
			return nil, fmt.Errorf("SHA256SUMS line %d: want \"<sha256>  <file>\", got %q", i+1, clip(l))
		}
		sum := strings.ToLower(l[:64])
		if _, err := hex.DecodeString(sum); err != nil {
			return nil, fmt.Errorf("SHA256SUMS line %d: %q is not a hex SHA-256", i+1, l[:64])
		}
		name := l[66:]
		if name == "" || strings.ContainsAny(name, "/\\\x00") || name != strings.TrimSpace(name) {
			return nil, fmt.Errorf("SHA256SUMS line %d: bad file name %q", i+1, clip(name))
		}
		if prev, ok := sums[name]; ok && prev != sum {
			return nil, fmt.Errorf("SHA256SUMS line %d: %s listed twice with different sums", i+1, name)
		}
		sums[name] = sum
	}
	if len(sums) == 0 {
		return nil, fmt.Errorf("SHA256SUMS lists no files")
	}
	return sums, nil
}

// Package is one platform's zip named in the sums.
type Package struct {
	OS, Arch string
	Filename string
	SHA256   string
}

// Packages returns the <prefix>_<os>_<arch>.zip files in the sums, sorted
// by os then arch.
func (s Sums) Packages(prefix string) []Package {
	var out []Package
	for name, sum := range s {
		rest, ok := strings.CutPrefix(name, prefix+"_")
		if !ok {
			continue
		}
		rest, ok = strings.CutSuffix(rest, ".zip")
		if !ok {
			continue
		}
		osName, arch, ok := strings.Cut(rest, "_")
		if !ok || !platformPart(osName) || !platformPart(arch) {
			continue
		}
		out = append(out, Package{OS: osName, Arch: arch, Filename: name, SHA256: sum})
	}
	slices.SortFunc(out, func(a, b Package) int {
		if c := strings.Compare(a.OS, b.OS); c != 0 {
			return c
		}
		return strings.Compare(a.Arch, b.Arch)
	})
	return out
}

// platformPart reports whether s can be a GOOS or GOARCH value.
func platformPart(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
