package ingest

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"

	"github.com/regen-registry/regen/ingest/github"
	"github.com/regen-registry/regen/moddocs"
	"github.com/regen-registry/regen/modsource"
	"github.com/regen-registry/regen/regdata"
)

// DocsOptions configure the extraction of module documentation during
// ingest (package moddocs).
type DocsOptions struct {
	// Dir is the docs store's folder (default moddocs.DefaultDir(Data)).
	Dir string
	// Licenses is the SPDX allowlist deciding whether a module's
	// documentation is republished; nil means
	// moddocs.DefaultAllowedLicenses (see moddocs.Policy).
	Licenses []string
	// Detector detects licences. Nil builds one when the first version
	// needs extracting; it costs about 0.6 s and 65 MB, so a process
	// running several ingests should build one and share it.
	Detector *moddocs.LicenseDetector
	// Limits bound the fetch of each version's source; zero fields take
	// modsource's defaults. A version over them is recorded as "docs
	// unavailable" with the reason.
	Limits modsource.Limits
}

// docsStage extracts the documentation of module versions into the docs
// store. It is shared by every entry of a run.
type docsStage struct {
	store     *moddocs.Store
	extractor func() (*moddocs.Extractor, error)
	// sem bounds the fetches and extractions of the whole run to Jobs,
	// whatever the number of entries and versions.
	sem *semaphore.Weighted
	// auth carries the token to git on the web host; nil without one.
	auth transport.AuthMethod
	// limits bound each version's fetch (memory, disk, time).
	limits modsource.Limits
}

// newDocsStage builds the docs stage of a run (nil when o.Docs is nil).
func newDocsStage(o Options) (*docsStage, error) {
	if o.Docs == nil {
		return nil, nil
	}
	policy := moddocs.Policy{Allowed: o.Docs.Licenses}
	if err := policy.Validate(); err != nil {
		return nil, fmt.Errorf("module documentation: %w", err)
	}
	dir := o.Docs.Dir
	if dir == "" {
		dir = moddocs.DefaultDir(o.Data)
	}
	detector := o.Docs.Detector
	st := &docsStage{
		store: moddocs.NewStore(dir, o.Now),
		extractor: sync.OnceValues(func() (*moddocs.Extractor, error) {
			if detector == nil {
				var err error
				if detector, err = moddocs.NewLicenseDetector(); err != nil {
					return nil, err
				}
			}
			return &moddocs.Extractor{Licenses: detector, Policy: policy}, nil
		}),
		sem:    semaphore.NewWeighted(int64(o.Jobs)),
		limits: o.Docs.Limits,
	}
	if o.Token != "" {
		// Git remotes are on the web host, the only host besides the API
		// that may see the token.
		st.auth = &githttp.BasicAuth{Username: "x-access-token", Password: o.Token}
	}
	return st, nil
}

// moduleDocs extracts the documentation of every version the docs store
// does not have yet (new versions, and older ones never extracted or
// extracted with older rules), at most Jobs at once across the run.
// Problems are warnings: documentation never holds back a version. A
// source that is gone for good is recorded in the store so it is not
// fetched again; other failures are retried on the next run. It reports
// whether every version now has an entry in the store.
func (r *runner) moduleDocs(ctx context.Context, entry string, addr regdata.ModuleAddr, repo github.Repo, versions []regdata.ModuleVersion) (complete bool) {
	// One read of the index answers Store.Has for every version.
	idx, err := r.docs.store.Index(ctx, addr)
	if err != nil {
		r.warning(entry, fmt.Sprintf("docs store: %v; documentation not extracted", err))
		return false
	}
	var todo []regdata.ModuleVersion
	for _, v := range versions {
		if e, ok := idx[v.Version]; !ok || !e.Current() {
			todo = append(todo, v)
		}
	}
	if len(todo) == 0 {
		return true
	}
	// After a failure worth retrying (the host is down, the token was
	// refused), the module's other versions wait for the next run instead
	// of failing one by one.
	var (
		mu      sync.Mutex
		held    bool
		skipped int
		stored  int
	)
	var g errgroup.Group
	g.SetLimit(r.opts.Jobs)
	for _, v := range todo {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if err := r.docs.sem.Acquire(ctx, 1); err != nil {
				return nil // interrupted; the run reports it
			}
			defer r.docs.sem.Release(1)
			mu.Lock()
			stop := held
			if stop {
				skipped++
			}
			mu.Unlock()
			if stop {
				return nil
			}
			ok, goOn := r.versionDocs(ctx, entry, addr, repo, v)
			mu.Lock()
			if ok {
				stored++
			}
			held = held || !goOn
			mu.Unlock()
			return nil
		})
	}
	_ = g.Wait() // versions report through the summary, never an error
	if skipped > 0 {
		r.warning(entry, fmt.Sprintf("docs of %d more version(s) not tried after that failure (retried next run)", skipped))
	}
	return stored == len(todo)
}

// versionDocs fetches, extracts and stores one version's documentation.
// stored reports that the version now has an entry (docs, or the record
// that its source is gone); goOn is false after a failure that the
// module's other versions would meet as well (the repository cannot be
// fetched, the store cannot be written).
func (r *runner) versionDocs(ctx context.Context, entry string, addr regdata.ModuleAddr, repo github.Repo, v regdata.ModuleVersion) (stored, goOn bool) {
	retry := func(format string, args ...any) {
		if ctx.Err() == nil {
			r.warning(entry, fmt.Sprintf("docs of %s not extracted (retried next run): ", v.Version)+fmt.Sprintf(format, args...))
		}
	}
	src, err := modsource.Fetch(ctx, modsource.Request{URL: r.ep.GitURL(repo), Tag: v.Version, Commit: v.Commit, Auth: r.docs.auth}, r.docs.limits)
	switch {
	case ctx.Err() != nil:
		return false, false
	case errors.Is(err, modsource.ErrSourceGone), modsource.IsLimit(err):
		// Permanent for this commit: record it so that it is not fetched
		// again, and publish the version without documentation. A source
		// over the limits does not hold back the module's other versions.
		if perr := r.docs.store.PutError(ctx, addr, v.Version, v.Commit, err); perr != nil {
			retry("%v; recording that failed: %v", err, perr)
			return false, false
		}
		r.warning(entry, fmt.Sprintf("docs of %s unavailable: %v; published without documentation", v.Version, err))
		return true, true
	case err != nil:
		retry("%v", err)
		return false, false
	}
	defer src.Close()
	x, err := r.docs.extractor()
	if err != nil {
		retry("%v", err)
		return false, false
	}
	d, err := x.Extract(ctx, src.FS())
	if err != nil {
		retry("extracting from commit %s: %v", src.Commit, err)
		return false, true
	}
	if _, err := r.docs.store.Put(ctx, addr, v.Version, src.Commit, d); err != nil {
		retry("storing: %v", err)
		return false, false
	}
	r.log.Debug("module docs extracted", "entry", entry, "version", v.Version, "commit", src.Commit, "withheld", d.Withheld)
	return true, true
}
