package ingest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/regen-registry/regen/ingest/github"
	"github.com/regen-registry/regen/ingest/pollstate"
	"github.com/regen-registry/regen/ingest/release"
	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/regdata/events"
)

// provider runs the stages for one provider; failures and news go to the
// summary.
func (r *runner) provider(ctx context.Context, addr regdata.ProviderAddr) {
	key := addr.Key()
	entry := "provider " + addr.String()
	now := r.opts.Now().UTC()
	r.sum.update(func(s *Summary) { s.Checked++ })

	// Stage: the repository. Only the data file's repository member is
	// read here: when the feed says nothing changed, that is all a poll
	// needs.
	override, err := peekRepository(r.dataPath(regdata.ProviderFilePath(addr)))
	var pf *regdata.ProviderFile
	if err != nil {
		if pf, err = r.dir.ReadProvider(addr); err != nil {
			r.failure(entry, "", err)
			return
		}
		override = pf.Repository
	}
	repo, err := r.repoOf(addr.Namespace, addr.Repo(), override)
	if err != nil {
		r.failure(entry, "", fmt.Errorf("%s: %w", regdata.ProviderFilePath(addr), err))
		return
	}
	st := r.state.Get(key)
	st.Addr = addr.String()
	full := r.fullDue(key, st, now)
	retryDue, waiting := retries(st, now)

	// Stage: feed gate.
	feedURL := r.ep.ReleasesFeed(repo)
	g := r.gate(ctx, feedURL, st)
	if g.broken != nil {
		r.warning(entry, fmt.Sprintf("releases feed unusable, listing tags instead: %v", g.broken))
	}
	unchanged := func() {
		g.keepValidators(&st, feedURL)
		r.state.Put(key, st)
		r.sum.update(func(s *Summary) { s.Unchanged++; s.Deferred += waiting })
	}
	backlog := st.Backlog > 0
	if g.unchanged && !full && !retryDue && !backlog {
		unchanged()
		return
	}

	// Stage: read the data file and look at what the feed shows. A
	// version waiting for its back-off counts as settled, so it does not
	// force a listing on every run; a recorded failure the state knows
	// nothing of is due.
	if pf == nil {
		if pf, err = r.dir.ReadProvider(addr); err != nil {
			r.failure(entry, "", err)
			return
		}
	}
	known, failing := providerVersionSets(pf)
	for v := range failing {
		if _, ok := st.Retries[v]; !ok {
			retryDue = true
		}
	}
	list, reason := g.verdict(func(tag string) bool {
		n := normalized(tag)
		return known[n] || (failing[n] && !st.Due(n, now))
	}, len(known))
	if !list && !full && !retryDue && !backlog {
		unchanged()
		return
	}
	r.log.Debug("listing tags", "entry", entry, "reason", reason, "full", full, "retry", retryDue, "backlog", st.Backlog)
	r.sum.update(func(s *Summary) { s.Listed++ })

	// Stage: list every tag.
	tags, err := r.tags.List(ctx, r.ep.GitURL(repo))
	if err != nil {
		r.failure(entry, "", err)
		return
	}
	cands := semverTags(tags)

	// Stage: fetch and verify each new release.
	fr := r.fetchReleases(ctx, addr, repo, cands, known, st, now)
	if ctx.Err() != nil {
		r.failure(entry, "", fmt.Errorf("interrupted: %w", ctx.Err()))
		return
	}

	// Stage: write the data file, then the events, then the state.
	upstream := map[string]bool{}
	for _, c := range cands {
		upstream[c.Version] = true
	}
	changed := mergeProvider(pf, fr.added, fr.failed, upstream, now)
	var evs []events.Event
	for _, v := range fr.added {
		evs = append(evs, events.Event{
			Type: events.ProviderVersionReleased, Time: now,
			Namespace: addr.Namespace, Name: addr.Type, Version: v.Version, URL: v.SHASumsURL,
		})
	}
	if !r.write(ctx, entry, changed, func() error { return r.dir.WriteProvider(addr, pf) }, evs) {
		return
	}
	st.Retries = nextRetries(st.Retries, upstream, known, fr, now, r.opts.RetryBase, r.opts.RetryMax)
	g.keepValidators(&st, feedURL)
	st.LastFull = now
	st.Backlog = fr.postponed
	r.state.Put(key, st)

	r.sum.update(func(s *Summary) {
		for _, v := range fr.added {
			s.NewVersions = append(s.NewVersions, Change{Entry: entry, Version: v.Version, SignedBy: fr.signedBy[v.Version]})
		}
		s.Deferred += fr.deferred
		s.Postponed += fr.postponed
	})
	if fr.postponed > 0 {
		r.warning(entry, postponedMessage(fr.postponed, r.opts.MaxNewVersions))
	}
	for _, v := range slices.Sorted(maps.Keys(fr.failed)) {
		r.failure(entry, v, fr.failed[v])
	}
}

// providerVersionSets returns the normalised versions a provider file
// publishes, and those it records as failed and not published since.
func providerVersionSets(pf *regdata.ProviderFile) (known, failing map[string]bool) {
	known, failing = map[string]bool{}, map[string]bool{}
	for _, v := range pf.Versions {
		known[normalized(v.Version)] = true
	}
	for _, e := range pf.VersionsErrors {
		if n := normalized(e.Version); !known[n] {
			failing[n] = true
		}
	}
	return known, failing
}

