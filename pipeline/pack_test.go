package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/regen-registry/regen/regdata/events"
)

// Three shards release in the same month; their packs touch disjoint
// files and apply in any order to the same result, every event merged.
func TestPackApplyThreeShardsSameMonth(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	bare := origin(t, "alpha", "delta", "sigma")
	dec := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	shards := []struct{ shard, ns string }{{"a-b", "alpha"}, {"c-d", "delta"}, {"s-t", "sigma"}}
	var packs []string
	owners := map[string]string{}
	for i, s := range shards {
		data := clone(t, bare)
		start := time.Now().Add(-time.Second)
		docs := filepath.Join(filepath.Dir(data), "registry-docs")
		writeFile(t, filepath.Join(docs, "index", s.ns, "mod", "aws.json"), `{"v":1}`)
		writeFile(t, filepath.Join(docs, "objects", "ab", strings.Repeat("ab", 32)+".json.gz"), "same object")
		release(t, data, s.ns, "1.0."+string(rune('0'+i)), dec.Add(time.Duration(2-i)*time.Minute))
		if s.ns == "alpha" { // a new provider too
			writeFile(t, filepath.Join(data, "providers/b/beta/new.json"), `{"versions":[]}`+"\n")
		}
		out := filepath.Join(t.TempDir(), "ingest-"+s.shard+".tar.gz")
		res, err := Pack(ctx, PackOptions{Data: data, Shard: s.shard, Docs: docs, DocsSince: start, Out: out})
		if err != nil {
			t.Fatalf("pack %s: %v", s.shard, err)
		}
		if res.Events != 1 || res.Docs != 2 {
			t.Errorf("pack %s: %+v, want 1 event and 2 docs files", s.shard, res)
		}
		// The shards' writes are disjoint: no data file in two packs.
		m, err := readPack(out, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m.Files {
			if o, ok := owners[f.Path]; ok {
				t.Fatalf("%s written by shards %s and %s", f.Path, o, s.shard)
			}
			owners[f.Path] = s.shard
		}
		packs = append(packs, out)
	}
	if len(owners) != 4 {
		t.Fatalf("packs wrote %d files, want 4: %v", len(owners), owners)
	}

	var results []string
	for _, order := range [][]string{packs, {packs[2], packs[0], packs[1]}} {
		data := clone(t, bare)
		docs := filepath.Join(filepath.Dir(data), "registry-docs")
		res, err := Apply(ctx, ApplyOptions{Data: data, Docs: docs, Packs: order})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res.Packs {
			if p.Events != 1 || len(p.Stale) != 0 {
				t.Errorf("applied %+v", p)
			}
		}
		evs, bad, err := events.Read(data)
		if err != nil || len(bad) > 0 {
			t.Fatal(err, bad)
		}
		var got []string
		for _, e := range evs {
			got = append(got, e.Namespace+" "+e.Version)
		}
		want := []string{"alpha ", "sigma 1.0.2", "delta 1.0.1", "alpha 1.0.0"}
		if !slices.Equal(got, want) {
			t.Errorf("events after apply: %q, want %q (time order)", got, want)
		}
		if s := readFile(t, filepath.Join(data, "providers/b/beta/new.json")); !strings.Contains(s, "versions") {
			t.Errorf("new provider file: %q", s)
		}
		if s := readFile(t, filepath.Join(docs, "index/sigma/mod/aws.json")); s != `{"v":1}` {
			t.Errorf("docs index: %q", s)
		}
		results = append(results, git(t, data, "status", "--porcelain")+readFile(t, events.Path(data, "2026-12")))
	}
	if results[0] != results[1] {
		t.Errorf("the order of the packs changed the result:\n%s\n---\n%s", results[0], results[1])
	}
}

func TestPackRefusesChangesOutsideTheShard(t *testing.T) {
	t.Parallel()
	bare := origin(t, "alpha", "delta")
	data := clone(t, bare)
	release(t, data, "delta", "2.0.0", time.Now())
	_, err := Pack(context.Background(), PackOptions{Data: data, Shard: "a-b", DocsSince: time.Now(), Out: filepath.Join(t.TempDir(), "p.tar.gz")})
	if err == nil || !strings.Contains(err.Error(), "outside shard a-b") {
		t.Fatalf("err = %v, want a change outside the shard refused", err)
	}
}

func TestPackRefusesRewrittenEventLog(t *testing.T) {
	t.Parallel()
	bare := origin(t, "alpha")
	data := clone(t, bare)
	p := events.Path(data, "2026-11")
	if err := os.WriteFile(p, []byte("\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Pack(context.Background(), PackOptions{Data: data, Shard: "a", DocsSince: time.Now(), Out: filepath.Join(t.TempDir(), "p.tar.gz")})
	if err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("err = %v, want the rewritten log refused", err)
	}
}

// Overlapping shards are refused before anything is written.
func TestApplyRefusesOverlappingShards(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	bare := origin(t, "alpha", "beta")
	var packs []string
	for _, s := range []struct{ shard, ns string }{{"a-b", "alpha"}, {"b-c", "beta"}} {
		data := clone(t, bare)
		release(t, data, s.ns, "1.0.0", time.Now())
		out := filepath.Join(t.TempDir(), s.shard+".tar.gz")
		if _, err := Pack(ctx, PackOptions{Data: data, Shard: s.shard, DocsSince: time.Now(), Out: out}); err != nil {
			t.Fatal(err)
		}
		packs = append(packs, out)
	}
	data := clone(t, bare)
	_, err := Apply(ctx, ApplyOptions{Data: data, Packs: packs})
	if err == nil || !strings.Contains(err.Error(), "overlap on b") {
		t.Fatalf("err = %v, want overlapping shards refused", err)
	}
	if st := git(t, data, "status", "--porcelain"); st != "" {
		t.Errorf("a refused apply wrote:\n%s", st)
	}
}

// A data file changed since the shard's base keeps its content, and the
// entry's events wait for the next run.
func TestApplyLeavesStaleFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	bare := origin(t, "alpha", "avocado")
	shard := clone(t, bare)
	release(t, shard, "alpha", "1.0.0", time.Now())
	release(t, shard, "avocado", "3.0.0", time.Now())
	out := filepath.Join(t.TempDir(), "a.tar.gz")
	if _, err := Pack(ctx, PackOptions{Data: shard, Shard: "a", DocsSince: time.Now(), Out: out}); err != nil {
		t.Fatal(err)
	}
	data := clone(t, bare)
	hand := filepath.Join(data, "providers/a/alpha/thing.json")
	writeFile(t, hand, `{"versions":[],"warnings":["edited by hand"]}`)
	res, err := Apply(ctx, ApplyOptions{Data: data, Packs: []string{out}})
	if err != nil {
		t.Fatal(err)
	}
	if p := res.Packs[0]; !slices.Equal(p.Stale, []string{"providers/a/alpha/thing.json"}) || p.Files != 1 || p.Events != 1 {
		t.Errorf("applied %+v, want alpha stale, avocado applied", p)
	}
	if s := readFile(t, hand); !strings.Contains(s, "edited by hand") {
		t.Errorf("stale file overwritten: %s", s)
	}
	evs, _, _ := events.Read(data)
	for _, e := range evs {
		if e.Namespace == "alpha" && e.Version != "" {
			t.Errorf("event of a stale file applied: %+v", e)
		}
	}
}

func TestApplyRefusesDamagedPack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	bare := origin(t, "alpha")
	shard := clone(t, bare)
	release(t, shard, "alpha", "1.0.0", time.Now())
	out := filepath.Join(t.TempDir(), "a.tar.gz")
	if _, err := Pack(ctx, PackOptions{Data: shard, Shard: "a", DocsSince: time.Now(), Out: out}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, b[:len(b)*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	data := clone(t, bare)
	if _, err := Apply(ctx, ApplyOptions{Data: data, Packs: []string{out}}); err == nil {
		t.Fatal("a truncated pack was applied")
	}
	if st := git(t, data, "status", "--porcelain"); st != "" {
		t.Errorf("a refused apply wrote:\n%s", st)
	}
}
