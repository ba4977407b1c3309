package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxDocument bounds the JSON documents read into memory (a listing page,
// a module detail with its README).
const maxDocument = 32 << 20

// Get fetches the document at path, a slash-separated path relative to the
// base URL ("v1/providers/hashicorp/aws/versions"; each segment is escaped),
// with the credentials of its host. It returns the response whatever its
// status, after the redirects the http.Client follows; the caller closes
// the body.
func (c *Client) Get(ctx context.Context, path string) (*http.Response, error) {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	return c.do(ctx, http.MethodGet, join(c.base, segs...))
}

// join appends unescaped path segments to a URL ending with "/".
func join(base *url.URL, segs ...string) *url.URL {
	esc := make([]string, len(segs))
	for i, s := range segs {
		esc[i] = url.PathEscape(s)
	}
	u := *base
	u.RawQuery, u.Fragment = "", ""
	p := strings.TrimSuffix(base.EscapedPath(), "/") + "/" + strings.Join(esc, "/")
	u.RawPath = p
	u.Path, _ = url.PathUnescape(p) // p was built from escaped parts
	return &u
}

func (c *Client) do(ctx context.Context, method string, u *url.URL) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, u.Redacted(), err)
	}
	req.Header.Set("User-Agent", c.agent)
	req.Header.Set("Accept", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err // *url.Error already names the method and URL
	}
	return resp, nil
}

// getJSON fetches u and decodes a 200 response into v, returning the final
// URL (after redirects) for resolving relative references. Any other status
// is an *APIError.
func (c *Client) getJSON(ctx context.Context, u *url.URL, v any) (*url.URL, error) {
	body, final, err := c.getBody(ctx, u, http.StatusOK)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", final.Redacted(), err)
	}
	return final, nil
}

// getBody fetches u and returns the body of a response with one of the
// statuses ok, with the final URL; other statuses are an *APIError.
func (c *Client) getBody(ctx context.Context, u *url.URL, ok ...int) ([]byte, *url.URL, error) {
	resp, err := c.do(ctx, http.MethodGet, u)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	final := resp.Request.URL
	if err := checkStatus(resp, ok...); err != nil {
		return nil, nil, err
	}
	body, err := readAll(resp.Body, maxDocument)
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", final.Redacted(), err)
	}
	return body, final, nil
}

// checkStatus returns an *APIError unless resp's status is one of ok.
func checkStatus(resp *http.Response, ok ...int) error {
	for _, s := range ok {
		if resp.StatusCode == s {
			return nil
		}
	}
	body, _ := readAll(resp.Body, maxErrorBody)
	return &APIError{
		Method:     resp.Request.Method,
		URL:        resp.Request.URL.Redacted(),
		StatusCode: resp.StatusCode,
		Messages:   errorMessages(body),
	}
}

// readAll reads r to the end, failing past limit bytes.
func readAll(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("response larger than %d bytes", limit)
	}
	return b, nil
}
