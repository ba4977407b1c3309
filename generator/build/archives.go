package build

import (
	"cmp"
	"context"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/regen-registry/regen/generator"
	"github.com/regen-registry/regen/modarchive"
	"github.com/regen-registry/regen/modsource"
	"github.com/regen-registry/regen/regdata"
)

// archiveOptionsTag is added to the manifest's options digest in archive
// mode, so that turning it on or off rebuilds in full.
const archiveOptionsTag = "+archives/1"

// ArchiveOptions turn on archive mode: published module versions download
// a package served by the registry (package modarchive) instead of git.
type ArchiveOptions struct {
	// Dir is the archive store (default modarchive.DefaultDir(Data)).
	Dir string
	// Fill fetches, before building, the versions the store does not list
	// yet, from their git repositories (Generator.GitHubURL decides where
	// default repositories are). Without it the build reads only the store.
	Fill bool
	// Source and Pack bound each fetch and package.
	Source modsource.Limits
	Pack   modarchive.PackLimits
	// Jobs bounds the modules filled at once (default 4).
	Jobs int
}

// archiveState is the build's side of archive mode.
type archiveState struct {
	store *modarchive.Store
}

// moduleInput reads a module's archive index: the packages its versions
// download, and a line for the entry's Input that changes with them.
func (a *archiveState) moduleInput(ctx context.Context, addr regdata.ModuleAddr) (map[string]modarchive.Entry, string, error) {
	idx, digest, err := a.store.Index(ctx, addr)
	if err != nil {
		return nil, "", fmt.Errorf("the archive store: %w", err)
	}
	return idx, "archives " + digest + "\n", nil
}

// packages returns the package lookup of one module for the generator.
func (a *archiveState) packages(idx map[string]modarchive.Entry) func(regdata.ModuleVersion) (generator.ModulePackage, bool) {
	return func(v regdata.ModuleVersion) (generator.ModulePackage, bool) {
		e, ok := idx[v.Version]
		if !ok || e.SHA256 == "" || (v.Commit != "" && e.Commit != v.Commit) {
			return generator.ModulePackage{}, false
		}
		var p generator.ModulePackage
		if _, err := hex.Decode(p.SHA256[:], []byte(e.SHA256)); err != nil {
			return generator.ModulePackage{}, false
		}
		p.Size, p.Src = e.Size, a.store.Object(e.SHA256)
		return p, true
	}
}

// FillReport counts what filling the archive store did.
type FillReport struct {
	Packaged int `json:"packaged"` // versions packaged this run
	Refused  int `json:"refused"`  // versions recorded without a package (gone, over the limits)
	Failed   int `json:"failed"`   // versions not packaged this run (retried next run)
}

// FillArchives packages the published module versions the archive store
// does not list yet. Problems are warnings: a version without a package
// keeps its git download.
func FillArchives(ctx context.Context, o Options) (FillReport, error) {
	var rep FillReport
	if o.Archives == nil {
		return rep, nil
	}
	gen, err := o.Generator.Normalize()
	if err != nil {
		return rep, err
	}
	log := cmp.Or(o.Logger, slog.New(slog.DiscardHandler))
	d := regdata.Dir{Root: o.Data}
	bl, err := d.ReadBlacklist()
	if err != nil {
		return rep, err
	}
	mods, _, err := d.Modules()
	if err != nil {
		return rep, err
	}
	store := modarchive.NewStore(cmp.Or(o.Archives.Dir, modarchive.DefaultDir(o.Data)))
	f := &modarchive.Filler{Store: store, Source: o.Archives.Source, Pack: o.Archives.Pack, Jobs: 1}
	var packaged, refused, failed atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, cmp.Or(o.Archives.Jobs, 4)))
	for _, addr := range mods {
		g.Go(func() error {
			mf, err := d.ReadModule(addr)
			if err != nil {
				log.Warn("module not packaged", "module", addr.String(), "err", err)
				return nil
			}
			pub, _ := regdata.PublishedModuleVersions(addr, mf, newBlacklistIndex(bl).module(addr))
			versions := make([]regdata.ModuleVersion, 0, len(pub))
			for _, p := range pub {
				versions = append(versions, p.Entry)
			}
			idx, _, err := store.Index(gctx, addr)
			if err != nil {
				return err
			}
			if len(modarchive.Missing(idx, versions)) == 0 {
				return nil
			}
			url, ok := gitURL(generator.ModuleRepository(addr, mf.Repository, gen))
			if !ok {
				log.Warn("module not packaged: its repository address is not a plain git URL", "module", addr.String(), "repository", mf.Repository)
				return nil
			}
			res, err := f.Fill(gctx, addr, url, versions)
			if err != nil {
				return err
			}
			for _, r := range res {
				switch {
				case r.Err != nil:
					failed.Add(1)
					log.Warn("module version not packaged this run (retried next run); it keeps its git download", "module", addr.String(), "version", r.Version, "err", r.Err)
				case r.Entry.Error != "":
					refused.Add(1)
					log.Warn("module version refused for archive mode; it keeps its git download", "module", addr.String(), "version", r.Version, "reason", r.Entry.Error)
				default:
					packaged.Add(1)
					log.Debug("module version packaged", "module", addr.String(), "version", r.Version, "sha256", r.Entry.SHA256, "bytes", r.Entry.Size)
				}
			}
			return nil
		})
	}
	err = g.Wait()
	rep = FillReport{Packaged: int(packaged.Load()), Refused: int(refused.Load()), Failed: int(failed.Load())}
	// Leftovers of interrupted fills.
	if tmp := filepath.Join(store.Dir(), "tmp"); err == nil {
		_ = os.RemoveAll(tmp)
	}
	return rep, err
}

// gitURL turns a module repository address into a URL go-git can fetch:
// a "git::" prefix is dropped; a query or a subdirectory (//sub) cannot be
// packaged as a whole repository.
func gitURL(repo string) (string, bool) {
	repo = strings.TrimPrefix(repo, "git::")
	scheme, rest, ok := strings.Cut(repo, "://")
	if !ok || scheme == "" || strings.ContainsAny(rest, "?#") || strings.Contains(rest, "//") {
		return "", false
	}
	return repo, true
}
