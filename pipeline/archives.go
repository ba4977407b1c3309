package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/regen-registry/regen/modarchive"
	"github.com/regen-registry/regen/regdata"
)

// This file carries archive mode's module package store (package
// modarchive) in packs, as the docs store is carried: a shard's ingest
// packages its new module versions, and the publish job's build then finds
// them in its own store instead of fetching them from git again.

// DefaultMaxArchiveBytes bounds the module packages one pack carries. A
// shard's ingest right after archive mode is turned on packages every
// version of its modules; what does not fit is left to the publish job's
// build, which fetches it as it would without packs.
const DefaultMaxArchiveBytes = 1 << 30

// archiveSelection is what a pack carries of the archive store.
type archiveSelection struct {
	// files are the store's files, slash-separated and relative to it:
	// index files and the packages they name.
	files []string
	// indexes are the index files' bytes, read once: what was checked is
	// what is packed.
	indexes map[string][]byte
	// left are the index files of modules left out for the bound.
	left []string
	// bytes is the packages' total size.
	bytes int64
}

// selectArchives picks the archive store files the shard's ingest wrote
// (modified at or after since), module by module: an index file with the
// packages of its entries written since. A module whose packages would
// take the selection past maxBytes (or that has a package too large for a
// pack) is left out whole: its versions stay missing from the publish
// job's store, whose build fetches them. Packages no new index entry names
// and the store's temporary files are never carried.
func selectArchives(dir string, since time.Time, sh regdata.Shard, maxBytes int64) (*archiveSelection, error) {
	sel := &archiveSelection{indexes: map[string][]byte{}}
	idx, err := recentFiles(filepath.Join(dir, "index"), since)
	if err != nil {
		return nil, err
	}
	objs, err := recentFiles(filepath.Join(dir, "objects"), since)
	if err != nil {
		return nil, err
	}
	recent := map[string]bool{}
	for _, o := range objs {
		recent[path.Join("objects", o)] = true
	}
	taken := map[string]bool{}
	for _, i := range idx {
		p := path.Join("index", i)
		if err := checkArchivePath(p, sh); err != nil {
			return nil, fmt.Errorf("archive store %s: %w", dir, err)
		}
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			return nil, fmt.Errorf("archive store: %w", err)
		}
		entries, err := modarchive.ParseIndex(data)
		if err != nil {
			return nil, fmt.Errorf("archive store %s: %s: %w", dir, p, err)
		}
		var pkgs []string
		var size int64
		fits := true
		for _, e := range entries {
			if e.SHA256 == "" {
				continue
			}
			o := modarchive.ObjectPath(e.SHA256)
			if !recent[o] || taken[o] || slices.Contains(pkgs, o) {
				continue
			}
			fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(o)))
			if err != nil {
				return nil, fmt.Errorf("archive store: %w", err)
			}
			fits = fits && fi.Size() <= maxPackFile
			pkgs = append(pkgs, o)
			size += fi.Size()
		}
		if !fits || sel.bytes+size > maxBytes {
			sel.left = append(sel.left, p)
			continue
		}
		for _, o := range pkgs {
			taken[o] = true
		}
		sel.bytes += size
		sel.indexes[p] = data
		sel.files = append(sel.files, p)
		sel.files = append(sel.files, pkgs...)
	}
	slices.Sort(sel.files)
	return sel, nil
}

// checkArchivePath accepts the archive store files a shard may write:
// packages (named by their sha256, so shards writing the same one agree)
// and the indexes of its own modules.
func checkArchivePath(p string, sh regdata.Shard) error {
	if !cleanRel(p) {
		return fmt.Errorf("archive file %q: not a clean relative path", p)
	}
	parts := strings.Split(p, "/")
	switch {
	case parts[0] == "objects" && len(parts) == 3:
		if h, ok := strings.CutSuffix(parts[2], ".tar.gz"); ok && modarchive.ValidSHA256(h) && modarchive.ObjectPath(h) == p {
			return nil
		}
	case parts[0] == "index" && len(parts) == 4 && sh.HasNamespace(parts[1]):
		if _, err := indexAddr(p); err == nil {
			return nil
		}
	}
	return fmt.Errorf("archive file %q is not a package or an index of shard %s", p, sh)
}

// indexAddr returns the module whose index file is at p
// (index/<ns>/<name>/<system>.json, lower-case).
func indexAddr(p string) (regdata.ModuleAddr, error) {
	parts := strings.Split(p, "/")
	if len(parts) != 4 || parts[0] != "index" {
		return regdata.ModuleAddr{}, fmt.Errorf("%q is not an index file", p)
	}
	addr := regdata.ModuleAddr{Namespace: parts[1], Name: parts[2], System: strings.TrimSuffix(parts[3], ".json")}
	if want, err := modarchive.IndexPath(addr); err != nil || want != p {
		return regdata.ModuleAddr{}, fmt.Errorf("%q is not an index file", p)
	}
	return addr, nil
}

// objectHash returns the sha256 a package path names ("" for an index).
func objectHash(p string) string {
	if !strings.HasPrefix(p, "objects/") {
		return ""
	}
	return strings.TrimSuffix(path.Base(p), ".tar.gz")
}

// checkArchiveEntry checks a pack's archive store file before anything is
// written: a package must match the sha256 it is named by, an index must
// parse with valid entries. Other names are left to Manifest.check, which
// refuses them.
func checkArchiveEntry(name string, data []byte) error {
	p, ok := strings.CutPrefix(name, archivesPrefix)
	if !ok || !cleanRel(p) {
		return nil
	}
	if h := objectHash(p); h != "" {
		if sum(data) != h {
			return fmt.Errorf("%s: content does not match its sha256 (a damaged module package)", name)
		}
		return nil
	}
	if _, err := indexAddr(p); err != nil {
		return nil
	}
	if _, err := modarchive.ParseIndex(data); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// archiveApplier writes the packs' archive store files into a store:
// packages as they are read, index files merged once every pack's
// packages are in (an entry is merged only when its package is there).
type archiveApplier struct {
	store   *modarchive.Store
	log     *slog.Logger
	pending []pendingIndex
}

// pendingIndex is an index file read from a pack, to be merged.
type pendingIndex struct {
	pack    string
	addr    regdata.ModuleAddr
	entries map[string]modarchive.Entry
}

// add takes one archive store file of a pack.
func (a *archiveApplier) add(ctx context.Context, pack, p string, data []byte) error {
	if h := objectHash(p); h != "" {
		return a.store.PutObject(ctx, h, data)
	}
	addr, err := indexAddr(p)
	if err != nil {
		return err
	}
	entries, err := modarchive.ParseIndex(data)
	if err != nil {
		return fmt.Errorf("%s%s: %w", archivesPrefix, p, err)
	}
	a.pending = append(a.pending, pendingIndex{pack: pack, addr: addr, entries: entries})
	return nil
}

// mergeIndexes merges the index files read, in the order of the packs.
func (a *archiveApplier) mergeIndexes(ctx context.Context) error {
	for _, pi := range a.pending {
		left, err := a.store.Merge(ctx, pi.addr, pi.entries)
		if err != nil {
			return fmt.Errorf("applying pack %s: %w", pi.pack, err)
		}
		if len(left) > 0 {
			a.log.Warn("module versions whose package the pack lacks and the archive store does not hold; the build packages them again",
				"module", pi.addr.String(), "versions", strings.Join(left, " "), "pack", pi.pack)
		}
	}
	a.pending = nil
	return nil
}
