package pipeline

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/regen-registry/regen/modarchive"
	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/regdata/events"
)

// Bounds on what Apply reads from a pack (packs travel as CI artifacts).
const (
	maxManifest = 64 << 20
	maxPackFile = 256 << 20
)

// ApplyOptions configure Apply.
type ApplyOptions struct {
	// Data is the data folder to apply the packs to.
	Data string
	// Docs is the module docs store the packs' docs go to ("": docs are
	// not applied).
	Docs string
	// Archives is archive mode's module package store the packs' packages
	// go to ("": they are not applied).
	Archives string
	// Packs are the pack files, one per shard.
	Packs []string
	// Logger receives conflicts (default: discard).
	Logger *slog.Logger
}

// ApplyResult says what Apply did.
type ApplyResult struct {
	Packs []AppliedPack `json:"packs"`
}

// AppliedPack is what one pack changed.
type AppliedPack struct {
	Pack   string `json:"pack"`
	Shard  string `json:"shard"`
	Files  int    `json:"files"`
	Events int    `json:"events"`
	Docs   int    `json:"docs"`
	// Archives counts the archive store files applied (packages and
	// module indexes).
	Archives int `json:"archives"`
	// Stale lists data files skipped because they changed since the
	// shard's base commit (a merged pull request, say); the next ingest
	// of the shard redoes their changes.
	Stale []string `json:"stale,omitempty"`
}

// Apply applies every pack to the data folder: the shards' data files,
// then their events merged into the change log in time order, then the
// docs, and the module packages of archive mode (indexes merged once every
// pack's packages are in). It refuses, before writing anything, packs
// whose shards overlap, packs that write outside their shard or a store,
// and damaged packs (a module package must match its sha256). A data file
// changed since the shard's base is not overwritten (see
// AppliedPack.Stale), and neither are the events of its entry.
func Apply(ctx context.Context, o ApplyOptions) (*ApplyResult, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	type loaded struct {
		name  string
		man   *Manifest
		shard regdata.Shard
	}
	var packs []loaded
	for _, p := range o.Packs {
		m, err := readPack(p, checkArchiveEntry)
		if err != nil {
			return nil, err
		}
		sh, err := m.check(p)
		if err != nil {
			return nil, err
		}
		for _, q := range packs {
			if ov := sh.Overlaps(q.shard); len(ov) > 0 {
				return nil, fmt.Errorf("packs %s (shard %s) and %s (shard %s) overlap on %s: shards must be disjoint",
					q.name, q.man.Shard, p, m.Shard, strings.Join(ov, " "))
			}
		}
		packs = append(packs, loaded{name: p, man: m, shard: sh})
	}
	res := &ApplyResult{}
	var evs []events.Event
	var arch *archiveApplier
	if o.Archives != "" {
		arch = &archiveApplier{store: modarchive.NewStore(o.Archives), log: o.Logger}
	}
	for _, lp := range packs {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		ap := AppliedPack{Pack: lp.name, Shard: lp.man.Shard}
		write := map[string]FileChange{}
		staleEntry := map[string]bool{}
		for _, fc := range lp.man.Files {
			cur, err := os.ReadFile(filepath.Join(o.Data, filepath.FromSlash(fc.Path)))
			curSum := ""
			switch {
			case err == nil:
				curSum = sum(cur)
			case !errors.Is(err, fs.ErrNotExist):
				return res, fmt.Errorf("reading %s: %w", fc.Path, err)
			}
			if curSum != fc.Base {
				ap.Stale = append(ap.Stale, fc.Path)
				staleEntry[fc.Path] = true
				o.Logger.Warn("data file changed since the shard's base; its changes wait for the next ingest", "file", fc.Path, "pack", lp.name)
				continue
			}
			write[fc.Path] = fc
		}
		for _, fc := range write {
			if fc.Delete {
				if err := os.Remove(filepath.Join(o.Data, filepath.FromSlash(fc.Path))); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return res, fmt.Errorf("removing %s: %w", fc.Path, err)
				}
				ap.Files++
			}
		}
		docs := map[string]bool{}
		for _, d := range lp.man.Docs {
			docs[d] = true
		}
		_, err := readPack(lp.name, func(name string, data []byte) error {
			if p, ok := strings.CutPrefix(name, dataPrefix); ok {
				fc, ok := write[p]
				if !ok || fc.Delete {
					return nil
				}
				if sum(data) != fc.SHA256 {
					return fmt.Errorf("%s: content does not match its sha256", name)
				}
				ap.Files++
				return regdata.WriteFileAtomic(filepath.Join(o.Data, filepath.FromSlash(p)), data, 0o644)
			}
			if p, ok := strings.CutPrefix(name, docsPrefix); ok && o.Docs != "" && docs[p] {
				ap.Docs++
				dst := filepath.Join(o.Docs, filepath.FromSlash(p))
				if strings.HasPrefix(p, "objects/") {
					if _, err := os.Stat(dst); err == nil {
						return nil // content-addressed: already there
					}
				}
				return regdata.WriteFileAtomic(dst, data, 0o644)
			}
			if p, ok := strings.CutPrefix(name, archivesPrefix); ok && arch != nil {
				ap.Archives++
				return arch.add(ctx, lp.name, p, data)
			}
			return nil
		})
		if err != nil {
			return res, err
		}
		for _, e := range lp.man.Events {
			if staleEntry[eventFile(e)] {
				continue
			}
			evs = append(evs, e)
			ap.Events++
		}
		res.Packs = append(res.Packs, ap)
	}
	if arch != nil {
		if err := arch.mergeIndexes(ctx); err != nil {
			return res, err
		}
	}
	// Events after the data they describe, as every writer of the log.
	slices.SortStableFunc(evs, func(a, b events.Event) int { return a.Time.Compare(b.Time) })
	if err := events.New(o.Data).Append(ctx, evs...); err != nil {
		return res, err
	}
	return res, nil
}

