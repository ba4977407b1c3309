package build

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/regen-registry/regen/generator"
	"github.com/regen-registry/regen/generator/discovery"
	"github.com/regen-registry/regen/manifest"
	"github.com/regen-registry/regen/moddocs"
	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/regdata/events"
	"github.com/regen-registry/regen/stats"
)

// discoveryOptionsTag is added to the manifest's options digest when the
// discovery API is built, so that turning it on or off rebuilds in full.
const discoveryOptionsTag = "+discovery/1"

// discoveryState is the build's side of the discovery API (package
// generator/discovery): per entry it renders the module and provider
// documents and feeds the Collector; the global entry renders the
// registry-wide documents once every data entry is done.
type discoveryState struct {
	c         *discovery.Collector
	docs      *moddocs.Store
	systems   systemIndex
	downloads func(entry string) stats.Summary // nil: no counts
	saved     *discovery.SavedState            // the previous build's summaries
	pending   sync.WaitGroup                   // data entries not yet processed
}

// newDiscoveryState prepares the collector; the events log and download
// counts are read here so that a bad log fails before anything is built.
func newDiscoveryState(ctx context.Context, o Options, gen generator.Options, entries []entry) (*discoveryState, error) {
	evs, bad, err := events.Read(o.Data)
	if err != nil {
		return nil, fmt.Errorf("reading the events log: %w", err)
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("events log: %w", bad[0])
	}
	statsDir := o.StatsDir
	if statsDir == "" {
		statsDir = stats.DataDir(o.Data)
	}
	var counters *stats.Counters
	if _, err := os.Stat(statsDir); err == nil {
		if counters, err = stats.NewStore(statsDir).Load(ctx); err != nil {
			return nil, fmt.Errorf("reading download counts in %s: %w", statsDir, err)
		}
	}
	now := o.Now
	countsAt := now
	if countsAt.IsZero() {
		countsAt = time.Now()
	}
	copts := discovery.Options{
		// The collector's sorted runs go next to the output, on its
		// file system (a scratch folder removed when the build ends).
		SpillDir: filepath.Dir(filepath.Clean(o.Out)),
		Now:      now,
		BaseURL:  strings.TrimRight(gen.BaseURL, "/"),
		Title:    cmp.Or(o.Title, gen.Hostname, "regen registry"),
		Events:   evs,
	}
	if counters != nil {
		copts.Downloads = func(entry string) stats.Summary { return counters.Summary(entry, countsAt) }
	}
	return &discoveryState{
		c:         discovery.NewCollector(copts),
		docs:      moddocs.NewStore(cmp.Or(o.DocsDir, moddocs.DefaultDir(o.Data)), nil),
		systems:   systemIndex(entries),
		downloads: copts.Downloads,
	}, nil
}

// loadSaved reads the previous build's summaries; an error means the
// build must visit every entry.
func (d *discoveryState) loadSaved(out string) error {
	s, err := discovery.OpenSaved(filepath.Join(out, filepath.FromSlash(discovery.SavedPath)))
	if err != nil {
		return err
	}
	d.saved = s
	return nil
}

// moduleInput is what a module entry's discovery documents depend on
// besides its data file and blacklist entries, for the entry's Input: the
// target systems published under the same name, the digest of its
// docs-store index and its download count (the details' "downloads", the
// OpenTofu index's "popularity"). The build options (base URL, host,
// GitHub URL) are in the manifest header's options digest instead: a
// change there rebuilds every entry.
func (d *discoveryState) moduleInput(ctx context.Context, a regdata.ModuleAddr) (string, error) {
	docs, err := d.docs.IndexDigest(ctx, a)
	if err != nil {
		return "", fmt.Errorf("the docs store: %w", err)
	}
	return fmt.Sprintf("systems %s\ndocs %s\ndownloads %d\n", strings.Join(d.systems.Of(a), ","), docs, d.total(a.Key())), nil
}

// providerInput is what a provider entry's discovery documents depend on
// besides its data file, keys and blacklist entries: its download count
// (the OpenTofu index's "popularity").
func (d *discoveryState) providerInput(a regdata.ProviderAddr) string {
	return fmt.Sprintf("downloads %d\n", d.total(a.Key()))
}

