package client

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// DefaultUserAgent is the User-Agent sent unless WithUserAgent says otherwise.
const DefaultUserAgent = "regen-client/1"

// DefaultMirrorPath is where regen's generator writes the provider network
// mirror, relative to the registry's base URL.
const DefaultMirrorPath = "mirror/"

// Client talks to one registry. It is safe for concurrent use.
type Client struct {
	base   *url.URL // ends with "/"
	mirror *url.URL // ends with "/"
	hc     *http.Client
	agent  string

	fixed *Services // from WithServices: no discovery

	mu         sync.Mutex
	discovered *Services // cached result of Discover
}

// Option configures a Client.
type Option func(*options)

type options struct {
	creds     Credentials
	agent     string
	mirror    string
	modules   string
	providers string
	fixed     bool
}

// WithCredentials sets the bearer tokens to send, per hostname. See the
// package documentation for when a token is sent.
func WithCredentials(c Credentials) Option {
	return func(o *options) { o.creds = c }
}

// WithUserAgent sets the User-Agent header of every request.
func WithUserAgent(ua string) Option {
	return func(o *options) { o.agent = ua }
}

// WithMirrorURL sets the base URL of the provider network mirror, absolute
// or relative to the registry's base URL (default DefaultMirrorPath).
func WithMirrorURL(u string) Option {
	return func(o *options) { o.mirror = u }
}

// WithServices skips service discovery and uses these service URLs,
// absolute or relative to the base URL, like a Terraform CLI configuration
// `host` block. The rules of discovery apply: modules gets a trailing "/"
// and providers must end with one. An empty URL means the service is not
// provided.
func WithServices(modules, providers string) Option {
	return func(o *options) { o.modules, o.providers, o.fixed = modules, providers, true }
}

// New returns a Client for the registry at baseURL (an absolute http or
// https URL: "https://registry.example.com" or, for a registry published
// under a prefix, "https://example.com/registry/"), sending requests with
// hc. A nil hc means a new http.Client with http.DefaultTransport.
//
// The Client uses a copy of hc whose Transport adds credentials; hc itself
// is not changed, and its CheckRedirect, Jar and Timeout apply.
func New(baseURL string, hc *http.Client, opts ...Option) (*Client, error) {
	base, err := parseBase(baseURL)
	if err != nil {
		return nil, err
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	creds, err := o.creds.normalize()
	if err != nil {
		return nil, err
	}
	if hc == nil {
		hc = &http.Client{}
	}
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	c := &Client{base: base, agent: o.agent}
	c.hc = &http.Client{
		Transport:     &authTransport{base: rt, creds: creds},
		CheckRedirect: hc.CheckRedirect,
		Jar:           hc.Jar,
		Timeout:       hc.Timeout,
	}
	if c.agent == "" {
		c.agent = DefaultUserAgent
	}
	mirror := o.mirror
	if mirror == "" {
		mirror = DefaultMirrorPath
	}
	if c.mirror, err = resolveDir(base, mirror); err != nil {
		return nil, fmt.Errorf("mirror URL %q: %w", mirror, err)
	}
	if o.fixed {
		s, err := servicesFrom(base, map[string]string{modulesService: o.modules, providersService: o.providers})
		if err != nil {
			return nil, err
		}
		c.fixed = s
	}
	return c, nil
}

// BaseURL returns the registry's base URL, ending with "/".
func (c *Client) BaseURL() *url.URL {
	u := *c.base
	return &u
}

func parseBase(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("registry URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("registry URL %q: want an absolute http or https URL", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("registry URL %q: must not hold user info, a query or a fragment", raw)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u = u.JoinPath("/")
	}
	return u, nil
}

// resolveDir resolves ref against base and makes sure the result, an http
// or https URL, ends with "/".
func resolveDir(base *url.URL, ref string) (*url.URL, error) {
	r, err := url.Parse(ref)
	if err != nil {
		return nil, err
	}
	u := base.ResolveReference(r)
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, errors.New("not an http or https URL")
	}
	if !strings.HasSuffix(u.Path, "/") {
		u = u.JoinPath("/")
	}
	return u, nil
}
