package build

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/regen-registry/regen/generator"
	"github.com/regen-registry/regen/generator/discovery"
	genworker "github.com/regen-registry/regen/generator/worker"
	"github.com/regen-registry/regen/manifest"
	"github.com/regen-registry/regen/modarchive"
	"github.com/regen-registry/regen/regdata"
	edgeworker "github.com/regen-registry/regen/worker"
)

// builder is the state of one build.
type builder struct {
	gen   generator.Options
	data  regdata.Dir
	log   *slog.Logger
	jobs  int
	bl    *blacklistIndex
	keys  *keyCache
	root  string          // where new files are written
	tmp   string          // where entries too large for memory spill (files unlinked at once)
	seed  maphash.Seed    // for path keys (see pathKey)
	spill int             // files an entry holds in memory before spilling
	held  heldBytes       // manifest line bytes of finished entries not yet written
	full  bool            // no previous manifest to compare with
	prev  *previous       // the previous build (incremental only)
	dirty map[string]bool // entries an interrupted commit was changing
	start time.Time       // when the build started (see racyWindow)

	disc   *discoveryState // nil when the discovery API is not built
	arch   *archiveState   // nil outside archive mode
	prog   Progress
	failed atomic.Bool // bad data seen: stop generating, keep checking
}

// Run builds the tree at o.Out from the data folder o.Data: in full when
// there is no previous build, its options differ or o.Full is set, and
// incrementally otherwise. On any error the previous tree is left as it
// was. Bad data files are all reported (up to a limit), each error naming
// its file.
func Run(ctx context.Context, o Options) (Summary, error) {
	start := time.Now()
	gen, err := o.Generator.Normalize()
	if err != nil {
		return Summary{}, err
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if note := gen.MirrorNote(); note != "" {
		log.Warn(note)
	}
	jobs := o.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0) * 4
	}
	if o.Data == "" || o.Out == "" {
		return Summary{}, errors.New("build: both a data folder and an output folder are required")
	}
	if fi, err := os.Stat(o.Data); err != nil || !fi.IsDir() {
		return Summary{}, fmt.Errorf("data folder %s: not a readable folder", o.Data)
	}
	out, err := filepath.Abs(o.Out)
	if err != nil {
		return Summary{}, fmt.Errorf("output folder %s: %w", o.Out, err)
	}
	d := regdata.Dir{Root: o.Data}
	bl, err := d.ReadBlacklist()
	if err != nil {
		return Summary{}, err
	}
	entries, err := listEntries(ctx, d, log)
	if err != nil {
		return Summary{}, err
	}
	log.Debug("listed the data folder", "entries", len(entries), "elapsed", time.Since(start))
	state, err := inspectOut(out)
	if err != nil {
		return Summary{}, err
	}
	if state == treeForeign {
		return Summary{}, fmt.Errorf("output folder %s exists and is not a regen build (no %s): refusing to replace it", out, manifest.Path)
	}
	b := &builder{gen: gen, data: d, log: log, jobs: jobs, bl: newBlacklistIndex(bl), keys: newKeyCache(o.Data), start: start, seed: maphash.MakeSeed(), spill: cmp.Or(o.spillAt, spillFiles)}
	b.prog = o.Progress
	if b.prog == nil {
		b.prog = nopProgress{}
	}
	b.prog.Start(len(entries))
	defer b.prog.Finish()
	if o.Archives != nil {
		b.arch = &archiveState{store: modarchive.NewStore(cmp.Or(o.Archives.Dir, modarchive.DefaultDir(o.Data)))}
	}
	if o.Discovery {
		if b.disc, err = newDiscoveryState(ctx, o, gen, entries); err != nil {
			return Summary{}, err
		}
		defer b.disc.close()
	}

	var prev *previous
	if state == treeBuilt && !o.Full {
		prev, err = openPrevious(out)
		switch {
		case err != nil:
			log.Warn("previous manifest unreadable: rebuilding in full", "err", err)
			prev = nil
		case prev.header.Format != manifest.Format:
			log.Info("previous manifest has another format: rebuilding in full", "format", prev.header.Format)
			prev.Close()
			prev = nil
		case prev.header.Options != b.optionsDigest():
			log.Info("build options or generator version changed: rebuilding in full")
			prev.Close()
			prev = nil
		case b.disc != nil && b.disc.loadSaved(out) != nil:
			log.Info("saved discovery state missing or from another version: rebuilding in full", "path", filepath.Join(out, filepath.FromSlash(discovery.SavedPath)))
			prev.Close()
			prev = nil
		case !prev.indexed:
			log.Info("side index missing or stale: scanned the previous manifest", "index", IndexPath)
		}
	}
	var s Summary
	if prev == nil {
		log.Info("building in full", "entries", len(entries), "out", out)
		s, err = b.runFull(ctx, entries, out, state)
	} else {
		defer prev.Close()
		b.prev = prev
		log.Info("building incrementally", "entries", len(entries), "out", out)
		s, err = b.runIncremental(ctx, entries, out)
	}
	if err == nil {
		// The edge worker (served by nothing, deployed by the operator)
		// follows the generator version it was built with.
		access := o.Access
		if access == "" {
			access = edgeworker.Public
		}
		if _, err = genworker.Write(out, access); err != nil {
			err = fmt.Errorf("writing the edge worker: %w", err)
		}
	}
	s.Duration = time.Since(start)
	return s, err
}

