package cfpurge

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/cloudflare/cloudflare-go"

	"github.com/regen-registry/regen/upload"
)

// BatchSize is the most files one purge_cache call may name.
const BatchSize = 30

// Config describes a zone and how to reach the API.
type Config struct {
	ZoneID string
	// Token is an API token with the Cache Purge permission on the zone.
	Token string
	// APIURL overrides the API base URL
	// (https://api.cloudflare.com/client/v4).
	APIURL string
	// HTTPClient overrides the HTTP client.
	HTTPClient *http.Client
	// RequestsPerSecond bounds the call rate (default 4, the API's).
	RequestsPerSecond float64
	// Retries is how many times a failed call (429, 5xx) is retried
	// (default 5), waiting RetryDelaySeconds, doubling, up to 30 s.
	Retries           int
	RetryDelaySeconds int
}

// Purger purges one zone.
type Purger struct {
	api  *cloudflare.API
	zone string
}

var _ upload.Purger = (*Purger)(nil)

// New returns a purger for c.ZoneID.
func New(c Config) (*Purger, error) {
	if c.ZoneID == "" {
		return nil, errors.New("cloudflare purge: no zone ID")
	}
	if c.Token == "" {
		return nil, errors.New("cloudflare purge: no API token")
	}
	if c.RequestsPerSecond <= 0 {
		c.RequestsPerSecond = 4
	}
	if c.Retries <= 0 {
		c.Retries = 5
	}
	if c.RetryDelaySeconds < 0 {
		c.RetryDelaySeconds = 0
	}
	opts := []cloudflare.Option{
		cloudflare.UsingRateLimit(c.RequestsPerSecond),
		cloudflare.UsingRetryPolicy(c.Retries, c.RetryDelaySeconds, 30),
		cloudflare.UserAgent("regen-upload"),
	}
	if c.APIURL != "" {
		opts = append(opts, cloudflare.BaseURL(c.APIURL))
	}
	if c.HTTPClient != nil {
		opts = append(opts, cloudflare.HTTPClient(c.HTTPClient))
	}
	api, err := cloudflare.NewWithAPIToken(c.Token, opts...)
	if err != nil {
		return nil, fmt.Errorf("cloudflare purge: %w", err)
	}
	return &Purger{api: api, zone: c.ZoneID}, nil
}

// Purge purges urls, BatchSize at a time, stopping at the first failure.
func (p *Purger) Purge(ctx context.Context, urls []string) error {
	for len(urls) > 0 {
		n := min(len(urls), BatchSize)
		batch := urls[:n]
		urls = urls[n:]
		res, err := p.api.PurgeCache(ctx, p.zone, cloudflare.PurgeCacheRequest{Files: batch})
		if err == nil && !res.Success {
			err = fmt.Errorf("API answered success=false: %v", res.Errors)
		}
		if err != nil {
			return fmt.Errorf("purging %d URLs (%s…) from zone %s: %w", len(batch), batch[0], p.zone, err)
		}
	}
	return nil
}
