package ingest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/regen-registry/regen/ingest/gittags"
	"github.com/regen-registry/regen/regdata"
)

// candidate is a semver tag and the version it stands for.
type candidate struct {
	Tag     string
	Version string // normalised: no "v", three parts
	Commit  string
}

// semverTags keeps the tags that are strict semantic versions (with or
// without a leading "v"; golang.org/x/mod/semver), one per version: when
// "v1.0.0" and "1.0.0" both exist, the one with "v" wins. The result is
// sorted newest first.
func semverTags(tags []gittags.Tag) []candidate {
	byVersion := map[string]candidate{}
	for _, t := range tags {
		if !regdata.IsStrictSemver(t.Name) {
			continue
		}
		n, err := regdata.NormalizeVersion(t.Name)
		if err != nil {
			continue
		}
		c := candidate{Tag: t.Name, Version: n, Commit: t.Commit}
		if prev, ok := byVersion[n]; ok && !preferTag(c.Tag, prev.Tag) {
			continue
		}
		byVersion[n] = c
	}
	out := make([]candidate, 0, len(byVersion))
	for _, c := range byVersion {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b candidate) int { return regdata.CompareVersions(b.Version, a.Version) })
	return out
}

// preferTag reports whether tag a is a better spelling of a version than b:
// with "v" first, then the shorter (no build metadata), then by name.
func preferTag(a, b string) bool {
	va, vb := strings.HasPrefix(a, "v"), strings.HasPrefix(b, "v")
	if va != vb {
		return va
	}
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// normalized returns the normalised form of a listed version, or the
// string itself when it does not parse.
func normalized(v string) string {
	if n, err := regdata.NormalizeVersion(v); err == nil {
		return n
	}
	return v
}

// postponedMessage is the warning for an entry whose new versions went
// over the per-run bound.
func postponedMessage(n, limit int) string {
	return fmt.Sprintf("%d more new versions left for the next runs: at most %d are added per repository and run (--max-new-versions), newest first", n, limit)
}
