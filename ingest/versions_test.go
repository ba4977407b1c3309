package ingest

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/ingest/gittags"
	"github.com/regen-registry/regen/regdata"
)

func TestSemverTags(t *testing.T) {
	tags := []gittags.Tag{
		{Name: "1.0.0", Commit: "a"}, {Name: "v1.0.0", Commit: "b"}, {Name: "v1.0.0+meta", Commit: "c"},
		{Name: "v2.0.0-rc.1", Commit: "d"}, {Name: "v1", Commit: "e"}, {Name: "v1.1", Commit: "f"},
		{Name: "latest", Commit: "g"}, {Name: "v01.0.0", Commit: "h"}, {Name: "V3.0.0", Commit: "i"},
	}
	want := []candidate{
		{Tag: "v2.0.0-rc.1", Version: "2.0.0-rc.1", Commit: "d"},
		// Build metadata makes another version, as regdata normalises it.
		{Tag: "v1.0.0+meta", Version: "1.0.0+meta", Commit: "c"},
		{Tag: "v1.0.0", Version: "1.0.0", Commit: "b"},
	}
	if d := cmp.Diff(want, semverTags(tags)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func FuzzSemverTags(f *testing.F) {
	for _, s := range []string{"v1.0.0", "1.0.0", "v1.0.0+x", "v1.0.0-rc.1", "v1", "x"} {
		f.Add(s, "v1.2.3")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		cands := semverTags([]gittags.Tag{{Name: a, Commit: "1"}, {Name: b, Commit: "2"}})
		seen := map[string]bool{}
		for _, c := range cands {
			if !regdata.IsStrictSemver(c.Tag) {
				t.Fatalf("%q kept but not strict semver", c.Tag)
			}
			n, err := regdata.NormalizeVersion(c.Tag)
			if err != nil || n != c.Version {
				t.Fatalf("%q: version %q, normalised %q (%v)", c.Tag, c.Version, n, err)
			}
			if seen[c.Version] {
				t.Fatalf("version %s twice", c.Version)
			}
			seen[c.Version] = true
		}
	})
}
