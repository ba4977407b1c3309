package upload

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/regen-registry/regen/manifest"
)

// Run publishes the build in o.Dir to o.Store. The stages, in order:
//
//  1. no-change check: the target's manifest checksum against the build's,
//     and whether an interrupted run left a journal (2 requests);
//  2. plan: merge-join the build manifest with the target's manifest and
//     journal (or, with Verify or without a target manifest, with a full
//     listing), spooling to disk what to send, purge and delete — only
//     objects regen published (listed in its manifest or journal) are
//     deleted, unless DeleteUnowned;
//  3. guard: refuse more deletions than MaxDelete;
//  4. publish by class: leaves, then indexes, listings, discovery — each
//     class complete (and purged) before the next starts;
//  5. delete, after a tombstone checkpoint: discovery first, leaves last;
//     purge the deleted URLs;
//  6. commit: the build's manifest, then its checksum;
//  7. clear the journal (and the state's legacy, public copy, if any).
//
// A Summary is returned with the error too, telling how far it got.
func Run(ctx context.Context, o Options) (*Summary, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	start := time.Now()
	sum := &Summary{Target: o.Store.String(), DryRun: o.DryRun}
	pub := &publisher{o: &o}
	defer func() {
		sum.Duration = time.Since(start)
		if r, ok := o.Store.(interface{ Retries() int64 }); ok {
			sum.Retries = r.Retries()
		}
		if !o.DryRun {
			sum.Uploaded, sum.Bytes = pub.uploaded.Load(), pub.bytes.Load()
			sum.Deleted, sum.Purged = pub.deleted.Load(), pub.purged.Load()
		}
	}()

	localPath := filepath.Join(o.Dir, filepath.FromSlash(manifest.Path))
	localSum, err := fileSHA256(localPath)
	if err != nil {
		return sum, fmt.Errorf("reading the build manifest (run regen build first): %w", err)
	}

	// 1. No-change check.
	st, err := locateState(ctx, &o)
	if err != nil {
		return sum, err
	}
	remoteSum, err := st.readSum(ctx)
	if err != nil {
		return sum, err
	}
	if !o.Verify && len(st.segments) == 0 && len(st.legacy) == 0 && remoteSum == localSum {
		sum.NoChange = true
		o.Logger.Info("target is up to date", "target", o.Store, "manifest", localSum)
		return sum, nil
	}
	if len(st.segments) > 0 {
		o.Logger.Info("resuming an interrupted upload", "checkpoints", len(st.segments))
	}
	if len(st.legacy) > 0 {
		o.Logger.Info("moving regen's upload state from its old, public place", "from", o.Store.String()+" under "+legacyPrefix, "to", st.describe())
	}

	// 2. Plan.
	tmp := o.TempDir
	if tmp == "" {
		tmp = os.TempDir()
	}
	p, err := newPlan(tmp)
	if err != nil {
		return sum, err
	}
	defer p.close()
	if err := makePlan(ctx, &o, st, localPath, tmp, p); err != nil {
		return sum, err
	}
	if err := p.seal(); err != nil {
		return sum, err
	}
	sends, sendBytes := p.sends()
	sum.Skipped, sum.Resumed, sum.Verified = p.skipped, p.resumed, p.verified
	sum.Unowned, sum.UnownedKeys, sum.UnownedDeleted = p.unowned, p.unownedKeys, o.DeleteUnowned && p.unowned > 0
	o.Logger.Info("plan", "send", sends, "bytes", sendBytes, "skip", p.skipped, "delete", p.deleteCount, "purge", p.purges)
	if p.unowned > 0 && !o.DeleteUnowned {
		o.Logger.Warn("the target holds objects regen did not publish; they are left alone (--delete-unowned deletes them)",
			"objects", p.unowned, "examples", p.unownedKeys[:min(len(p.unownedKeys), 5)])
	}

	// 3. Guard.
	if o.MaxDelete >= 0 && p.deleteCount > int64(o.MaxDelete) {
		return sum, &TooManyDeletesError{Count: int(p.deleteCount), Max: o.MaxDelete, Examples: p.examples}
	}
	if o.DryRun {
		sum.Uploaded, sum.Bytes, sum.Deleted = sends, sendBytes, p.deleteCount
		if o.Purger != nil {
			sum.Purged = p.purges
		}
		return sum, nil
	}

	pub.state = st
	pub.journal = newJournal(st, o.CheckpointEvery, o.CheckpointInterval)
	if err := publish(ctx, pub, p, localPath, localSum); err != nil {
		if ctx.Err() != nil {
			pub.saveProgress(ctx)
			return sum, fmt.Errorf("upload interrupted (the next run resumes): %w", err)
		}
		pub.saveProgress(ctx)
		return sum, err
	}
	return sum, nil
}

// makePlan plans from the target's manifest and journal, or from a
// listing with Verify or when the target has no manifest. Either way only
// objects a manifest or journal of regen's lists are deleted, unless
// Options.DeleteUnowned.
func makePlan(ctx context.Context, o *Options, st *state, localPath, tmp string, p *plan) error {
	base, err := st.openManifest(ctx, tmp)
	if err != nil {
		return err
	}
	if base == nil && !o.Verify {
		o.Logger.Info("the target has no manifest: comparing with a full listing", "target", o.Store)
	}
	layers, closeLayers, err := openLayers(ctx, st.store, base, st.segments, tmp)
	if err != nil {
		return err
	}
	defer closeLayers()
	if o.Verify || base == nil {
		owned, err := readOwned(layers)
		if err != nil {
			return err
		}
		return verifyPlan(ctx, o, localPath, owned, p)
	}
	return diffPlan(localPath, layers, true, p)
}

// publish runs stages 4 to 7.
func publish(ctx context.Context, pub *publisher, p *plan, localPath, localSum string) error {
	for ci := range numClasses {
		if err := pub.putPhase(ctx, p, ci); err != nil {
			return err
		}
	}
	if err := pub.deletePhase(ctx, p); err != nil {
		return err
	}
	if err := pub.commit(ctx, localPath, localSum); err != nil {
		return err
	}
	if err := pub.clearJournal(ctx); err != nil {
		return err
	}
	return pub.state.removeLegacy(ctx)
}

func fileSHA256(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("reading %s: %w", name, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
