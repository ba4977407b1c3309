package ingest

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/regen-registry/regen/internal/positive"
	"github.com/regen-registry/regen/regdata"
)

// Defaults for Options fields left zero.
const (
	DefaultJobs      = 8
	DefaultRate      = 500
	DefaultFullEvery = 24 * time.Hour
	DefaultRetryBase = 30 * time.Minute
	DefaultRetryMax  = 24 * time.Hour
	// DefaultMaxNewVersions bounds the new versions one repository adds
	// in one run.
	DefaultMaxNewVersions = 50
)

// Options configure Run and the other operations of the package.
type Options struct {
	// Data is the registry data folder.
	Data string
	// Providers and Modules select the kinds to ingest; when both are
	// false, both kinds are.
	Providers, Modules bool
	// Only restricts the run to these addresses ("ns/type" for a
	// provider, "ns/name/system" for a module), matched without regard to
	// case.
	Only []string
	// Shard, when set, restricts the run to the entries whose namespace
	// belongs to it (see regdata.Shard), so parallel runs over different
	// shards write disjoint files. Unlike Only, a shard knows all its
	// entries, so entries deleted from its part of the data folder are
	// detected (and a deleted event recorded) as in a whole run.
	Shard *regdata.Shard
	// Jobs is how many entries are processed at once (default DefaultJobs).
	Jobs int
	// GitHubURL is the base of web pages, feeds, release downloads and git
	// remotes (default https://github.com); GitHubAPIURL the REST API's
	// (default https://api.github.com).
	GitHubURL, GitHubAPIURL string
	// Token is sent to the REST API and to git on the web host only.
	Token string
	// Rate limits requests per host and second (default DefaultRate;
	// negative: no limit).
	Rate float64
	// Transport, when set, carries every request (tests, proxies).
	Transport http.RoundTripper
	// Full lists every repository's tags whatever its feed says.
	Full bool
	// FullEvery is how often each entry gets a full tag listing even when
	// its feed shows nothing new, to catch what feeds miss (moved and
	// deleted tags, releases dated in the past). Default DefaultFullEvery;
	// each entry's period is stretched by up to a quarter, by a hash of its
	// address, so the checks spread out.
	FullEvery time.Duration
	// RetryBase and RetryMax bound the exponential back-off of failed
	// versions: RetryBase after the first failure, doubling, at most
	// RetryMax.
	RetryBase, RetryMax time.Duration
	// MaxNewVersions bounds how many new versions one repository may add
	// (for a provider: how many releases are fetched and verified) in one
	// run; default DefaultMaxNewVersions, negative: no bound. The newest
	// are taken first; the rest wait for the next runs, which list the
	// repository's tags until none is left (pollstate Entry.Backlog).
	// Versions already published are never touched.
	MaxNewVersions int
	// Archives, when set, fills archive mode's module package store with
	// the versions it lacks (nil: off).
	Archives *ArchiveOptions
	// TempDir holds provider packages while they are hashed.
	TempDir string
	// Now returns the current time (default time.Now).
	Now func() time.Time
	// Logger receives progress and problems (default: discard).
	Logger *slog.Logger
	// Progress, when set, is told how many entries there are and when
	// each is done.
	Progress Progress
	// Docs, when set, makes module ingest extract each version's
	// documentation into a docs store once the version is recorded in the
	// data file. Versions the store lacks are retried on every run until
	// the module is complete (pollstate Entry.DocsComplete); a complete
	// module is checked again only at its full tag listing. Nil: no
	// extraction.
	Docs *DocsOptions
}

// Progress is told how a run advances.
type Progress interface {
	// Start is called once with the number of entries.
	Start(total int)
	// Done is called after each entry.
	Done()
	// Finish is called once at the end.
	Finish()
}

// withDefaults returns o with zero fields set to their defaults.
func (o Options) withDefaults() (Options, error) {
	if o.Data == "" {
		return o, errors.New("no data folder given")
	}
	if !o.Providers && !o.Modules {
		o.Providers, o.Modules = true, true
	}
	o.Jobs = positive.Or(o.Jobs, DefaultJobs)
	if o.Rate == 0 {
		o.Rate = DefaultRate
	}
	o.FullEvery = positive.Or(o.FullEvery, DefaultFullEvery)
	o.RetryBase = positive.Or(o.RetryBase, DefaultRetryBase)
	o.RetryMax = positive.Or(o.RetryMax, DefaultRetryMax)
	if o.RetryMax < o.RetryBase {
		o.RetryMax = o.RetryBase
	}
	if o.MaxNewVersions == 0 {
		o.MaxNewVersions = DefaultMaxNewVersions
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Progress == nil {
		o.Progress = nopProgress{}
	}
	return o, nil
}

type nopProgress struct{}

func (nopProgress) Start(int) {}
func (nopProgress) Done()     {}
func (nopProgress) Finish()   {}