// fetched is what the fetch stage got: versions to publish, versions that
// failed (by normalised version), how many waited for their back-off and
// how many were left for later runs by the per-run bound.
type fetched struct {
	added     []regdata.ProviderVersion
	signedBy  map[string]string // key ID by version
	failed    map[string]error
	deferred  int
	postponed int
}

// fetchReleases downloads and verifies every tagged version that is not
// known and not waiting for its back-off, newest first, at most
// Options.MaxNewVersions of them (the rest are postponed). The signing
// keys are read once, when the first release needs them.
func (r *runner) fetchReleases(ctx context.Context, addr regdata.ProviderAddr, repo github.Repo, cands []candidate, known map[string]bool, st pollstate.Entry, now time.Time) fetched {
	fr := fetched{failed: map[string]error{}, signedBy: map[string]string{}}
	var keys openpgp.EntityList
	var keysErr error
	keysRead := false
	for _, c := range cands {
		if known[c.Version] {
			continue
		}
		if !st.Due(c.Version, now) {
			fr.deferred++
			continue
		}
		if r.opts.MaxNewVersions > 0 && len(fr.added)+len(fr.failed) >= r.opts.MaxNewVersions {
			fr.postponed++
			continue
		}
		if !keysRead {
			keys, keysErr = r.providerKeyRing(addr)
			keysRead = true
		}
		if keysErr != nil {
			fr.failed[c.Version] = keysErr
			continue
		}
		pv, err := r.fetch.Fetch(ctx, release.Request{Repo: repo, Tag: c.Tag, Version: c.Version, Type: addr.Type, Keys: keys})
		if ctx.Err() != nil {
			return fr
		}
		if err != nil {
			fr.failed[c.Version] = err
			continue
		}
		pv.Discovered = stamp(now)
		fr.added = append(fr.added, pv.ProviderVersion)
		fr.signedBy[pv.Version] = pv.SignedBy
	}
	return fr
}

// write is the writer stage: the data file (when changed), then the
// entry's events. It reports whether the entry may record its new state:
// not when the data file could not be written (the next run then redoes
// the work). A lost event is reported but does not undo the data.
func (r *runner) write(ctx context.Context, entry string, changed bool, writeFile func() error, evs []events.Event) bool {
	if changed {
		if err := writeFile(); err != nil {
			r.failure(entry, "", err)
			return false
		}
	}
	if err := r.events.Append(ctx, evs...); err != nil {
		r.failure(entry, "", fmt.Errorf("recording events: %w", err))
	}
	return true
}

// nextRetries updates the back-off of an entry's versions: failures double
// their delay, published versions and versions no longer tagged upstream
// are forgotten.
func nextRetries(old map[string]pollstate.Retry, upstream, known map[string]bool, fr fetched, now time.Time, base, limit time.Duration) map[string]pollstate.Retry {
	out := map[string]pollstate.Retry{}
	for v, rt := range old {
		if upstream[v] && !known[v] {
			out[v] = rt
		}
	}
	for _, v := range fr.added {
		delete(out, v.Version)
	}
	for v := range fr.failed {
		n := out[v].Attempts + 1
		out[v] = pollstate.Retry{Attempts: n, Next: now.Add(pollstate.Backoff(n, base, limit))}
	}
	return out
}

// providerKeyRing reads the keys that may sign a provider's releases.
func (r *runner) providerKeyRing(addr regdata.ProviderAddr) (openpgp.EntityList, error) {
	keys, err := r.dir.ProviderKeys(addr)
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("no signing keys for %s in keys/ (add one with regen add key)", addr)
	}
	return regdata.KeyRing(keys)
}

// mergeProvider adds the new versions to the file and updates
// versions_errors: one entry per failing version (a repeated failure with
// the same message leaves its entry as it is, so retries do not churn the
// file), none for versions now published or no longer tagged upstream. It
// reports whether anything changed.
func mergeProvider(pf *regdata.ProviderFile, added []regdata.ProviderVersion, failed map[string]error, upstream map[string]bool, now time.Time) bool {
	changed := len(added) > 0
	pf.Versions = append(pf.Versions, added...)
	published := map[string]bool{}
	for _, v := range pf.Versions {
		published[normalized(v.Version)] = true
	}
	var errs []regdata.VersionError
	kept := map[string]bool{}
	for _, e := range pf.VersionsErrors {
		n := normalized(e.Version)
		drop := published[n] || (len(upstream) > 0 && !upstream[n])
		if f := failed[n]; f != nil && !drop {
			if e.Message == f.Error() && !kept[n] {
				kept[n] = true
				errs = append(errs, e)
				continue
			}
			drop = true
		}
		if drop {
			changed = true
			continue
		}
		errs = append(errs, e)
	}
	for _, n := range slices.Sorted(maps.Keys(failed)) {
		if !kept[n] {
			errs = append(errs, regdata.VersionError{Version: n, Message: failed[n].Error(), UTCTime: now.UTC().Format(time.RFC3339Nano)})
			changed = true
		}
	}
	pf.VersionsErrors = errs
	return changed
}
