package ingest

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/regen-registry/regen/ingest/gittags"
	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/regdata/events"
)

// module runs the stages for one module; failures and news go to the
// summary.
func (r *runner) module(ctx context.Context, addr regdata.ModuleAddr) {
	key := addr.Key()
	entry := "module " + addr.String()
	now := r.opts.Now().UTC()
	r.sum.update(func(s *Summary) { s.Checked++ })

	// Stage: the repository (only the data file's repository member; see
	// provider).
	override, err := peekRepository(r.dataPath(regdata.ModuleFilePath(addr)))
	var mf *regdata.ModuleFile
	if err != nil {
		if mf, err = r.dir.ReadModule(addr); err != nil {
			r.failure(entry, "", err)
			return
		}
		override = mf.Repository
	}
	repo, err := r.repoOf(addr.Namespace, addr.Repo(), override)
	if err != nil {
		r.failure(entry, "", fmt.Errorf("%s: %w", regdata.ModuleFilePath(addr), err))
		return
	}
	st := r.state.Get(key)
	st.Addr = addr.String()
	full := r.fullDue(key, st, now)

	// Stage: feed gate (tags.atom).
	feedURL := r.ep.TagsFeed(repo)
	g := r.gate(ctx, feedURL, st)
	if g.broken != nil {
		r.warning(entry, fmt.Sprintf("tags feed unusable, listing tags instead: %v", g.broken))
	}
	unchanged := func() {
		g.keepValidators(&st, feedURL)
		// Stage: documentation the last run left missing (a failed fetch,
		// docs just turned on); a complete module costs nothing here.
		if r.docs != nil && !st.DocsComplete {
			if mf == nil {
				if mf, err = r.dir.ReadModule(addr); err != nil {
					r.warning(entry, fmt.Sprintf("documentation not extracted: %v", err))
				}
			}
			if mf != nil {
				st.DocsComplete = r.moduleDocs(ctx, entry, addr, repo, mf.Versions)
			}
		}
		// Stage: packages the store lacks (archive mode just turned on,
		// or a fetch that failed last run); a filled module costs one
		// index read.
		if r.arch != nil {
			if mf == nil {
				mf, err = r.dir.ReadModule(addr)
			}
			if mf != nil {
				r.moduleArchives(ctx, entry, addr, repo, mf.Versions)
			}
		}
		r.state.Put(key, st)
		r.sum.update(func(s *Summary) { s.Unchanged++ })
	}
	backlog := st.Backlog > 0
	if g.unchanged && !full && !backlog {
		unchanged()
		return
	}

	// Stage: read the data file and look at what the feed shows.
	if mf == nil {
		if mf, err = r.dir.ReadModule(addr); err != nil {
			r.failure(entry, "", err)
			return
		}
	}
	known := map[string]bool{}
	for _, v := range mf.Versions {
		known[normalized(v.Version)] = true
	}
	list, reason := g.verdict(func(tag string) bool { return known[normalized(tag)] }, len(known))
	if !list && !full && !backlog {
		unchanged()
		return
	}
	r.log.Debug("listing tags", "entry", entry, "reason", reason, "full", full, "backlog", st.Backlog)
	r.sum.update(func(s *Summary) { s.Listed++ })

	// Stage: list every tag.
	tags, err := r.tags.List(ctx, r.ep.GitURL(repo))
	if err != nil {
		r.failure(entry, "", err)
		return
	}

	// Stage: new versions (newest first, at most MaxNewVersions; the
	// rest are postponed), moved and deleted tags.
	var added []regdata.ModuleVersion
	postponed := 0
	for _, c := range semverTags(tags) {
		if known[c.Version] {
			continue
		}
		if r.opts.MaxNewVersions > 0 && len(added) >= r.opts.MaxNewVersions {
			postponed++
			continue
		}
		added = append(added, regdata.ModuleVersion{Version: c.Tag, Commit: c.Commit, Discovered: stamp(now)})
		known[c.Version] = true
	}
	mf.Versions = append(mf.Versions, added...)
	warnings := tagWarnings(mf.Versions, tags)
	newWarnings := setTagWarnings(mf, warnings)

	// Stage: write the data file, then the events, then the state.
	var evs []events.Event
	for _, v := range added {
		evs = append(evs, events.Event{
			Type: events.ModuleVersionReleased, Time: now,
			Namespace: addr.Namespace, Name: addr.Name, Target: addr.System,
			Version: v.Version, URL: r.ep.RepoURL(repo), Commit: v.Commit,
		})
	}
	changed := len(added) > 0 || newWarnings != nil
	if !r.write(ctx, entry, changed, func() error { return r.dir.WriteModule(addr, mf) }, evs) {
		return
	}
	g.keepValidators(&st, feedURL)
	st.LastFull = now
	st.Backlog = postponed
	// Stage: documentation of the new versions and of older ones the docs
	// store still lacks. Its problems are warnings: the versions are
	// published already.
	if r.docs != nil {
		st.DocsComplete = r.moduleDocs(ctx, entry, addr, repo, mf.Versions)
	}
	if r.arch != nil {
		r.moduleArchives(ctx, entry, addr, repo, mf.Versions)
	}
	r.state.Put(key, st)

	r.sum.update(func(s *Summary) {
		for _, v := range added {
			s.NewVersions = append(s.NewVersions, Change{Entry: entry, Version: v.Version})
		}
		s.Postponed += postponed
	})
	if postponed > 0 {
		r.warning(entry, postponedMessage(postponed, r.opts.MaxNewVersions))
	}
	for _, w := range newWarnings {
		r.warning(entry, w)
	}

}

// tagWarningPrefix starts every warning regen manages in a module file,
// so they can be replaced when the tags change again.
const tagWarningPrefix = "tag "

// tagWarnings describes the known versions whose tag was deleted upstream
// or now points at another commit than the one recorded. The registry
// keeps the version and its first commit either way.
func tagWarnings(versions []regdata.ModuleVersion, tags []gittags.Tag) []string {
	byName := map[string]gittags.Tag{}
	for _, t := range tags {
		byName[t.Name] = t
	}
	var out []string
	for _, v := range versions {
		t, ok := byName[v.Version]
		switch {
		case !ok:
			msg := fmt.Sprintf("%s%q was deleted upstream; the registry keeps the version", tagWarningPrefix, v.Version)
			if v.Commit != "" {
				msg += " at commit " + v.Commit
			}
			out = append(out, msg)
		case v.Commit != "" && t.Commit != v.Commit:
			out = append(out, fmt.Sprintf("%s%q moved upstream from commit %s to %s; the registry keeps %s",
				tagWarningPrefix, v.Version, v.Commit, t.Commit, v.Commit))
		}
	}
	slices.Sort(out)
	return out
}

// setTagWarnings replaces the tag warnings in the file with want (keeping
// every other warning) and returns the warnings that are new. It returns
// nil when the file's warnings did not change at all, and a non-nil empty
// slice when only old warnings went away.
func setTagWarnings(mf *regdata.ModuleFile, want []string) []string {
	var other, old []string
	for _, w := range mf.Warnings {
		if strings.HasPrefix(w, tagWarningPrefix+`"`) {
			old = append(old, w)
		} else {
			other = append(other, w)
		}
	}
	if slices.Equal(old, want) {
		return nil
	}
	fresh := []string{}
	for _, w := range want {
		if !slices.Contains(old, w) {
			fresh = append(fresh, w)
		}
	}
	mf.Warnings = append(other, want...)
	if len(mf.Warnings) == 0 {
		mf.Warnings = nil
	}
	return fresh
}
