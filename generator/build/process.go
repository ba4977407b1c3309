package build

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/regen-registry/regen/generator"
	"github.com/regen-registry/regen/manifest"
	"github.com/regen-registry/regen/regdata"
)

// sinkError marks a failure to write output, as opposed to bad data.
type sinkError struct{ err error }

func (e *sinkError) Error() string { return e.err.Error() }
func (e *sinkError) Unwrap() error { return e.err }

// process generates one entry, or keeps its previous manifest line when
// its Input is unchanged. Bad data is recorded in j.dataErr (the build
// goes on to find more); a failure to write is returned.
func (b *builder) process(ctx context.Context, j *job) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if j.e.kind == kindGlobal {
		j.input = globalInput
		em, err := b.newEmitter(j)
		if err != nil {
			return err
		}
		err = em.put(generator.Discovery(b.gen))
		if err == nil && b.disc != nil {
			b.disc.pending.Wait()
			if !b.generating() {
				return nil
			}
			err = b.disc.global(em)
		}
		return b.finish(j, em, err)
	}

	var kf []*keyFile
	var bl *regdata.Blacklist
	if j.e.kind == kindProvider {
		var err error
		if kf, err = b.keys.provider(j.e.prov()); err != nil {
			return b.bad(j, err)
		}
		bl = b.bl.provider(j.e.prov())
	} else {
		bl = b.bl.module(j.e.mod())
	}
	var discIn string // what the entry's discovery documents also depend on
	if b.disc != nil {
		var err error
		if j.e.kind == kindModule {
			discIn, err = b.disc.moduleInput(ctx, j.e.mod())
		} else {
			discIn = b.disc.providerInput(j.e.prov())
		}
		if err != nil {
			return b.bad(j, &regdata.FileError{Path: j.e.rel, Err: err})
		}
	}
	var pkgs func(regdata.ModuleVersion) (generator.ModulePackage, bool)
	if b.arch != nil && j.e.kind == kindModule {
		idx, in, err := b.arch.moduleInput(ctx, j.e.mod())
		if err != nil {
			return b.bad(j, &regdata.FileError{Path: j.e.rel, Err: err})
		}
		discIn += in
		pkgs = b.arch.packages(idx)
	}
	input := func(sum string) string {
		in := newInput(j.e.rel, sum)
		for _, k := range kf {
			in.key(k)
		}
		in.blacklist(bl)
		in.discovery(discIn)
		return in.String()
	}

	// Recognise an unchanged data file by its stat when the previous
	// build recorded one, else by its bytes.
	p := filepath.Join(b.data.Root, filepath.FromSlash(j.e.rel))
	var data []byte
	if o := j.old; o != nil && o.dataSum != "" && !b.dirty[j.e.key] {
		if fi, err := os.Lstat(p); err == nil && statOf(fi) == o.stat {
			j.stat, j.dataSum = o.stat, o.dataSum
		}
	}
	if j.dataSum == "" {
		var err error
		if data, j.dataSum, j.stat, err = readData(b.data, j.e.rel); err != nil {
			return b.bad(j, &regdata.FileError{Path: j.e.rel, Err: err})
		}
	}
	j.input = input(j.dataSum)
	if b.reusable(j) {
		b.trustStat(j)
		return nil
	}
	if data == nil {
		var err error
		if data, j.dataSum, j.stat, err = readData(b.data, j.e.rel); err != nil {
			return b.bad(j, &regdata.FileError{Path: j.e.rel, Err: err})
		}
		j.input = input(j.dataSum)
	}
	b.trustStat(j)

	var dropped []regdata.Dropped
	var gerr error
	if j.e.kind == kindProvider {
		pf, err := regdata.ParseProviderFile(data)
		if err != nil {
			return b.bad(j, b.parseError(j, err))
		}
		ks, err := keys(kf)
		if err != nil {
			return b.bad(j, err)
		}
		if !b.generating() {
			return nil
		}
		em, err := b.newEmitter(j)
		if err != nil {
			return err
		}
		dropped, gerr = generator.EachProviderFile(j.e.prov(), pf, ks, bl, b.gen, em.put)
		if gerr == nil && b.disc != nil {
			gerr = b.disc.provider(j.e.prov(), pf, bl, b.gen, em.put)
		}
		b.logDropped(j, dropped)
		return b.finish(j, em, gerr)
	}
	mf, err := regdata.ParseModuleFile(data)
	if err != nil {
		return b.bad(j, b.parseError(j, err))
	}
	if !b.generating() {
		return nil
	}
	em, err := b.newEmitter(j)
	if err != nil {
		return err
	}
	dropped, gerr = generator.EachModuleFileWithPackages(j.e.mod(), mf, bl, b.gen, pkgs, em.put)
	if gerr == nil && b.disc != nil {
		gerr = b.disc.module(ctx, j.e.mod(), mf, bl, b.gen, em.put)
	}
	b.logDropped(j, dropped)
	return b.finish(j, em, gerr)
}

