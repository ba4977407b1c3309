package github

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// ClientOptions configures NewClient.
type ClientOptions struct {
	// Endpoints decide which hosts get the token.
	Endpoints Endpoints
	// Token, when set, is sent as "Authorization: Bearer" to the REST API
	// host and as git's basic-auth password to git requests on the web
	// host, and to no other host (release downloads redirect to storage
	// hosts that must not see it).
	Token string
	// Rate limits requests per host, per second; 0 means no limit.
	Rate float64
	// Burst is how many requests a host may get at once (default 1, or
	// the rate rounded up when it is above 1).
	Burst int
	// Base is the transport requests go through (default: a clone of
	// http.DefaultTransport with keep-alive sized for Conns).
	Base http.RoundTripper
	// Conns is how many idle connections to keep per host (default 64).
	Conns int
	// UserAgent is sent with every request (default "regen").
	UserAgent string
}

// Client is an HTTP client for GitHub: every request, including each hop
// of a redirect and each git request, waits for its host's rate limiter,
// is counted, and carries the token only where ClientOptions says.
type Client struct {
	http      *http.Client
	endpoints Endpoints
	token     string
	ua        string
	limit     rate.Limit
	burst     int
	base      http.RoundTripper

	mu       sync.Mutex
	limiters map[string]*rate.Limiter
	perHost  map[string]int64
	requests atomic.Int64
}

// NewClient returns a client with the options applied.
func NewClient(o ClientOptions) *Client {
	c := &Client{
		endpoints: o.Endpoints,
		token:     o.Token,
		ua:        o.UserAgent,
		limit:     rate.Inf,
		burst:     o.Burst,
		base:      o.Base,
		limiters:  map[string]*rate.Limiter{},
		perHost:   map[string]int64{},
	}
	if c.ua == "" {
		c.ua = "regen"
	}
	if o.Rate > 0 {
		c.limit = rate.Limit(o.Rate)
		if c.burst <= 0 {
			c.burst = max(1, int(o.Rate+0.999))
		}
	}
	if c.base == nil {
		conns := o.Conns
		if conns <= 0 {
			conns = 64
		}
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConns = 4 * conns
		t.MaxIdleConnsPerHost = conns
		t.ResponseHeaderTimeout = 2 * time.Minute
		t.DialContext = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
		c.base = t
	}
	c.http = &http.Client{Transport: roundTripper{c}}
	return c
}

// HTTP returns the underlying *http.Client (for go-git's transport).
func (c *Client) HTTP() *http.Client { return c.http }

// Endpoints returns the endpoints the client was made with.
func (c *Client) Endpoints() Endpoints { return c.endpoints }

// Requests returns how many requests the client has sent (each redirect
// hop counts).
func (c *Client) Requests() int64 { return c.requests.Load() }

// RequestsByHost returns the request count per host.
func (c *Client) RequestsByHost() map[string]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int64, len(c.perHost))
	for h, n := range c.perHost {
		out[h] = n
	}
	return out
}

// Get sends a GET request with the extra headers and returns the response;
// the caller closes its body.
func (c *Client) Get(ctx context.Context, url string, header http.Header) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("requesting %s: %w", url, err)
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("requesting %s: %w", url, err)
	}
	return resp, nil
}

// limiter returns the rate limiter of a host and counts a request to it.
func (c *Client) limiter(host string) *rate.Limiter {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.perHost[host]++
	l := c.limiters[host]
	if l == nil {
		l = rate.NewLimiter(c.limit, c.burst)
		c.limiters[host] = l
	}
	return l
}

type roundTripper struct{ c *Client }

func (rt roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	c := rt.c
	host := strings.ToLower(req.URL.Host)
	if err := c.limiter(host).Wait(req.Context()); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, fmt.Errorf("waiting for the rate limit of %s: %w", host, err)
	}
	c.requests.Add(1)
	req = req.Clone(req.Context())
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", c.ua)
	}
	if c.token != "" && req.Header.Get("Authorization") == "" {
		switch {
		case sameOrigin(req, c.endpoints.api.Scheme, c.endpoints.api.Host) && underPath(req, c.endpoints.api.Path):
			req.Header.Set("Authorization", "Bearer "+c.token)
		case sameOrigin(req, c.endpoints.web.Scheme, c.endpoints.web.Host) && isGitRequest(req):
			req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("x-access-token:"+c.token)))
		}
	}
	return c.base.RoundTrip(req)
}

func sameOrigin(req *http.Request, scheme, host string) bool {
	return req.URL.Scheme == scheme && strings.EqualFold(req.URL.Host, host)
}

// underPath reports whether the request's path is base or below it (an
// API base sharing its host with the web base, as GitHub Enterprise's
// /api/v3 does, must not give the token to web requests).
func underPath(req *http.Request, base string) bool {
	return base == "" || req.URL.Path == base || strings.HasPrefix(req.URL.Path, base+"/")
}

// isGitRequest reports whether req is part of git's smart HTTP protocol.
func isGitRequest(req *http.Request) bool {
	p := req.URL.Path
	return strings.HasSuffix(p, "/info/refs") || strings.HasSuffix(p, "/git-upload-pack")
}

// StatusError is a response with an unexpected status.
type StatusError struct {
	URL    string
	Status int
	// Message is GitHub's "message" for API errors, or the start of the
	// body.
	Message string
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("%s: HTTP %d", e.URL, e.Status)
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// NotFound reports whether the status is 404 (or 410).
func (e *StatusError) NotFound() bool {
	return e.Status == http.StatusNotFound || e.Status == http.StatusGone
}

// NewStatusError reads up to 512 bytes of the body into a StatusError and
// closes it.
func NewStatusError(url string, resp *http.Response) *StatusError {
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	msg := strings.TrimSpace(string(b))
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return &StatusError{URL: url, Status: resp.StatusCode, Message: msg}
}
