package ingest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/regdata/events"
)

// Run ingests the selected entries of the data folder and returns what it
// did. Failures of entries and versions are in the Summary (Failed); the
// error is for a run that could not work at all (no data folder, bad
// options, state that cannot be saved).
func Run(ctx context.Context, o Options) (*Summary, error) {
	r, err := newRunner(o)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	provs, mods, err := r.selectEntries()
	if err != nil {
		return nil, err
	}
	if len(r.opts.Only) == 0 {
		r.detectDeleted(ctx, provs, mods)
	}
	r.ingest(ctx, provs, mods)
	err = r.state.Save()
	r.sum.Requests = r.gh.Requests()
	r.sum.Duration = time.Since(start)
	r.sum.sort()
	if err != nil {
		return r.sum, err
	}
	return r.sum, nil
}

// ingest processes the entries with at most Jobs at once. It returns when
// all are done or ctx is cancelled (entries not started are not counted).
func (r *runner) ingest(ctx context.Context, provs []regdata.ProviderAddr, mods []regdata.ModuleAddr) {
	p := r.opts.Progress
	p.Start(len(provs) + len(mods))
	defer p.Finish()
	var g errgroup.Group
	g.SetLimit(r.opts.Jobs)
	for _, a := range provs {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			defer p.Done()
			r.provider(ctx, a)
			return nil
		})
	}
	for _, a := range mods {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			defer p.Done()
			r.module(ctx, a)
			return nil
		})
	}
	_ = g.Wait() // entries report through the summary, never an error
	if err := ctx.Err(); err != nil {
		r.failure("run", "", fmt.Errorf("interrupted: %w", err))
	}
}

// selectEntries lists the entries to ingest: every provider and module of
// the selected kinds (of the shard, when the run has one), or those named
// in Only.
func (r *runner) selectEntries() ([]regdata.ProviderAddr, []regdata.ModuleAddr, error) {
	var provs []regdata.ProviderAddr
	var mods []regdata.ModuleAddr
	var err error
	var bad []string
	if r.opts.Providers || len(r.opts.Only) > 0 {
		var b []string
		provs, b, err = r.dir.Providers()
		if err != nil {
			return nil, nil, err
		}
		bad = append(bad, b...)
	}
	if r.opts.Modules || len(r.opts.Only) > 0 {
		var b []string
		mods, b, err = r.dir.Modules()
		if err != nil {
			return nil, nil, err
		}
		bad = append(bad, b...)
	}
	for _, b := range bad {
		r.log.Warn("file does not fit the data layout; skipped", "path", b)
	}
	if sh := r.opts.Shard; sh != nil {
		provs = slices.DeleteFunc(provs, func(a regdata.ProviderAddr) bool { return !sh.HasNamespace(a.Namespace) })
		mods = slices.DeleteFunc(mods, func(a regdata.ModuleAddr) bool { return !sh.HasNamespace(a.Namespace) })
	}
	if len(r.opts.Only) == 0 {
		if !r.opts.Providers {
			provs = nil
		}
		if !r.opts.Modules {
			mods = nil
		}
		return provs, mods, nil
	}
	byKey := map[string]bool{}
	var missing []string
	for _, s := range r.opts.Only {
		k, err := onlyKey(s)
		if err != nil {
			return nil, nil, err
		}
		byKey[k] = false
	}
	var sp []regdata.ProviderAddr
	for _, a := range provs {
		if _, ok := byKey[a.Key()]; ok && r.opts.Providers {
			sp = append(sp, a)
			byKey[a.Key()] = true
		}
	}
	var sm []regdata.ModuleAddr
	for _, a := range mods {
		if _, ok := byKey[a.Key()]; ok && r.opts.Modules {
			sm = append(sm, a)
			byKey[a.Key()] = true
		}
	}
	for k, found := range byKey {
		if !found {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, nil, fmt.Errorf("not in the data folder (or not of the selected kind): %s", strings.Join(missing, ", "))
	}
	return sp, sm, nil
}

// onlyKey turns an --only address into an entry key: two parts name a
// provider, three a module.
func onlyKey(s string) (string, error) {
	switch strings.Count(s, "/") {
	case 1:
		a, err := regdata.ParseProviderAddr(s)
		if err != nil {
			return "", err
		}
		return a.Key(), nil
	case 2:
		a, err := regdata.ParseModuleAddr(s)
		if err != nil {
			return "", err
		}
		return a.Key(), nil
	}
	return "", fmt.Errorf("address %q: want NAMESPACE/TYPE (provider) or NAMESPACE/NAME/SYSTEM (module)", s)
}

// detectDeleted emits a deleted event for every entry the state remembers
// from an earlier run whose data file is gone, and forgets it. A sharded
// run looks only at its shard's entries.
func (r *runner) detectDeleted(ctx context.Context, provs []regdata.ProviderAddr, mods []regdata.ModuleAddr) {
	now := r.opts.Now().UTC()
	check := func(prefix string, present map[string]bool, ev func(addr string) (events.Event, bool)) {
		for _, k := range r.state.Keys(prefix) {
			if present[k] || !r.inShard(k) {
				continue
			}
			st := r.state.Get(k)
			e, ok := ev(st.Addr)
			if ok {
				e.Time = now
				if err := r.events.Append(ctx, e); err != nil {
					r.failure(k, "", fmt.Errorf("recording deletion: %w", err))
					continue
				}
			}
			r.state.Delete(k)
			r.sum.update(func(s *Summary) { s.Deleted = append(s.Deleted, k) })
		}
	}
	if r.opts.Providers {
		present := map[string]bool{}
		for _, a := range provs {
			present[a.Key()] = true
		}
		check("provider/", present, func(addr string) (events.Event, bool) {
			ns, typ, ok := strings.Cut(addr, "/")
			return events.Event{Type: events.ProviderDeleted, Namespace: ns, Name: typ}, ok && typ != ""
		})
	}
	if r.opts.Modules {
		present := map[string]bool{}
		for _, a := range mods {
			present[a.Key()] = true
		}
		check("module/", present, func(addr string) (events.Event, bool) {
			p := strings.Split(addr, "/")
			if len(p) != 3 {
				return events.Event{}, false
			}
			return events.Event{Type: events.ModuleDeleted, Namespace: p[0], Name: p[1], Target: p[2]}, true
		})
	}
}

// inShard reports whether a state key ("provider/ns/type",
// "module/ns/name/system") belongs to the run's shard; every key does when
// the run has none.
func (r *runner) inShard(key string) bool {
	if r.opts.Shard == nil {
		return true
	}
	_, rest, _ := strings.Cut(key, "/")
	ns, _, _ := strings.Cut(rest, "/")
	return ns != "" && r.opts.Shard.HasNamespace(ns)
}
