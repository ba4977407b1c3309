package verify

import (
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/regen-registry/regen/client"
	"github.com/regen-registry/regen/internal/positive"
)

// Defaults of Options.
const (
	DefaultJobs    = 16
	DefaultRetries = 2
	DefaultTimeout = 30 * time.Second
)

// Options configures Run.
type Options struct {
	// URL is the base URL of the deployed registry: tree path p is fetched
	// from URL/p. Required.
	URL string
	// Dir is the local build tree holding the manifest. Required.
	Dir string
	// Jobs bounds the requests in flight; 0 means DefaultJobs.
	Jobs int
	// Sample, when positive, checks only this many files, chosen at
	// random with Seed.
	Sample int
	// Seed seeds the sample; 0 picks one, which the report shows so that
	// the same sample can be checked again.
	Seed uint64
	// Prefixes, when not empty, limits the check to tree paths starting
	// with one of them ("v1/providers/").
	Prefixes []string
	// RequireTerraformGet makes a module download without X-Terraform-Get
	// a mismatch instead of a warning.
	RequireTerraformGet bool
	// Retries is how many times a request failing with a network error,
	// 429 or 5xx is retried (`regen verify` defaults to DefaultRetries).
	Retries int
	// Timeout bounds each request, body included; 0 means DefaultTimeout.
	Timeout time.Duration
	// Credentials are bearer tokens per hostname (see client.Credentials).
	Credentials client.Credentials
	// HTTPClient sends the requests; nil means one made for the run. Its
	// redirect policy is replaced: redirects are checked, not followed.
	HTTPClient *http.Client
	// Logger receives progress and warnings; nil logs nothing.
	Logger *slog.Logger
	// Out receives the report; nil writes none.
	Out io.Writer
	// JSON writes the report as JSON instead of text.
	JSON bool

	retryDelay time.Duration // first retry delay; tests shorten it
}

func (o *Options) setDefaults() {
	o.Jobs = positive.Or(o.Jobs, DefaultJobs)
	o.Retries = max(o.Retries, 0)
	o.Timeout = positive.Or(o.Timeout, DefaultTimeout)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.retryDelay == 0 {
		o.retryDelay = 250 * time.Millisecond
	}
}
