package ingest

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/regdata/events"
)

// A sharded run ingests only its shard's entries and, unlike --only,
// detects the deletion of its own entries, never another shard's.
func TestShardSelectsEntriesAndDetectsItsDeletions(t *testing.T) {
	e := newEnv(t)
	ab, _ := regdata.ParseShard("a-b")
	cd, _ := regdata.ParseShard("c-d")
	inAB := e.module("acme", "vpc", "aws")
	inCD := e.module("Corp", "net", "aws")
	alsoAB := e.module("beta", "db", "aws")
	for _, m := range []regdata.ModuleAddr{inAB, inCD, alsoAB} {
		r := e.srv.NewRepo(m.Namespace, m.Repo())
		r.Tag("v1.0.0", r.Commit(map[string]string{"main.tf": "#"}, "one"))
	}
	sum := e.run(func(o *Options) { o.Shard = &ab })
	mustNoFailures(t, sum)
	if got := moduleVersions(e.readModule(inCD)); len(got) != 0 {
		t.Errorf("shard a-b ingested c-d's Corp/net/aws: %v", got)
	}
	if len(e.readModule(inAB).Versions) != 1 || len(e.readModule(alsoAB).Versions) != 1 {
		t.Error("shard a-b did not ingest its entries")
	}
	mustNoFailures(t, e.run(func(o *Options) { o.Shard = &cd }))

	// Both shards' entries disappear; each shard reports only its own.
	for _, m := range []regdata.ModuleAddr{inAB, inCD} {
		if err := removeFile(e.data, regdata.ModuleFilePath(m)); err != nil {
			t.Fatal(err)
		}
	}
	sum = e.run(func(o *Options) { o.Shard = &ab })
	if d := cmp.Diff([]string{"module/acme/vpc/aws"}, sum.Deleted); d != "" {
		t.Errorf("shard a-b deleted (-want +got):\n%s", d)
	}
	sum = e.run(func(o *Options) { o.Shard = &cd })
	if d := cmp.Diff([]string{"module/corp/net/aws"}, sum.Deleted); d != "" {
		t.Errorf("shard c-d deleted (-want +got):\n%s", d)
	}
	var deleted []string
	for _, ev := range e.events() {
		if ev.Type == events.ModuleDeleted {
			deleted = append(deleted, ev.Addr())
		}
	}
	if !slices.Equal(deleted, []string{"acme/vpc/aws", "Corp/net/aws"}) {
		t.Errorf("deleted events %q", deleted)
	}
	// --only still leaves deletions alone (it does not know the others).
	e.module("acme", "gone", "aws")
	r := e.srv.NewRepo("acme", "terraform-aws-gone")
	r.Tag("v1.0.0", r.Commit(map[string]string{"main.tf": "#"}, "one"))
	e.run(func(o *Options) { o.Shard = &ab })
	if err := removeFile(e.data, "modules/a/acme/gone/aws.json"); err != nil {
		t.Fatal(err)
	}
	if sum := e.run(func(o *Options) { o.Only = []string{"beta/db/aws"} }); len(sum.Deleted) != 0 {
		t.Errorf("--only run reported deletions %v", sum.Deleted)
	}
}
