package github

import (
	"context"
	"fmt"
	"io"
	"net/http"
)

// Fetch downloads url into memory, refusing bodies longer than limit
// bytes. A status other than 200 is a *StatusError.
func (c *Client) Fetch(ctx context.Context, url string, limit int64) ([]byte, error) {
	resp, err := c.Get(ctx, url, nil)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, NewStatusError(url, resp)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("downloading %s: %w", url, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("downloading %s: larger than %d bytes", url, limit)
	}
	return b, nil
}

// Download copies url's body to w, refusing bodies longer than limit
// bytes, and returns the number of bytes written. A status other than 200
// is a *StatusError.
func (c *Client) Download(ctx context.Context, url string, w io.Writer, limit int64) (int64, error) {
	resp, err := c.Get(ctx, url, nil)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, NewStatusError(url, resp)
	}
	defer resp.Body.Close()
	n, err := io.Copy(w, io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return n, fmt.Errorf("downloading %s: %w", url, err)
	}
	if n > limit {
		return n, fmt.Errorf("downloading %s: larger than %d bytes", url, limit)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return n, fmt.Errorf("downloading %s: got %d of %d bytes", url, n, resp.ContentLength)
	}
	return n, nil
}
