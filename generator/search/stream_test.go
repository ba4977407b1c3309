package search

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// writeStreamed builds the index files with an IndexWriter, handing it
// the rows in index order.
func writeStreamed(t *testing.T, modules []Module, providers []Provider, o BuildOptions) []File {
	t.Helper()
	ms := slices.Clone(modules)
	slices.SortStableFunc(ms, moduleOrder)
	ps := slices.Clone(providers)
	slices.SortStableFunc(ps, func(a, b Provider) int { return strings.Compare(a.Key(), b.Key()) })
	w := NewIndexWriter(t.TempDir(), o)
	for _, m := range ms {
		if err := w.AddModule(m); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range ps {
		if err := w.AddProvider(p); err != nil {
			t.Fatal(err)
		}
	}
	var files []File
	if err := w.Finish(func(f File) error { files = append(files, f); return nil }); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return files
}

// TestIndexWriterMatchesBuild checks that the streaming writer writes the
// very files Build and Files write: the fixture, a synthetic registry with
// split term shards and several table shards, and an empty one.
func TestIndexWriterMatchesBuild(t *testing.T) {
	built := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name      string
		modules   []Module
		providers []Provider
		o         BuildOptions
	}{
		{"fixture", fixtureModules(), fixtureProviders(), BuildOptions{Built: built}},
		{"synthetic, small shards", synthModules(3000), fixtureProviders(), BuildOptions{Built: built, ShardBytes: 2048, DocShardSize: 7}},
		{"empty", nil, nil, BuildOptions{Built: built}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want, err := Build(c.modules, c.providers, c.o).Files(c.o.DocShardSize)
			if err != nil {
				t.Fatal(err)
			}
			got := writeStreamed(t, c.modules, c.providers, c.o)
			str := func(fs []File) map[string]string {
				m := map[string]string{}
				for _, f := range fs {
					m[f.Path] = string(f.Data)
				}
				return m
			}
			if d := cmp.Diff(str(want), str(got)); d != "" {
				t.Errorf("streamed index differs (-Build +IndexWriter):\n%s", d)
			}
		})
	}
}

// TestIndexWriterRefusesDisorder checks that rows out of index order are
// an error, not a silently wrong index.
func TestIndexWriterRefusesDisorder(t *testing.T) {
	w := NewIndexWriter(t.TempDir(), BuildOptions{})
	if err := w.AddModule(Module{Namespace: "a", Name: "b", Provider: "c", Downloads: 1}); err != nil {
		t.Fatal(err)
	}
	if err := w.AddModule(Module{Namespace: "a", Name: "b", Provider: "d", Downloads: 2}); err == nil {
		t.Error("a more popular module after a less popular one was accepted")
	}
	if err := w.AddProvider(Provider{Namespace: "b", Type: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := w.AddProvider(Provider{Namespace: "a", Type: "x"}); err == nil {
		t.Error("providers out of order were accepted")
	}
}
