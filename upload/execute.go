package upload

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/regen-registry/regen/manifest"
)

// inMemoryLimit: build files up to this size are read whole (and checked)
// before sending; larger ones are hashed, then streamed from disk.
const inMemoryLimit = 1 << 20

// graceTimeout bounds the final checkpoint written after an interruption.
const graceTimeout = 10 * time.Second

// publisher carries out a plan.
type publisher struct {
	o       *Options
	state   *state
	journal *journal

	uploaded, bytes, deleted, purged atomic.Int64
}

// putPhase sends the objects of one class, jobs at a time, checkpointing
// as it goes, then purges the URLs of those that changed in place. It
// returns only when every object of the class is on the target, so the
// next class may point at them.
func (u *publisher) putPhase(ctx context.Context, p *plan, ci int) error {
	class := manifest.Order[ci]
	if p.sendCount[ci] > 0 {
		u.o.Progress.Start(string(class), p.sendCount[ci], p.sendBytes[ci])
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(u.o.Jobs)
		err := p.puts[ci].each(func(a action) error {
			if !a.Send {
				return nil
			}
			if err := gctx.Err(); err != nil {
				return err
			}
			g.Go(func() error { return u.putOne(gctx, a) })
			return nil
		})
		if werr := g.Wait(); werr != nil {
			err = werr
		}
		u.o.Progress.Finish()
		if err != nil {
			return err
		}
		if err := u.journal.flush(ctx); err != nil {
			return err
		}
		u.o.Logger.Info("published", "class", class, "objects", p.sendCount[ci], "bytes", p.sendBytes[ci])
	}
	return u.purge(ctx, p.puts[ci])
}

// putOne reads a build file, checks it against the manifest and sends it.
func (u *publisher) putOne(ctx context.Context, a action) error {
	name := filepath.Join(u.o.Dir, filepath.FromSlash(a.Path))
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("uploading %s: %w", a.Path, err)
	}
	defer f.Close()
	var body io.ReadSeeker
	var n int64
	var sum []byte
	if a.Size <= inMemoryLimit {
		buf := make([]byte, a.Size+1)
		m, err := io.ReadFull(f, buf)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			return fmt.Errorf("uploading %s: %w", a.Path, err)
		}
		n = int64(m)
		s := sha256.Sum256(buf[:m])
		sum, body = s[:], bytes.NewReader(buf[:m])
	} else {
		h := sha256.New()
		if n, err = io.Copy(h, f); err != nil {
			return fmt.Errorf("uploading %s: %w", a.Path, err)
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("uploading %s: %w", a.Path, err)
		}
		sum, body = h.Sum(nil), f
	}
	if got := hex.EncodeToString(sum); n != a.Size || got != a.SHA256 {
		return fmt.Errorf("uploading %s: the file (%d bytes, sha256 %.12s…) does not match the build manifest (%d bytes, sha256 %.12s…); rebuild before uploading",
			name, n, got, a.Size, a.SHA256)
	}
	typ := a.Type
	if typ == "" {
		typ = manifest.ContentType(a.Path)
	}
	meta := Meta{ContentType: typ, CacheControl: u.o.Cache.For(a.Class), SHA256: a.SHA256}
	if err := u.o.Store.Put(ctx, a.Path, body, a.Size, meta); err != nil {
		return err
	}
	u.uploaded.Add(1)
	u.bytes.Add(a.Size)
	u.o.Progress.Add(1, a.Size)
	u.o.Logger.Debug("uploaded", "path", a.Path, "class", a.Class, "bytes", a.Size)
	return u.journal.add(ctx, a.Entry, manifest.File{Path: a.Path, SHA256: a.SHA256, Size: a.Size, Type: typ, Class: a.Class})
}

// deletePhase records tombstones, then deletes the objects the build no
// longer has — entry points first, per-version documents last — purging
// each class's URLs before deleting the next class.
func (u *publisher) deletePhase(ctx context.Context, p *plan) error {
	if p.deleteCount == 0 {
		return nil
	}
	doomed := map[string][]manifest.File{}
	for ci := range numClasses {
		err := p.deletes[ci].each(func(a action) error {
			entry := a.Entry
			if entry == "" {
				entry = orphanEntry
			}
			doomed[entry] = append(doomed[entry], manifest.File{Path: a.Path, Class: a.Class})
			return nil
		})
		if err != nil {
			return err
		}
	}
	if err := u.journal.tombstones(ctx, doomed); err != nil {
		return err
	}
	u.o.Progress.Start("delete", p.deleteCount, 0)
	defer u.o.Progress.Finish()
	for ci := numClasses - 1; ci >= 0; ci-- {
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(u.o.Jobs)
		err := p.deletes[ci].each(func(a action) error {
			if err := gctx.Err(); err != nil {
				return err
			}
			g.Go(func() error {
				if err := u.o.Store.Delete(gctx, a.Path); err != nil {
					return err
				}
				u.deleted.Add(1)
				u.o.Progress.Add(1, 0)
				u.o.Logger.Debug("deleted", "path", a.Path)
				return nil
			})
			return nil
		})
		if werr := g.Wait(); werr != nil {
			err = werr
		}
		if err != nil {
			return err
		}
		// A CDN must not keep serving an old index pointing at leaves
		// deleted next.
		if err := u.purge(ctx, p.deletes[ci]); err != nil {
			return err
		}
	}
	u.o.Logger.Info("deleted", "objects", p.deleteCount)
	return nil
}

