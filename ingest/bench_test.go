package ingest

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/regen-registry/regen/ingest/pollstate"
	"github.com/regen-registry/regen/internal/ghtest"
	"github.com/regen-registry/regen/regdata"
)

// BenchmarkNoChangePoll measures a poll of N providers and N modules
// (N = $REGEN_BENCH_N, default 5000) on the loopback GitHub when nothing
// changed: each repository should cost one conditional request answered
// 304. The data files and poll state are set up as a previous run leaves
// them (versions known, full listing recent), one unconditional poll
// records the feeds' ETags, and the timed poll follows. Run it with
//
//	go test ./ingest -run '^$' -bench NoChangePoll -benchtime 1x -timeout 60m
//
// It reports requests/op (want 2N), conditional/op and not-modified/op.
func BenchmarkNoChangePoll(b *testing.B) {
	n := 5000
	if s := os.Getenv("REGEN_BENCH_N"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			b.Fatalf("REGEN_BENCH_N=%q: want a positive number", s)
		}
		n = v
	}
	srv := ghtest.New(b)
	data := b.TempDir()
	now := time.Now().UTC()
	setupStart := time.Now()
	setupBench(b, srv, data, n, now)
	b.Logf("setup of %d providers and %d modules: %v", n, n, time.Since(setupStart).Round(time.Millisecond))

	for _, c := range []struct {
		name string
		rate float64
	}{{"rate=default", 0}, {"rate=unlimited", -1}} {
		b.Run(c.name, func(b *testing.B) {
			o := Options{Data: data, Jobs: 64, GitHubURL: srv.URL, GitHubAPIURL: srv.APIURL(), Rate: c.rate}
			// One unconditional poll records the ETags (first run after a
			// state without validators).
			if sum, err := Run(context.Background(), o); err != nil || sum.Failed() || sum.Listed != 0 {
				b.Fatalf("warm-up: %v %+v", err, sum)
			}
			b.ResetTimer()
			for range b.N {
				srv.ResetCounts()
				start := time.Now()
				sum, err := Run(context.Background(), o)
				el := time.Since(start)
				if err != nil || sum.Failed() {
					b.Fatalf("poll: %v %+v", err, sum.Failures)
				}
				b.StopTimer()
				cond, notMod := 0, 0
				for _, r := range srv.RequestLog() {
					if r.Conditional() {
						cond++
					}
					if r.Status == 304 {
						notMod++
					}
				}
				total := srv.Requests()
				b.ReportMetric(float64(total), "requests/op")
				b.ReportMetric(float64(cond), "conditional/op")
				b.ReportMetric(float64(notMod), "not-modified/op")
				b.Logf("%s: %d entries, %d requests (%d conditional, %d answered 304) in %v",
					c.name, sum.Checked, total, cond, notMod, el.Round(time.Millisecond))
				if total != 2*n || notMod != 2*n {
					b.Errorf("want %d requests all answered 304, got %d (%d 304)", 2*n, total, notMod)
				}
				b.StartTimer()
			}
		})
	}
}

// setupBench publishes n provider releases and n module tags, and writes
// the data files and poll state a previous ingest would have left.
func setupBench(b *testing.B, srv *ghtest.Server, data string, n int, now time.Time) {
	key := ghtest.NewKeyEd25519(b, "Bench")
	dir := regdata.Dir{Root: data}
	st, _, err := pollstate.Load(data)
	if err != nil {
		b.Fatal(err)
	}
	var g errgroup.Group
	g.SetLimit(4)
	for i := range n {
		g.Go(func() error {
			ns := fmt.Sprintf("ns%04d", i%1000)
			typ := fmt.Sprintf("p%05d", i)
			a := srv.AddProviderRelease(ns, "terraform-provider-"+typ, ghtest.ProviderRelease{Type: typ, Version: "1.0.0", Key: key})
			pa := regdata.ProviderAddr{Namespace: ns, Type: typ}
			pkg := a.Packages[0]
			pf := &regdata.ProviderFile{Versions: []regdata.ProviderVersion{{
				Version: "1.0.0", Protocols: []string{"5.0"}, SHASumsURL: a.ShasumsURL, SHASumsSignatureURL: a.SignatureURL,
				Targets:    []regdata.Target{{OS: pkg.OS, Arch: pkg.Arch, Filename: pkg.Filename, DownloadURL: pkg.DownloadURL, SHASum: pkg.SHA256, H1: pkg.H1, Size: pkg.Size}},
				Discovered: stamp(now),
			}}}
			if err := dir.WriteProvider(pa, pf); err != nil {
				return err
			}
			st.Put(pa.Key(), pollstate.Entry{Addr: pa.String(), LastFull: now})

			name := fmt.Sprintf("m%05d", i)
			r := srv.NewRepo(ns, "terraform-aws-"+name)
			c := r.Commit(map[string]string{"main.tf": "# " + name}, "one")
			r.Tag("v1.0.0", c)
			ma := regdata.ModuleAddr{Namespace: ns, Name: name, System: "aws"}
			if err := dir.WriteModule(ma, &regdata.ModuleFile{Versions: []regdata.ModuleVersion{{Version: "v1.0.0", Commit: c, Discovered: stamp(now)}}}); err != nil {
				return err
			}
			st.Put(ma.Key(), pollstate.Entry{Addr: ma.String(), LastFull: now})
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
	if err := st.Save(); err != nil {
		b.Fatal(err)
	}
}
