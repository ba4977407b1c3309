package pipeline

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/regdata/events"
)

// PackOptions configure Pack.
type PackOptions struct {
	// Data is the data folder, inside a git work tree whose HEAD is the
	// commit the shard's ingest started from.
	Data string
	// Shard is the shard the working copy ingested (default: the one
	// recorded by `regen ingest --shard`).
	Shard string
	// Docs is the module docs store ("" or missing: no docs are packed).
	Docs string
	// DocsSince selects the docs store files written at or after it
	// (default: the start recorded by `regen ingest --shard`).
	DocsSince time.Time
	// Archives is archive mode's module package store ("" or missing: no
	// packages are packed).
	Archives string
	// ArchivesSince selects the archive store files written at or after
	// it (default: the start recorded by `regen ingest --shard`).
	ArchivesSince time.Time
	// MaxArchiveBytes bounds the packages packed (default
	// DefaultMaxArchiveBytes); see PackResult.ArchivesLeft.
	MaxArchiveBytes int64
	// Out is the pack file to write.
	Out string
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// PackResult says what a pack holds.
type PackResult struct {
	Out    string `json:"out"`
	Shard  string `json:"shard"`
	Base   string `json:"base"`
	Files  int    `json:"files"`
	Events int    `json:"events"`
	Docs   int    `json:"docs"`
	// Archives counts the archive store files packed (indexes and
	// packages).
	Archives int `json:"archives"`
	// ArchivesLeft are the module indexes (and their packages) left out
	// to keep the pack within MaxArchiveBytes: the publish job's build
	// packages those versions again.
	ArchivesLeft []string `json:"archives_left,omitempty"`
	Bytes        int64    `json:"bytes"`
}

// Pack writes the changes a sharded ingest made to a working copy into
// one file: the shard's changed and deleted data files (compared with the
// git HEAD), the events appended to the change log, and the docs and
// archive store files the run wrote. It fails when the working copy changed anything
// outside the shard or rewrote (rather than appended to) the change log,
// so two shards' packs can never write the same file.
func Pack(ctx context.Context, o PackOptions) (*PackResult, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxArchiveBytes <= 0 {
		o.MaxArchiveBytes = DefaultMaxArchiveBytes
	}
	if o.Shard == "" || o.DocsSince.IsZero() || o.Archives != "" && o.ArchivesSince.IsZero() {
		m, err := ReadRunMark(o.Data)
		if err != nil {
			return nil, err
		}
		if o.Shard == "" {
			o.Shard = m.Shard
		}
		if o.DocsSince.IsZero() {
			o.DocsSince = m.Started
		}
		if o.ArchivesSince.IsZero() {
			o.ArchivesSince = m.Started
		}
	}
	sh, err := regdata.ParseShard(o.Shard)
	if err != nil {
		return nil, err
	}
	top, rel, err := repoPaths(ctx, o.Data)
	if err != nil {
		return nil, err
	}
	baseOut, err := gitCmd(ctx, top, nil, "rev-parse", "--verify", "HEAD")
	if err != nil {
		return nil, err
	}
	m := &Manifest{Format: packFormat, Shard: sh.String(), Base: strings.TrimSpace(string(baseOut)), Created: o.Now().UTC()}

	changed, err := changedFiles(ctx, top, rel)
	if err != nil {
		return nil, err
	}
	inRepo := func(p string) string { return path.Join(rel, p) }
	var basePaths []string
	for _, p := range changed {
		basePaths = append(basePaths, inRepo(p))
	}
	bases, err := catFiles(ctx, top, basePaths)
	if err != nil {
		return nil, err
	}
	contents := map[string][]byte{}
	for _, p := range changed {
		base, hadBase := bases[inRepo(p)]
		cur, err := os.ReadFile(filepath.Join(o.Data, filepath.FromSlash(p)))
		deleted := errors.Is(err, fs.ErrNotExist)
		if err != nil && !deleted {
			return nil, fmt.Errorf("reading %s: %w", p, err)
		}
		if isEventLog(p) {
			evs, err := appendedEvents(p, base, cur)
			if err != nil {
				return nil, err
			}
			m.Events = append(m.Events, evs...)
			continue
		}
		if !sh.HasPath(p) {
			return nil, fmt.Errorf("%s changed outside shard %s (only regen ingest --shard %s may change this working copy)", p, sh, sh)
		}
		fc := FileChange{Path: p, Delete: deleted}
		if hadBase {
			fc.Base = sum(base)
		}
		if !deleted {
			fc.SHA256 = sum(cur)
			contents[p] = cur
		}
		m.Files = append(m.Files, fc)
	}
	for _, e := range m.Events {
		if !sh.HasNamespace(e.Namespace) {
			return nil, fmt.Errorf("event %s for %s is outside shard %s", e.Type, e.Addr(), sh)
		}
	}
	if o.Docs != "" {
		m.Docs, err = recentFiles(o.Docs, o.DocsSince)
		if err != nil {
			return nil, err
		}
		for _, d := range m.Docs {
			if err := checkDocsPath(d, sh); err != nil {
				return nil, fmt.Errorf("docs store %s: %w", o.Docs, err)
			}
		}
	}
	arch := &archiveSelection{}
	if o.Archives != "" {
		arch, err = selectArchives(o.Archives, o.ArchivesSince, sh, o.MaxArchiveBytes)
		if err != nil {
			return nil, err
		}
		m.Archives = arch.files
	}
	n, err := writePack(o, m, contents, arch.indexes)
	if err != nil {
		return nil, err
	}
	return &PackResult{Out: o.Out, Shard: m.Shard, Base: m.Base, Files: len(m.Files), Events: len(m.Events), Docs: len(m.Docs),
		Archives: len(m.Archives), ArchivesLeft: arch.left, Bytes: n}, nil
}

// changedFiles lists the files under the data folder (rel inside the work
// tree top) that differ from HEAD, untracked ones included, relative to
// the data folder. The ingest state (.regen/) is not data.
func changedFiles(ctx context.Context, top, rel string) ([]string, error) {
	out, err := gitCmd(ctx, top, nil, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", rel)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, rec := range strings.Split(string(out), "\x00") {
		if len(rec) < 4 {
			continue
		}
		p := rec[3:]
		if rel != "." {
			var ok bool
			p, ok = strings.CutPrefix(p, rel+"/")
			if !ok {
				continue
			}
		}
		if p == ".regen" || strings.HasPrefix(p, ".regen/") {
			continue
		}
		files = append(files, p)
	}
	slices.Sort(files)
	return slices.Compact(files), nil
}

// catFiles returns the content at HEAD of each path (relative to the
// work tree's top) that exists there, with one git cat-file process.
func catFiles(ctx context.Context, top string, paths []string) (map[string][]byte, error) {
	res := map[string][]byte{}
	if len(paths) == 0 {
		return res, nil
	}
	var in bytes.Buffer
	for _, p := range paths {
		fmt.Fprintf(&in, "HEAD:%s\n", p)
	}
	out, err := gitCmd(ctx, top, in.Bytes(), "cat-file", "--batch")
	if err != nil {
		return nil, err
	}
	r := bufio.NewReader(bytes.NewReader(out))
	for _, p := range paths {
		head, err := r.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("git cat-file: short output at %s", p)
		}
		f := strings.Fields(head)
		if len(f) == 3 && f[1] == "blob" {
			n, err := strconv.Atoi(f[2])
			if err != nil {
				return nil, fmt.Errorf("git cat-file: %q", head)
			}
			b := make([]byte, n+1)
			if _, err := io.ReadFull(r, b); err != nil {
				return nil, fmt.Errorf("git cat-file: %s: %w", p, err)
			}
			res[p] = b[:n]
			continue
		}
		if len(f) == 3 { // a tree or another object: discard it
			n, _ := strconv.Atoi(f[2])
			if _, err := r.Discard(n + 1); err != nil {
				return nil, fmt.Errorf("git cat-file: %s: %w", p, err)
			}
		}
		// "<object> missing": not at HEAD
	}
	return res, nil
}