// total is an entry's all-time download count (0 without counts).
func (d *discoveryState) total(key string) int64 {
	if d.downloads == nil {
		return 0
	}
	return d.downloads(key).Total
}

// restore adds a reused entry's saved summary; false means there is none
// or it is damaged (a regeneration, not a failed build).
func (d *discoveryState) restore(key string) bool {
	if d.saved == nil {
		return false
	}
	line, err := d.saved.Line(key)
	return err == nil && line != nil && d.c.AddSaved(line) == nil
}

// module renders a module's discovery documents and records its summary.
func (d *discoveryState) module(ctx context.Context, a regdata.ModuleAddr, f *regdata.ModuleFile, bl *regdata.Blacklist, gen generator.Options, put func(generator.File) error) error {
	repo := generator.ModuleRepository(a, f.Repository, gen)
	in := discovery.NewModuleInput(a, f, bl, repo)
	if len(in.Versions) == 0 {
		return nil
	}
	in.Systems = d.systems.Of(a)
	if d.downloads != nil {
		in.Downloads = d.downloads(a.Key())
	}
	get, err := d.docs.Getter(ctx, a)
	if err != nil {
		return fmt.Errorf("module docs: %w", err)
	}
	docs := discovery.StoreDocs(get)
	latest, err := docs(in.Versions[discovery.LatestVersion(in.Versions)])
	if err != nil {
		return fmt.Errorf("module docs: %w", err)
	}
	in.Latest = latest
	files, err := discovery.ModuleFiles(in, docs)
	if err != nil {
		return err
	}
	if err := putAll(files, put); err != nil {
		return err
	}
	return d.c.AddModule(in)
}

// provider renders a provider's discovery documents and records its
// summary.
func (d *discoveryState) provider(a regdata.ProviderAddr, f *regdata.ProviderFile, bl *regdata.Blacklist, gen generator.Options, put func(generator.File) error) error {
	in := discovery.NewProviderInput(a, f, bl, generator.ProviderRepository(a, f.Repository, gen))
	if len(in.Versions) == 0 {
		return nil
	}
	if d.downloads != nil {
		in.Downloads = d.downloads(a.Key())
	}
	files, err := discovery.ProviderFiles(in)
	if err != nil {
		return err
	}
	if err := putAll(files, put); err != nil {
		return err
	}
	return d.c.AddProvider(in)
}

// putAll hands discovery documents to the build's emitter.
func putAll(files []discovery.File, put func(generator.File) error) error {
	for _, f := range files {
		if err := put(asFile(f)); err != nil {
			return err
		}
	}
	return nil
}

func asFile(f discovery.File) generator.File {
	return generator.File{Path: f.Path, Body: f.Data, Class: f.Class}
}

// global renders the registry-wide documents; every data entry must be
// done (pending.Wait). Large documents stream to the emitter.
func (d *discoveryState) global(em *emitter) error {
	return d.c.FinishStream(emitterSink{em})
}

// emitterSink hands the Collector's documents to the global entry's
// emitter.
type emitterSink struct{ em *emitter }

func (s emitterSink) Put(f discovery.File) error { return s.em.put(asFile(f)) }

func (s emitterSink) Stream(p string, class manifest.Class, write func(io.Writer) error) error {
	return s.em.stream(p, class, write)
}

// writeSaved writes the summaries for the next build, atomically, into the
// tree at root, streaming them from the Collector's sorted runs.
func (d *discoveryState) writeSaved(root string) error {
	p := filepath.Join(root, filepath.FromSlash(discovery.SavedPath))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("writing the discovery state: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), filepath.Base(p)+".tmp-")
	if err != nil {
		return fmt.Errorf("writing the discovery state: %w", err)
	}
	err = d.c.WriteSaved(f)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing the discovery state: %w", err)
	}
	return nil
}

// close removes the collector's scratch files and closes the previous
// saved state.
func (d *discoveryState) close() {
	d.c.Close()
	if d.saved != nil {
		d.saved.Close()
	}
}