// optionsDigest is the manifest header's Options: the generator's digest,
// tagged when the discovery API is built.
func (b *builder) optionsDigest() string {
	d := b.gen.Digest()
	if b.disc != nil {
		d += discoveryOptionsTag
	}
	if b.arch != nil {
		d += archiveOptionsTag
	}
	return d
}

// runFull writes every entry into <out>.staging-* and swaps it in.
func (b *builder) runFull(ctx context.Context, entries []entry, out string, state treeState) (Summary, error) {
	b.full = true
	for _, pattern := range []string{".staging-*", ".old-*"} {
		left, _ := filepath.Glob(out + pattern)
		for _, l := range left {
			b.log.Warn("a folder left by an interrupted build: remove it when no build is running", "path", l)
		}
	}
	stage, err := os.MkdirTemp(filepath.Dir(out), filepath.Base(out)+".staging-")
	if err != nil {
		return Summary{}, fmt.Errorf("creating a staging folder next to %s: %w", out, err)
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(stage)
		}
	}()
	if err := os.Chmod(stage, 0o755); err != nil {
		return Summary{}, err
	}
	if err := os.Mkdir(filepath.Join(stage, regenDir), 0o755); err != nil {
		return Summary{}, err
	}
	b.root, b.tmp = stage, filepath.Join(stage, regenDir)
	mf, err := os.Create(filepath.Join(stage, filepath.FromSlash(manifest.Path)))
	if err != nil {
		return Summary{}, fmt.Errorf("writing the manifest: %w", err)
	}
	body, err := os.CreateTemp(filepath.Join(stage, regenDir), "inputs.body-")
	if err != nil {
		mf.Close()
		return Summary{}, fmt.Errorf("writing the side index: %w", err)
	}
	defer func() { body.Close(); os.Remove(body.Name()) }()
	res, err := b.pipeline(ctx, entries, nil, mf, body)
	if cerr := mf.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("writing the manifest: %w", cerr)
	}
	if err != nil {
		return Summary{}, err
	}
	if len(res.errs) > 0 {
		return Summary{}, errors.Join(res.errs...)
	}
	if err := writeIndex(filepath.Join(stage, filepath.FromSlash(IndexPath)), mf.Name(), body); err != nil {
		return Summary{}, err
	}
	body.Close()
	if err := os.Remove(body.Name()); err != nil {
		return Summary{}, err
	}
	if b.disc != nil {
		if err := b.disc.writeSaved(stage); err != nil {
			return Summary{}, err
		}
	}
	if err := swapIn(stage, out, state); err != nil {
		return Summary{}, err
	}
	done = true
	res.Full = true
	return res.Summary, nil
}

// runIncremental regenerates changed entries into <out>/.regen/staging-*
// and commits them (see commit).
func (b *builder) runIncremental(ctx context.Context, entries []entry, out string) (Summary, error) {
	dirty, err := readDirty(out)
	if err != nil {
		return Summary{}, err
	}
	if len(dirty) > 0 {
		b.log.Warn("a previous build stopped while moving files into place: rewriting its entries", "entries", len(dirty))
	}
	b.dirty = dirty
	regen := filepath.Join(out, regenDir)
	removeLeftovers(regen, b.log)
	stage, err := os.MkdirTemp(regen, "staging-")
	if err != nil {
		return Summary{}, fmt.Errorf("creating a staging folder in %s: %w", regen, err)
	}
	defer os.RemoveAll(stage)
	b.root, b.tmp = stage, stage
	mf, err := os.CreateTemp(regen, "manifest.ndjson.tmp-")
	if err != nil {
		return Summary{}, fmt.Errorf("writing the manifest: %w", err)
	}
	index := mf.Name() + ".index"
	committed := false
	defer func() {
		if !committed {
			os.Remove(mf.Name())
			os.Remove(index)
		}
	}()
	body, err := os.CreateTemp(stage, "inputs.body-")
	if err != nil {
		return Summary{}, fmt.Errorf("writing the side index: %w", err)
	}
	defer body.Close()
	res, err := b.pipeline(ctx, entries, b.prev, mf, body)
	b.log.Debug("generated", "elapsed", time.Since(b.start))
	if err == nil {
		err = mf.Sync()
		b.log.Debug("synced the manifest", "elapsed", time.Since(b.start))
	}
	if cerr := mf.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return Summary{}, err
	}
	if len(res.errs) > 0 {
		return Summary{}, errors.Join(res.errs...)
	}
	if err := os.Chmod(mf.Name(), 0o644); err != nil {
		return Summary{}, err
	}
	if err := writeIndex(index, mf.Name(), body); err != nil {
		return Summary{}, err
	}
	if b.disc != nil {
		// Before the commit: a saved state newer than the manifest only
		// holds summaries of entries the next build regenerates anyway.
		if err := b.disc.writeSaved(out); err != nil {
			return Summary{}, err
		}
	}
	if err := commit(out, stage, mf.Name(), index, res.staged, res.deletes, res.dirty); err != nil {
		return Summary{}, err
	}
	committed = true
	return res.Summary, nil
}

// removeLeftovers deletes what an interrupted rebuild left in the tree's
// private folder (staging areas, unfinished manifests); the dirty list
// takes care of the tree itself.
func removeLeftovers(regen string, log *slog.Logger) {
	entries, err := os.ReadDir(regen)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "staging-") || strings.HasPrefix(e.Name(), "manifest.ndjson.tmp-") {
			log.Info("removing what an interrupted build left", "path", filepath.Join(regen, e.Name()))
			os.RemoveAll(filepath.Join(regen, e.Name()))
		}
	}
}