// isEventLog reports whether a data-folder path is a month of the change
// log.
func isEventLog(p string) bool {
	dir, file := path.Split(p)
	return dir == events.Folder+"/" && strings.HasSuffix(file, ".ndjson") && !strings.HasPrefix(file, ".")
}

// appendedEvents returns the events appended to a month's log since base.
func appendedEvents(p string, base, cur []byte) ([]events.Event, error) {
	if !bytes.HasPrefix(cur, base) {
		return nil, fmt.Errorf("%s was rewritten, not appended to: the change log is append-only", p)
	}
	evs, bad, err := events.ReadFrom(bytes.NewReader(cur[len(base):]), p)
	if err != nil {
		return nil, err
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("appended to %s: %w", p, bad[0])
	}
	return evs, nil
}

// recentFiles lists the files under dir modified at or after since
// (slash-separated, relative to dir), skipping temporary files (names
// starting with ".").
func recentFiles(dir string, since time.Time) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == dir {
			return fs.SkipAll
		}
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && p != dir {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if fi.ModTime().Before(since) {
			return nil
		}
		r, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		out = append(out, filepath.ToSlash(r))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", dir, err)
	}
	slices.Sort(out)
	return out, nil
}

// writePack writes the pack atomically and returns its size. contents are
// the data files' bytes, indexes the archive store's index files'.
func writePack(o PackOptions, m *Manifest, contents, indexes map[string][]byte) (int64, error) {
	dir := filepath.Dir(o.Out)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("creating %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(o.Out)+".tmp-*")
	if err != nil {
		return 0, fmt.Errorf("writing %s: %w", o.Out, err)
	}
	defer os.Remove(f.Name())
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	add := func(name string, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: m.Created, Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return 0, err
	}
	err = add(manifestName, mb)
	for _, fc := range m.Files {
		if err == nil && !fc.Delete {
			err = add(dataPrefix+fc.Path, contents[fc.Path])
		}
	}
	for _, d := range m.Docs {
		if err != nil {
			break
		}
		var b []byte
		b, err = os.ReadFile(filepath.Join(o.Docs, filepath.FromSlash(d)))
		if err == nil {
			err = add(docsPrefix+d, b)
		}
	}
	for _, a := range m.Archives {
		if err != nil {
			break
		}
		if b, ok := indexes[a]; ok {
			err = add(archivesPrefix+a, b)
			continue
		}
		err = addFile(tw, archivesPrefix+a, filepath.Join(o.Archives, filepath.FromSlash(a)), m.Created)
	}
	if err == nil {
		err = tw.Close()
	}
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("writing %s: %w", o.Out, err)
	}
	fi, err := os.Stat(f.Name())
	if err != nil {
		return 0, err
	}
	if err := os.Rename(f.Name(), o.Out); err != nil {
		return 0, fmt.Errorf("writing %s: %w", o.Out, err)
	}
	return fi.Size(), nil
}

// addFile streams the file src into the pack as name (module packages are
// too large to hold several in memory).
func addFile(tw *tar.Writer, name, src string, mtime time.Time) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: fi.Size(), ModTime: mtime, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	if _, err := io.Copy(tw, io.LimitReader(f, fi.Size())); err != nil {
		return fmt.Errorf("packing %s: %w", src, err)
	}
	return nil
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
