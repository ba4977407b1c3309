package discovery

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/generator/search"
	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/regdata/events"
	"github.com/regen-registry/regen/stats"
)

// synthRegistry is a registry of a few hundred modules and providers with
// shared namespaces and names, tied download counts, a "search"
// namespace and deleted entries, for checking the streamed documents.
func synthRegistry(t *testing.T) ([]ModuleInput, []ProviderInput, map[string]stats.Summary, []events.Event) {
	rng := rand.New(rand.NewPCG(7, 11))
	namespaces := []string{"Acme", "acme-labs", "search", "hashicorp", "a", "a-b", "zz", "Cloud_Posse"}
	names := []string{"vpc", "vpc-endpoints", "eks", "label", "network", "db"}
	systems := []string{"aws", "google", "azurerm", "null"}
	counts := map[string]stats.Summary{}
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	var mods []ModuleInput
	seen := map[string]bool{}
	for i := 0; i < 300; i++ {
		a := regdata.ModuleAddr{Namespace: namespaces[rng.IntN(len(namespaces))], Name: fmt.Sprintf("%s%d", names[rng.IntN(len(names))], rng.IntN(8)), System: systems[rng.IntN(len(systems))]}
		if seen[a.Key()] {
			continue
		}
		seen[a.Key()] = true
		v := regdata.ModuleVersion{Version: fmt.Sprintf("v1.%d.0", i%5), Commit: strings.Repeat("a", 40)}
		if i%4 != 0 {
			v.Discovered = day.Add(time.Duration(i) * time.Hour).Format(time.RFC3339)
		}
		mods = append(mods, ModuleInput{
			Addr: a, Versions: publishedVersions(t, a, v), Source: "https://github.com/x/y",
			Description: strings.Repeat("Terraform module for networks and clusters. ", rng.IntN(12)), Verified: i%7 == 0,
		})
		counts[a.Key()] = stats.Summary{Total: int64(rng.IntN(5) * 10)}
	}
	var provs []ProviderInput
	for i := 0; i < 80; i++ {
		a := regdata.ProviderAddr{Namespace: namespaces[i%len(namespaces)], Type: fmt.Sprintf("t%d", i)}
		pv := regdata.ProviderVersion{Version: "1.0.0", Discovered: day.Format(time.RFC3339)}
		provs = append(provs, ProviderInput{Addr: a, Versions: providerVersions(t, a, pv), Description: "A provider."})
		counts[a.Key()] = stats.Summary{Total: int64(i)}
	}
	evs := []events.Event{
		{Type: events.ModuleDeleted, Time: day.Add(24 * time.Hour), Namespace: "gone", Name: "x", Target: "aws"},
		{Type: events.ModuleDeleted, Time: day.Add(24 * time.Hour), Namespace: mods[0].Addr.Namespace, Name: mods[0].Addr.Name, Target: mods[0].Addr.System},
	}
	return mods, provs, counts, evs
}

func finishSynth(t *testing.T, spill int) ([]File, []byte, string) {
	t.Helper()
	mods, provs, counts, evs := synthRegistry(t)
	c := NewCollector(Options{
		Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Events: evs,
		Downloads:        func(e string) stats.Summary { return counts[e] },
		SearchShardBytes: 512, DocShardSize: 5, SpillDir: t.TempDir(), spillBytes: spill,
	})
	for i := len(mods) - 1; i >= 0; i-- {
		if err := c.AddModule(mods[i]); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range provs {
		if err := c.AddProvider(p); err != nil {
			t.Fatal(err)
		}
	}
	files, err := c.Finish()
	if err != nil {
		t.Fatal(err)
	}
	var saved bytes.Buffer
	if err := c.WriteSaved(&saved); err != nil {
		t.Fatal(err)
	}
	scratch := c.scratch
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	return files, saved.Bytes(), scratch
}

// TestCollectorSpillsAndStreams checks that the registry-wide documents
// do not depend on how the summaries were spilled (in dozens of runs, or
// all in memory), that the scratch folder is removed by Close, and that
// every listing page streamed in key order is the page the search index
// answers for the same listing.
func TestCollectorSpillsAndStreams(t *testing.T) {
	mem, memSaved, _ := finishSynth(t, 0)
	spilled, spilledSaved, scratch := finishSynth(t, 4096)
	if scratch == "" {
		t.Fatal("nothing was spilled")
	}
	if _, err := os.Stat(scratch); !os.IsNotExist(err) {
		t.Errorf("scratch folder %s left after Close: %v", scratch, err)
	}
	if a, b := dump(t, mem), dump(t, spilled); !bytes.Equal(a, b) {
		t.Errorf("spilled output differs (-memory +spilled):\n%s", cmp.Diff(string(a), string(b)))
	}
	if !bytes.Equal(memSaved, spilledSaved) {
		t.Error("saved state differs when spilled")
	}

	byPath := map[string][]byte{}
	for _, f := range spilled {
		byPath[f.Path] = f.Data
	}
	ix, err := search.Load(context.Background(), func(_ context.Context, name string) ([]byte, error) {
		if b, ok := byPath[name]; ok {
			return b, nil
		}
		return nil, fs.ErrNotExist
	})
	if err != nil {
		t.Fatal(err)
	}
	pages := 0
	for p, data := range byPath {
		parts := strings.Split(strings.TrimSuffix(p, "/index.json"), "/")
		var want []byte
		switch {
		case len(parts) >= 2 && len(parts) <= 4 && parts[0] == "v1" && parts[1] == "modules" && !strings.HasSuffix(p, "/downloads/summary"):
			q := search.Query{}
			if len(parts) > 2 {
				q.Namespace = parts[2]
			}
			if len(parts) > 3 {
				q.Name = parts[3]
			}
			want, err = RenderModuleList("/"+strings.Join(parts, "/"), nil, 0, search.DefaultLimit, ix.Modules(q))
		case len(parts) >= 2 && len(parts) <= 3 && parts[0] == "v1" && parts[1] == "providers":
			ns := ""
			if len(parts) > 2 {
				ns = parts[2]
			}
			total, list := ix.Providers(ns, 0, search.DefaultLimit)
			want, err = RenderProviderList("/"+strings.Join(parts, "/"), nil, 0, search.DefaultLimit, total, list)
		default:
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if !bytes.Equal(want, data) {
			t.Errorf("%s differs from the index's answer (-index +streamed):\n%s", p, cmp.Diff(string(want), string(data)))
		}
	}
	if _, ok := byPath["v1/modules/search/index.json"]; ok {
		t.Error("the search namespace got a listing page (its URL is the search endpoint)")
	}
	if pages < 50 {
		t.Errorf("checked %d listing pages, want the synthetic registry's many", pages)
	}
	feed := string(byPath[search.FeedPath])
	if !strings.Contains(feed, `"id":"modules/gone/x/aws"`) {
		t.Error("search feed lacks the delete record of a module that is gone")
	}
	mods, _, _, _ := synthRegistry(t)
	if strings.Contains(feed, `"deletion":{"id":"`+search.ModuleFeedID(mods[0].Addr.Namespace, mods[0].Addr.Name, mods[0].Addr.System)+`"`) {
		t.Error("search feed deletes a module that is back")
	}
}
