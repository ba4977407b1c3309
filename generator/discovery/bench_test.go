package discovery

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/regen-registry/regen/generator/search"
	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/stats"
)

// BenchmarkSynthetic measures the discovery API's cost over a synthetic
// registry written by ../shared/tools/synth-registry:
//
//	go build -C ../shared/tools/synth-registry -o "$PWD/bin/synth" .
//	bin/synth -out /tmp/synth -scale 1.0
//	REGEN_SYNTH_DATA=/tmp/synth go test ./generator/discovery -run XXX -bench Synthetic -benchtime 1x
//
// It reports the search index's size (all files, the largest term shard,
// and the bytes a one-word query reads) next to the time per build.
func BenchmarkSynthetic(b *testing.B) {
	root := os.Getenv("REGEN_SYNTH_DATA")
	if root == "" {
		b.Skip("set REGEN_SYNTH_DATA to a synth-registry data folder")
	}
	d := regdata.Dir{Root: root}
	bl, err := d.ReadBlacklist()
	if err != nil {
		b.Fatal(err)
	}
	maddrs, _, err := d.Modules()
	if err != nil {
		b.Fatal(err)
	}
	paddrs, _, err := d.Providers()
	if err != nil {
		b.Fatal(err)
	}
	systems := SystemsByName(maddrs)
	var mods []ModuleInput
	for i, a := range maddrs {
		f, err := d.ReadModule(a)
		if err != nil {
			b.Fatal(err)
		}
		pub, _ := regdata.PublishedModuleVersions(a, f, bl)
		if len(pub) == 0 {
			continue
		}
		mods = append(mods, ModuleInput{Addr: a, Versions: pub, Systems: systems.Of(a),
			Source:      "https://github.com/" + a.Namespace + "/" + a.Repo(),
			Description: "Terraform module for " + strings.ReplaceAll(a.Name, "-", " ") + " on " + a.System,
			Downloads:   stats.Summary{Total: int64((i * 7919) % 100000)}})
	}
	var provs []ProviderInput
	for _, a := range paddrs {
		f, err := d.ReadProvider(a)
		if err != nil {
			b.Fatal(err)
		}
		pub, _ := regdata.PublishedProviderVersions(a, f, bl)
		if len(pub) > 0 {
			provs = append(provs, ProviderInput{Addr: a, Versions: pub})
		}
	}
	b.ResetTimer()
	var files []File
	for range b.N {
		c := NewCollector(Options{Now: time.Now(), Downloads: func(e string) stats.Summary {
			return stats.Summary{Total: int64(len(e) * 997 % 100000)}
		}})
		for _, m := range mods {
			if _, err := ModuleFiles(m, NoDocs); err != nil {
				b.Fatal(err)
			}
			if err := c.AddModule(m); err != nil {
				b.Fatal(err)
			}
		}
		for _, p := range provs {
			if _, err := ProviderFiles(p); err != nil {
				b.Fatal(err)
			}
			if err := c.AddProvider(p); err != nil {
				b.Fatal(err)
			}
		}
		if files, err = c.Finish(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var total, index, largest, meta, nfiles int
	shard := map[string]int{}
	for _, f := range files {
		total += len(f.Data)
		if strings.HasPrefix(f.Path, search.Dir+"/") {
			index += len(f.Data)
			nfiles++
			if strings.HasPrefix(f.Path, search.Dir+"/terms/") {
				largest = max(largest, len(f.Data))
				shard[strings.TrimSuffix(strings.TrimPrefix(f.Path, search.Dir+"/terms/"), ".json")] = len(f.Data)
			}
			if f.Path == search.Dir+"/"+search.MetaFile {
				meta = len(f.Data)
			}
		}
	}
	if os.Getenv("REGEN_SYNTH_SIZES") != "" {
		cat := map[string][2]int{}
		for _, f := range files {
			k := strings.Join(strings.SplitN(f.Path, "/", 4)[:min(3, strings.Count(f.Path, "/"))], "/")
			c := cat[k]
			cat[k] = [2]int{c[0] + 1, c[1] + len(f.Data)}
		}
		for k, c := range cat {
			if c[1] > 100000 {
				b.Logf("%-40s %7d files %10d bytes", k, c[0], c[1])
			}
		}
	}
	b.ReportMetric(float64(len(mods)), "modules")
	b.ReportMetric(float64(total)/1e6, "global-MB")
	b.ReportMetric(float64(index)/1e6, "index-MB")
	b.ReportMetric(float64(nfiles), "index-files")
	b.ReportMetric(float64(largest)/1e3, "largest-shard-KB")
	b.ReportMetric(float64(meta+shard["vp"]+shard["vpc"])/1e3, "vpc-query-KB")
}