// bad records a problem with the entry's data. Once one is seen the build
// will fail, so later entries are only checked, not generated (see
// generating).
func (b *builder) bad(j *job, err error) error {
	j.dataErr = err
	b.failed.Store(true)
	return nil
}

// generating reports whether entries are still generated: not after bad
// data was found, when the remaining entries are only parsed so that the
// build reports every unreadable file at once.
func (b *builder) generating() bool { return !b.failed.Load() }

// finish turns a generation's outcome into the job's manifest line,
// deletions and errors.
func (b *builder) finish(j *job, em *emitter, gerr error) error {
	defer em.files.close()
	if gerr != nil {
		var se *sinkError
		if errors.As(gerr, &se) {
			return se.err
		}
		return b.bad(j, &regdata.FileError{Path: j.e.rel, Err: gerr})
	}
	if j.old != nil {
		err := b.prev.eachFile(j.old, func(f manifest.File) error {
			if _, ok := em.seen[em.b.pathKey(f.Path)]; !ok {
				j.deletes = append(j.deletes, f.Path)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	slices.Sort(j.deletes)
	j.files = em.files.len()
	if !em.files.spilled() {
		line, err := em.files.line(j.e.key, j.input)
		if err != nil {
			return err
		}
		j.line = line
		b.held.add(int64(len(line)))
		return nil
	}
	f, err := os.CreateTemp(em.files.dir, "line-")
	if err != nil {
		return fmt.Errorf("writing a manifest entry: %w", err)
	}
	os.Remove(f.Name()) // unlinked: gone when closed
	n, err := em.files.writeLine(f, j.e.key, j.input)
	if err != nil {
		f.Close()
		var se *sinkError
		if errors.As(err, &se) {
			return se.err
		}
		return err
	}
	j.lineFile, j.lineN = f, n
	return nil
}

// reusable reports whether the entry's previous manifest line stands: its
// Input is unchanged, the entry was not being moved into place when a
// previous build stopped and, when the discovery API is built, its saved
// summary was restored.
func (b *builder) reusable(j *job) bool {
	if j.old == nil || j.old.input != j.input || b.dirty[j.e.key] {
		return false
	}
	if b.disc != nil && !b.disc.restore(j.e.key) {
		return false
	}
	j.reused, j.files, j.unchanged = true, j.old.files, j.old.files
	return true
}

// trustStat forgets a data file's stat when the file changed so shortly
// before the build that a later change might keep the same stat.
func (b *builder) trustStat(j *job) {
	if j.stat.mtime >= b.start.Add(-racyWindow).UnixNano() {
		j.stat, j.dataSum = dataStat{}, ""
	}
}

// parseError names the file and, where it can, the line and column.
func (b *builder) parseError(j *job, err error) error {
	var rerr error
	if j.e.kind == kindProvider {
		_, rerr = b.data.ReadProvider(j.e.prov())
	} else {
		_, rerr = b.data.ReadModule(j.e.mod())
	}
	if rerr != nil {
		return rerr // a *regdata.FileError with line and column
	}
	return &regdata.FileError{Path: j.e.rel, Err: err}
}

func (b *builder) logDropped(j *job, dropped []regdata.Dropped) {
	j.dropped = len(dropped)
	for _, d := range dropped {
		if d.Field == "" {
			b.log.Warn("version left out", "entry", j.e.key, "file", j.e.rel, "version", d.Version, "reason", d.Reason)
			continue
		}
		b.log.Warn("version left out", "entry", j.e.key, "file", j.e.rel, "field", d.Field, "version", d.Version, "reason", d.Reason)
	}
}

// emitter receives an entry's generated files: it hashes each, skips
// those whose bytes the previous build already wrote, and writes the rest.
// What it remembers of the previous entry's files is a path hash and a
// digest prefix each, so that the registry-wide entry's tens of thousands
// of files cost little memory.
type emitter struct {
	b      *builder
	j      *job
	dirs   dirCache
	files  *fileList
	seen   map[uint64]struct{} // path keys put so far (when there is a previous entry)
	oldAll map[uint64]sumKey   // every file of the previous entry: path key → digest prefix
	oldOK  bool                // oldAll may be trusted to skip unchanged files
}

// sumKey is the first half of a sha256: enough to tell whether a file's
// bytes changed.
type sumKey [16]byte

// sumKeyOf decodes the first half of a hex sha256 (false if it is not one).
func sumKeyOf(hexSum string) (sumKey, bool) {
	var k sumKey
	if len(hexSum) != 64 {
		return k, false
	}
	_, err := hex.Decode(k[:], []byte(hexSum[:32]))
	return k, err == nil
}

// pathKey hashes a tree path for the emitters' sets (the seed is the
// build's own, so no input can aim at collisions).
func (b *builder) pathKey(p string) uint64 { return maphash.String(b.seed, p) }

// newEmitter loads the previous entry's files, if any.
func (b *builder) newEmitter(j *job) (*emitter, error) {
	em := &emitter{b: b, j: j, dirs: dirCache{}, files: &fileList{dir: b.tmp, limit: b.spill}}
	if j.old == nil {
		return em, nil
	}
	em.seen = map[uint64]struct{}{}
	em.oldAll = make(map[uint64]sumKey, min(j.old.files, 1<<16))
	err := b.prev.eachFile(j.old, func(f manifest.File) error {
		if k, ok := sumKeyOf(f.SHA256); ok {
			em.oldAll[b.pathKey(f.Path)] = k
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	em.oldOK = !b.dirty[j.e.key]
	return em, nil
}

// record adds a generated file to the entry and reports whether the
// previous build already wrote the same bytes at its path.
func (em *emitter) record(mf manifest.File) (bool, error) {
	if err := em.files.add(mf); err != nil {
		return false, err
	}
	if em.seen == nil {
		return false, nil
	}
	pk := em.b.pathKey(mf.Path)
	em.seen[pk] = struct{}{}
	old, ok := em.oldAll[pk]
	if !ok || !em.oldOK {
		return false, nil
	}
	k, ok := sumKeyOf(mf.SHA256)
	return ok && k == old, nil
}

func (em *emitter) put(f generator.File) error {
	mf := f.Manifest()
	same, err := em.record(mf)
	if err != nil {
		return err
	}
	if same {
		em.j.unchanged++
		return nil
	}
	write := writeFile
	if src := f.Source(); src != "" {
		write = func(root, rel string, _ []byte, dirs dirCache) error { return linkFile(root, rel, src, mf.Size, dirs) }
	}
	if err := write(em.b.root, f.Path, f.Body, em.dirs); err != nil {
		return &sinkError{err}
	}
	em.j.written++
	em.j.bytes += mf.Size
	if !em.b.full {
		em.j.staged = append(em.j.staged, staged{path: f.Path, class: f.Class})
	}
	return nil
}

// stream writes a large document as write produces it, hashing it on the
// way, so that it is never held in memory; an unchanged one is removed
// from the staging area again, as put skips it.
func (em *emitter) stream(p string, class manifest.Class, write func(io.Writer) error) error {
	full := filepath.Join(em.b.root, filepath.FromSlash(p))
	if err := em.dirs.ensure(filepath.Dir(full)); err != nil {
		return &sinkError{err}
	}
	f, err := os.Create(full)
	if err != nil {
		return &sinkError{fmt.Errorf("writing %s: %w", full, err)}
	}
	sw := &streamWriter{f: f, h: sha256.New()}
	bw := bufio.NewWriterSize(sw, 64<<10)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); sw.err == nil && cerr != nil {
		sw.err = cerr
	}
	if sw.err != nil {
		os.Remove(full)
		return &sinkError{fmt.Errorf("writing %s: %w", full, sw.err)}
	}
	if err != nil {
		os.Remove(full)
		return err
	}
	mf := manifest.File{Path: p, SHA256: hex.EncodeToString(sw.h.Sum(nil)), Size: sw.n, Type: manifest.ContentType(p), Class: class}
	same, err := em.record(mf)
	if err != nil {
		os.Remove(full)
		return err
	}
	if same {
		em.j.unchanged++
		if err := os.Remove(full); err != nil {
			return &sinkError{err}
		}
		return nil
	}
	em.j.written++
	em.j.bytes += mf.Size
	if !em.b.full {
		em.j.staged = append(em.j.staged, staged{path: p, class: class})
	}
	return nil
}

// streamWriter writes to a file and a hash, counting bytes and keeping
// the file's first error.
type streamWriter struct {
	f   *os.File
	h   hash.Hash
	n   int64
	err error
}

func (w *streamWriter) Write(b []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n, err := w.f.Write(b)
	w.h.Write(b[:n])
	w.n += int64(n)
	if err != nil {
		w.err = err
	}
	return n, err
}
