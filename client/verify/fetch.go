package verify

import (
	"context"
	"net/http"
	"time"

	"github.com/regen-registry/regen/client"
)

// fetch gets the tree path p, retrying network errors, 429 and 5xx up to
// retries times with doubling delays. The caller closes the body and
// calls the returned cancel function when done with it.
func fetch(ctx context.Context, c *client.Client, p string, timeout time.Duration, retries int, delay time.Duration) (*http.Response, context.CancelFunc, error) {
	for attempt := 0; ; attempt++ {
		rctx, cancel := context.WithTimeout(ctx, timeout)
		resp, err := c.Get(rctx, p)
		if attempt >= retries || ctx.Err() != nil || (err == nil && !transient(resp.StatusCode)) {
			if err != nil {
				cancel()
				return nil, nil, err
			}
			return resp, cancel, nil
		}
		if resp != nil {
			resp.Body.Close()
		}
		cancel()
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(delay << attempt):
		}
	}
}

func transient(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500
}
