package build

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/regen-registry/regen/generator"
	"github.com/regen-registry/regen/generator/discovery"
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
	o       Options
	c       *discovery.Collector
	docs    *moddocs.Store
	systems map[string][]string // lower-cased "ns/name" → target systems
	savedMu sync.Mutex
	saved   map[string][]byte // the previous build's summaries by entry key (restored ones removed)
	pending sync.WaitGroup    // data entries not yet processed
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
		Now:     now,
		BaseURL: strings.TrimRight(gen.BaseURL, "/"),
		Title:   cmpOr(o.Title, gen.Hostname, "regen registry"),
		Events:  evs,
	}
	if counters != nil {
		copts.Downloads = func(entry string) stats.Summary { return counters.Summary(entry, countsAt) }
	}
	docsDir := o.DocsDir
	if docsDir == "" {
		docsDir = moddocs.DefaultDir(o.Data)
	}
	var mods []regdata.ModuleAddr
	for _, e := range entries {
		if e.kind == kindModule {
			mods = append(mods, e.mod)
		}
	}
	return &discoveryState{
		o:       o,
		c:       discovery.NewCollector(copts),
		docs:    moddocs.NewStore(docsDir, nil),
		systems: discovery.SystemsByName(mods),
	}, nil
}

func cmpOr(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// loadSaved reads the previous build's summaries; an error means the
// build must visit every entry.
func (d *discoveryState) loadSaved(out string) error {
	f, err := os.Open(filepath.Join(out, filepath.FromSlash(discovery.SavedPath)))
	if err != nil {
		return err
	}
	defer f.Close()
	d.saved, err = discovery.ReadSaved(f)
	return err
}

// systemsKey is the key of SystemsByName's map for a module.
func systemsKey(a regdata.ModuleAddr) string {
	return strings.ToLower(a.Namespace + "/" + a.Name)
}

// moduleInput adds to an entry's Input what its discovery documents
// depend on besides the data file: the target systems published under the
// same name and the module's docs-store index.
func (d *discoveryState) moduleInput(in *inputDigest, a regdata.ModuleAddr) error {
	fmt.Fprintf(in.h, "systems %s\n", strings.Join(d.systems[systemsKey(a)], ","))
	rel, err := moddocs.IndexPath(a)
	if err != nil {
		return nil // rejected later, with the entry's own error
	}
	b, err := os.ReadFile(filepath.Join(d.docs.Dir(), filepath.FromSlash(rel)))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		fmt.Fprintf(in.h, "docs none\n")
	case err != nil:
		return fmt.Errorf("reading the docs store: %w", err)
	default:
		fmt.Fprintf(in.h, "docs %x\n", sha256.Sum256(b))
	}
	return nil
}

// restore adds a reused entry's saved summary; false means there is none
// (or it is damaged) and the entry must be regenerated.
func (d *discoveryState) restore(key string) (bool, error) {
	d.savedMu.Lock()
	line, ok := d.saved[key]
	delete(d.saved, key) // parsed once; its memory goes back to the heap
	d.savedMu.Unlock()
	if !ok {
		return false, nil
	}
	if err := d.c.AddSaved(line); err != nil {
		// A damaged cache line costs a regeneration, not the build.
		return false, nil
	}
	return true, nil
}

// module renders a module's discovery documents and records its summary.
func (d *discoveryState) module(ctx context.Context, a regdata.ModuleAddr, f *regdata.ModuleFile, bl *regdata.Blacklist, gen generator.Options, put func(generator.File) error) error {
	repo := generator.ModuleRepository(a, f.Repository, gen)
	in := discovery.NewModuleInput(a, f, bl, repo)
	if len(in.Versions) == 0 {
		return nil
	}
	in.Systems = d.systems[systemsKey(a)]
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
	for _, f := range files {
		if err := put(generator.File{Path: f.Path, Body: f.Data, Class: f.Class}); err != nil {
			return err
		}
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
	files, err := discovery.ProviderFiles(in)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := put(generator.File{Path: f.Path, Body: f.Data, Class: f.Class}); err != nil {
			return err
		}
	}
	return d.c.AddProvider(in)
}

// global waits for every data entry, then renders the registry-wide
// documents.
func (d *discoveryState) global(put func(generator.File) error) error {
	d.pending.Wait()
	return d.c.FinishTo(func(f discovery.File) error {
		return put(generator.File{Path: f.Path, Body: f.Data, Class: f.Class})
	})
}

// writeSaved writes the summaries for the next build, atomically, into the
// tree at root.
func (d *discoveryState) writeSaved(root string) error {
	p := filepath.Join(root, filepath.FromSlash(discovery.SavedPath))
	tmp, err := os.CreateTemp(filepath.Dir(p), "discovery.ndjson.tmp-")
	if err != nil {
		return fmt.Errorf("writing the discovery state: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := d.c.WriteSaved(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("writing the discovery state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing the discovery state: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return fmt.Errorf("writing the discovery state: %w", err)
	}
	return nil
}
