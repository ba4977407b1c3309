package target

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/regen-registry/regen/upload"
	"github.com/regen-registry/regen/upload/filestore"
	"github.com/regen-registry/regen/upload/s3store"
)

// Config holds the settings of S3 targets.
type Config struct {
	Endpoint string // S3-compatible endpoint URL ("" for AWS)
	Region   string
	// PathStyle forces (true) or forbids (false) path-style addressing;
	// nil uses path style exactly when Endpoint is set.
	PathStyle  *bool
	Jobs       int
	HTTPClient *http.Client
	Logger     *slog.Logger
}

// Open returns the store named by raw.
func Open(ctx context.Context, raw string, c Config) (upload.Store, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("target %q: %w", raw, err)
	}
	switch u.Scheme {
	case "s3":
		if u.Host == "" {
			return nil, fmt.Errorf("target %q: no bucket (want s3://BUCKET[/PREFIX])", raw)
		}
		if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return nil, fmt.Errorf("target %q: unexpected query, fragment or user (want s3://BUCKET[/PREFIX])", raw)
		}
		pathStyle := c.Endpoint != ""
		if c.PathStyle != nil {
			pathStyle = *c.PathStyle
		}
		return s3store.New(ctx, s3store.Config{
			Bucket:      u.Host,
			Prefix:      strings.Trim(u.Path, "/"),
			Endpoint:    c.Endpoint,
			Region:      c.Region,
			PathStyle:   pathStyle,
			HTTPClient:  c.HTTPClient,
			Connections: c.Jobs,
			Logger:      c.Logger,
		})
	case "file":
		dir := u.Path
		if u.Opaque != "" {
			dir = u.Opaque // file:relative/path
		} else if u.Host != "" && u.Host != "localhost" {
			return nil, fmt.Errorf("target %q: a file URL names a local folder: file:///absolute/path or file:relative/path", raw)
		}
		if dir == "" {
			return nil, fmt.Errorf("target %q: no folder", raw)
		}
		if c.Endpoint != "" {
			return nil, fmt.Errorf("target %q: --endpoint applies to s3:// targets only", raw)
		}
		return filestore.New(dir)
	case "":
		return nil, fmt.Errorf("target %q: not a URL; use s3://BUCKET[/PREFIX] or file:///path", raw)
	}
	return nil, fmt.Errorf("target %q: unknown scheme %q (want s3 or file)", raw, u.Scheme)
}
