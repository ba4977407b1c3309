package uploadtest

import (
	"net/http"
	"strings"
	"sync"
)

// CountingTransport counts the requests it carries, and can fail them.
type CountingTransport struct {
	// Base carries the requests (default: a clone of
	// http.DefaultTransport keeping 128 idle connections).
	Base http.RoundTripper
	// Before, when set, runs before each request; an error it returns
	// fails the request without sending it.
	Before func(*http.Request) error

	once sync.Once
	mu   sync.Mutex
	reqs []Request
}

// Request is a request seen by a CountingTransport.
type Request struct {
	Method string
	Path   string // URL path, e.g. /bucket/key
	Query  string
}

// NewCountingTransport returns a counting transport over a fresh
// connection pool.
func NewCountingTransport() *CountingTransport { return &CountingTransport{} }

// Client returns an HTTP client using the transport.
func (c *CountingTransport) Client() *http.Client { return &http.Client{Transport: c} }

// RoundTrip implements http.RoundTripper.
func (c *CountingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.once.Do(func() {
		if c.Base == nil {
			t := http.DefaultTransport.(*http.Transport).Clone()
			t.MaxIdleConns, t.MaxIdleConnsPerHost = 128, 128
			c.Base = t
		}
	})
	c.mu.Lock()
	c.reqs = append(c.reqs, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery})
	c.mu.Unlock()
	if c.Before != nil {
		if err := c.Before(r); err != nil {
			if r.Body != nil {
				r.Body.Close()
			}
			return nil, err
		}
	}
	return c.Base.RoundTrip(r)
}

// Requests returns the requests seen since the last Reset.
func (c *CountingTransport) Requests() []Request {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Request(nil), c.reqs...)
}

// Reset forgets the requests seen.
func (c *CountingTransport) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reqs = nil
}

// ObjectPuts returns the keys (path-style URL paths without the bucket)
// of the PUT requests for registry objects, leaving out regen's own
// objects under .regen/.
func (c *CountingTransport) ObjectPuts(bucket string) []string {
	var out []string
	for _, r := range c.Requests() {
		if r.Method != http.MethodPut {
			continue
		}
		key := strings.TrimPrefix(r.Path, "/"+bucket+"/")
		if strings.HasPrefix(key, ".regen/") || strings.Contains(key, "/.regen/") {
			continue
		}
		out = append(out, key)
	}
	return out
}
