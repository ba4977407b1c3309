package regdata

import (
	"slices"
	"testing"
)

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		spec string
		in   []string
		out  []string
	}{
		{"a-b", []string{"a", "b"}, []string{"c", "A", "-", ""}},
		{"u-z0-9_-", []string{"u", "z", "0", "9", "_", "-"}, []string{"t", "a"}},
		{"-a", []string{"-", "a"}, []string{"b"}},
		{"e-hx", []string{"e", "f", "h", "x"}, []string{"i", "d"}},
	} {
		s, err := ParseShard(tc.spec)
		if err != nil {
			t.Fatalf("%q: %v", tc.spec, err)
		}
		for _, c := range tc.in {
			if !s.HasLetter(c) {
				t.Errorf("%q lacks %q", tc.spec, c)
			}
		}
		for _, c := range tc.out {
			if s.HasLetter(c) {
				t.Errorf("%q has %q", tc.spec, c)
			}
		}
	}
	for _, bad := range []string{"", "b-a", "A-Z", "a/b", "é"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestShardPathsAndOverlap(t *testing.T) {
	s, _ := ParseShard("a-c")
	for p, want := range map[string]bool{
		"providers/a/acme/x.json":     true,
		"modules/c/Corp/vpc/aws.json": true,
		"modules/d/dx/vpc/aws.json":   false,
		"keys/a/acme/k.asc":           false,
		"events/2026-12.ndjson":       false,
		"providers/a":                 false,
	} {
		if s.HasPath(p) != want {
			t.Errorf("HasPath(%q) = %v", p, !want)
		}
	}
	if !s.HasNamespace("Corp") || s.HasNamespace("dx") {
		t.Error("HasNamespace")
	}
	o, _ := ParseShard("c-e")
	if got := s.Overlaps(o); !slices.Equal(got, []string{"c"}) {
		t.Errorf("Overlaps = %q", got)
	}
	// The shards of the repository's own publish workflow cover every
	// first letter once.
	var all []Shard
	for _, spec := range []string{"a-b", "c-d", "e-h", "i-l", "m-o", "p-r", "s-t", "u-z0-9_-"} {
		sh, err := ParseShard(spec)
		if err != nil {
			t.Fatal(err)
		}
		for _, prev := range all {
			if ov := sh.Overlaps(prev); len(ov) > 0 {
				t.Errorf("%s and %s overlap: %q", spec, prev, ov)
			}
		}
		all = append(all, sh)
	}
	for _, c := range "abcdefghijklmnopqrstuvwxyz0123456789_-" {
		n := 0
		for _, sh := range all {
			if sh.HasLetter(string(c)) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%c is in %d shards", c, n)
		}
	}
}