// eventFile returns the data file an event's entry lives in.
func eventFile(e events.Event) string {
	if e.Type.IsModule() {
		return regdata.ModuleFilePath(regdata.ModuleAddr{Namespace: e.Namespace, Name: e.Name, System: e.Target})
	}
	return regdata.ProviderFilePath(regdata.ProviderAddr{Namespace: e.Namespace, Type: e.Name})
}

// readPack reads a pack's manifest (its first entry) and, when visit is
// set, hands it every other entry in order. Without visit it still reads
// the whole pack and checks it is complete, so a damaged or truncated
// pack is refused before anything is written.
func readPack(name string, visit func(name string, data []byte) error) (*Manifest, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("opening pack: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("reading pack %s: %w", name, err)
	}
	tr := tar.NewReader(zr)
	var m *Manifest
	want := map[string]bool{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading pack %s: %w", name, err)
		}
		limit := int64(maxPackFile)
		if m == nil {
			limit = maxManifest
		}
		if h.Typeflag != tar.TypeReg || h.Size > limit {
			return nil, fmt.Errorf("reading pack %s: entry %q is not a regular file of at most %d bytes", name, h.Name, limit)
		}
		data, err := io.ReadAll(io.LimitReader(tr, limit))
		if err != nil {
			return nil, fmt.Errorf("reading pack %s: %w", name, err)
		}
		if m == nil {
			if h.Name != manifestName {
				return nil, fmt.Errorf("reading pack %s: first entry is %q, not %s", name, h.Name, manifestName)
			}
			m = &Manifest{}
			if err := json.Unmarshal(data, m); err != nil {
				return nil, fmt.Errorf("reading pack %s: %s: %w", name, manifestName, err)
			}
			for _, fc := range m.Files {
				if !fc.Delete {
					want[dataPrefix+fc.Path] = true
				}
			}
			for _, d := range m.Docs {
				want[docsPrefix+d] = true
			}
			for _, a := range m.Archives {
				want[archivesPrefix+a] = true
			}
			continue
		}
		if !want[h.Name] {
			return nil, fmt.Errorf("reading pack %s: entry %q is not in its manifest", name, h.Name)
		}
		delete(want, h.Name)
		if visit != nil {
			if err := visit(h.Name, data); err != nil {
				return nil, fmt.Errorf("applying pack %s: %w", name, err)
			}
		}
	}
	if m == nil {
		return nil, fmt.Errorf("reading pack %s: empty", name)
	}
	if len(want) > 0 {
		return nil, fmt.Errorf("reading pack %s: %d files of its manifest are missing (truncated?)", name, len(want))
	}
	return m, nil
}