// orphanEntry groups, in the journal, deleted objects no manifest entry
// described (found by --verify).
const orphanEntry = "(unlisted)"

// purge purges the public URLs of the actions marked Purge.
func (u *publisher) purge(ctx context.Context, sp *spool) error {
	if u.o.Purger == nil {
		return nil
	}
	var batch []string
	send := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := u.o.Purger.Purge(ctx, batch); err != nil {
			return fmt.Errorf("purging the CDN: %w", err)
		}
		u.purged.Add(int64(len(batch)))
		u.o.Logger.Debug("purged", "urls", len(batch))
		batch = batch[:0]
		return nil
	}
	err := sp.each(func(a action) error {
		if !a.Purge {
			return nil
		}
		batch = append(batch, publicURLs(u.o.PublicURL, a.Path)...)
		if len(batch) >= purgeChunk {
			return send()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return send()
}

// commit publishes a compressed copy of the build's manifest, then the
// checksum of the build's manifest: from then on the target is described
// by it.
func (u *publisher) commit(ctx context.Context, localPath, localSum string) error {
	gz, size, err := compressManifest(localPath, u.o.TempDir)
	if err != nil {
		return fmt.Errorf("publishing the manifest: %w", err)
	}
	defer gz.Close()
	h := sha256.New()
	if _, err := io.Copy(h, gz); err != nil {
		return fmt.Errorf("publishing the manifest: %w", err)
	}
	if _, err := gz.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("publishing the manifest: %w", err)
	}
	meta := Meta{ContentType: "application/gzip", CacheControl: internalCacheControl, SHA256: hex.EncodeToString(h.Sum(nil))}
	if err := u.state.store.Put(ctx, u.state.key(ManifestName), gz, size, meta); err != nil {
		return fmt.Errorf("publishing the manifest: %w", err)
	}
	line := []byte(localSum + "\n")
	s := sha256.Sum256(line)
	meta = Meta{ContentType: "text/plain; charset=utf-8", CacheControl: internalCacheControl, SHA256: hex.EncodeToString(s[:])}
	if err := u.state.store.Put(ctx, u.state.key(ManifestSumName), bytes.NewReader(line), int64(len(line)), meta); err != nil {
		return fmt.Errorf("publishing the manifest checksum: %w", err)
	}
	return nil
}

// compressManifest gzips the local manifest into an unlinked temporary
// file and returns it at its start, with its size.
func compressManifest(localPath, tmp string) (*os.File, int64, error) {
	in, err := os.Open(localPath)
	if err != nil {
		return nil, 0, err
	}
	defer in.Close()
	out, err := os.CreateTemp(tmp, "regen-upload-manifest-*")
	if err != nil {
		return nil, 0, err
	}
	_ = os.Remove(out.Name())
	zw, _ := gzip.NewWriterLevel(out, gzip.BestSpeed)
	if _, err := io.Copy(zw, in); err != nil {
		out.Close()
		return nil, 0, err
	}
	if err := zw.Close(); err != nil {
		out.Close()
		return nil, 0, err
	}
	size, err := out.Seek(0, io.SeekCurrent)
	if err == nil {
		_, err = out.Seek(0, io.SeekStart)
	}
	if err != nil {
		out.Close()
		return nil, 0, err
	}
	return out, size, nil
}

// clearJournal deletes the checkpoints once the manifest is published.
func (u *publisher) clearJournal(ctx context.Context) error {
	for _, key := range u.journal.segments() {
		if err := u.state.store.Delete(ctx, key); err != nil {
			return fmt.Errorf("clearing upload checkpoints: %w", err)
		}
	}
	return nil
}

// saveProgress writes a last checkpoint after an interruption, on a
// context of its own (the run's may be cancelled).
func (u *publisher) saveProgress(ctx context.Context) {
	gctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), graceTimeout)
	defer cancel()
	if err := u.journal.flush(gctx); err != nil {
		u.o.Logger.Warn("could not save the upload's progress; the next run will send some objects again", "error", err)
	}
}
