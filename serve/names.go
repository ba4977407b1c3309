package serve

import (
	"io/fs"
	"strings"
)

// maxPathLen bounds request paths; the longest generated paths are far
// shorter.
const maxPathLen = 1024

// treePath turns a decoded request path ("/v1/providers/ns/t/versions")
// into a tree path ("v1/providers/ns/t/versions"), or reports false when
// the request may not reach any file: not absolute, empty segments, "." or
// ".." segments, a segment starting with "." other than ".well-known",
// control bytes or backslashes.
func treePath(urlPath string) (string, bool) {
	if len(urlPath) > maxPathLen || !strings.HasPrefix(urlPath, "/") {
		return "", false
	}
	name := urlPath[1:]
	if !fs.ValidPath(name) || name == "." {
		return "", false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return "", false
		}
	}
	if hiddenSegment(name) {
		return "", false
	}
	return name, true
}

// hiddenSegment reports whether a segment of the tree path name starts with
// "." — such files (the build manifest under .regen/, editor and VCS files)
// are never served — except a leading ".well-known".
func hiddenSegment(name string) bool {
	for i, seg := range strings.Split(name, "/") {
		if strings.HasPrefix(seg, ".") && (i > 0 || seg != ".well-known") {
			return true
		}
	}
	return false
}

// caseCandidates returns the tree paths to try for name, in order: name
// itself, name with its address segments lower-cased (namespace, name and
// system of a module; namespace and type of a provider), and name wholly
// lower-cased, without repeats. See the package documentation.
func caseCandidates(name string) []string {
	out := []string{name}
	add := func(p string) {
		for _, q := range out {
			if q == p {
				return
			}
		}
		out = append(out, p)
	}
	segs := strings.Split(name, "/")
	if len(segs) >= 3 && segs[0] == "v1" && (segs[1] == "modules" || segs[1] == "providers") {
		last := 4 // namespace, type
		if segs[1] == "modules" {
			last = 5 // namespace, name, system
		}
		lowered := append([]string(nil), segs...)
		for i := 2; i < last && i < len(lowered); i++ {
			lowered[i] = strings.ToLower(lowered[i])
		}
		add(strings.Join(lowered, "/"))
	}
	add(strings.ToLower(name))
	return out
}
