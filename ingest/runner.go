package ingest

import (
	"fmt"
	"hash/fnv"
	"log/slog"
	"time"

	"github.com/regen-registry/regen/ingest/github"
	"github.com/regen-registry/regen/ingest/gittags"
	"github.com/regen-registry/regen/ingest/pollstate"
	"github.com/regen-registry/regen/ingest/release"
	"github.com/regen-registry/regen/modarchive"
	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/regdata/events"
)

// runner holds what every stage of a run shares. It is built per call and
// never stored beyond it.
type runner struct {
	opts   Options
	dir    regdata.Dir
	ep     github.Endpoints
	gh     *github.Client
	tags   *gittags.Lister
	fetch  *release.Fetcher
	state  *pollstate.Store
	events *events.Log
	log    *slog.Logger
	sum    *Summary
	docs   *docsStage         // nil: no documentation extraction
	arch   *modarchive.Filler // nil: archive mode off
}

// newRunner applies the defaults and builds the clients and stores.
func newRunner(o Options) (*runner, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	ep, err := github.NewEndpoints(o.GitHubURL, o.GitHubAPIURL)
	if err != nil {
		return nil, err
	}
	rate := o.Rate
	if rate < 0 {
		rate = 0
	}
	gh := github.NewClient(github.ClientOptions{
		Endpoints: ep,
		Token:     o.Token,
		Rate:      rate,
		Burst:     max(o.Jobs, int(rate/10)),
		Base:      o.Transport,
		Conns:     o.Jobs,
	})
	docs, err := newDocsStage(o)
	if err != nil {
		return nil, err
	}
	state, problems, err := pollstate.Load(o.Data)
	if err != nil {
		return nil, err
	}
	for _, p := range problems {
		o.Logger.Warn("ingest state", "problem", p)
	}
	return &runner{
		opts:   o,
		dir:    regdata.Dir{Root: o.Data},
		ep:     ep,
		gh:     gh,
		tags:   gittags.NewLister(gh.HTTP()),
		fetch:  &release.Fetcher{Client: gh, TempDir: o.TempDir},
		state:  state,
		events: events.New(o.Data),
		log:    o.Logger,
		sum:    &Summary{},
		docs:   docs,
		arch:   newArchiveFiller(o),
	}, nil
}

// fullDue reports whether an entry is due for its periodic full listing:
// never listed, or listed longer ago than FullEvery stretched by up to a
// quarter by a hash of its key (so that entries first listed together
// spread out).
func (r *runner) fullDue(key string, st pollstate.Entry, now time.Time) bool {
	if r.opts.Full || st.LastFull.IsZero() {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	stretch := time.Duration(h.Sum64() % uint64(r.opts.FullEvery/4+1))
	return now.Sub(st.LastFull) >= r.opts.FullEvery+stretch
}

// repoOf returns the repository of an entry: the data file's repository
// field when set, else the conventional one.
func (r *runner) repoOf(namespace, conventional, override string) (github.Repo, error) {
	if override == "" {
		return github.Repo{Owner: namespace, Name: conventional}, nil
	}
	repo, err := r.ep.ParseRepo(override)
	if err != nil {
		return github.Repo{}, fmt.Errorf("repository field: %w", err)
	}
	return repo, nil
}

// stamp formats a time as the data files record it.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (r *runner) failure(entry, version string, err error) {
	r.log.Warn("ingest failure", "entry", entry, "version", version, "err", err)
	r.sum.update(func(s *Summary) {
		s.Failures = append(s.Failures, Failure{Entry: entry, Version: version, Error: err.Error()})
	})
}

func (r *runner) warning(entry, msg string) {
	r.log.Warn("ingest warning", "entry", entry, "warning", msg)
	r.sum.update(func(s *Summary) { s.Warnings = append(s.Warnings, Warning{Entry: entry, Message: msg}) })
}
