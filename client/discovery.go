package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// DiscoveryPath is where service discovery lives, relative to the base URL.
const DiscoveryPath = ".well-known/terraform.json"

// maxDiscovery bounds the discovery document.
const maxDiscovery = 1 << 20

const (
	modulesService   = "modules.v1"
	providersService = "providers.v1"
)

// Services are the service URLs a registry advertises.
type Services struct {
	// Modules is the modules.v1 URL, always ending with "/"; nil when the
	// registry does not provide the module registry protocol.
	Modules *url.URL
	// Providers is the providers.v1 URL, ending with "/"; nil when not
	// provided.
	Providers *url.URL
	// Raw holds every entry of the discovery document as sent, including
	// others such as login.v1. Nil when the services were not discovered.
	Raw map[string]json.RawMessage
}

// Discover fetches the service discovery document. A 404 means the host
// offers no services: the result then has nil URLs. The document must be
// served as application/json; relative service URLs are resolved against
// the discovery URL (after redirects). The result is cached: later calls
// and the other methods reuse it. With WithServices, Discover sends no
// request and returns those services. The result is the caller's to change.
func (c *Client) Discover(ctx context.Context) (*Services, error) {
	s, err := c.services(ctx)
	if err != nil {
		return nil, err
	}
	return s.clone(), nil
}

func (s *Services) clone() *Services {
	out := &Services{}
	if s.Modules != nil {
		u := *s.Modules
		out.Modules = &u
	}
	if s.Providers != nil {
		u := *s.Providers
		out.Providers = &u
	}
	if s.Raw != nil {
		out.Raw = make(map[string]json.RawMessage, len(s.Raw))
		for k, v := range s.Raw {
			out.Raw[k] = append(json.RawMessage(nil), v...)
		}
	}
	return out
}

// services returns the cached services, discovering them on first use.
func (c *Client) services(ctx context.Context) (*Services, error) {
	if c.fixed != nil {
		return c.fixed, nil
	}
	c.mu.Lock()
	s := c.discovered
	c.mu.Unlock()
	if s != nil {
		return s, nil
	}
	s, err := c.discover(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.discovered = s
	c.mu.Unlock()
	return s, nil
}

func (c *Client) discover(ctx context.Context) (*Services, error) {
	u := join(c.base, ".well-known", "terraform.json")
	resp, err := c.do(ctx, http.MethodGet, u)
	if err != nil {
		return nil, fmt.Errorf("service discovery: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return &Services{}, nil
	}
	if err := checkStatus(resp, http.StatusOK); err != nil {
		return nil, fmt.Errorf("service discovery: %w", err)
	}
	final := resp.Request.URL
	ct := resp.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return nil, fmt.Errorf("service discovery at %s: Content-Type %q, want application/json", final.Redacted(), ct)
	}
	body, err := readAll(resp.Body, maxDiscovery)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", final.Redacted(), err)
	}
	s, err := parseDiscovery(final, body)
	if err != nil {
		return nil, fmt.Errorf("service discovery at %s: %w", final.Redacted(), err)
	}
	return s, nil
}

// parseDiscovery decodes a discovery document fetched from discoURL.
func parseDiscovery(discoURL *url.URL, body []byte) (*Services, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, errors.New("document is not a JSON object")
	}
	refs := map[string]string{}
	for _, name := range []string{modulesService, providersService} {
		v, ok := raw[name]
		if !ok {
			continue
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil || s == "" {
			return nil, fmt.Errorf("%s: want a non-empty URL string, got %s", name, v)
		}
		refs[name] = s
	}
	s, err := servicesFrom(discoURL, refs)
	if err != nil {
		return nil, err
	}
	s.Raw = raw
	return s, nil
}

// servicesFrom resolves service URL references against base; an empty
// reference means the service is not provided.
func servicesFrom(base *url.URL, refs map[string]string) (*Services, error) {
	var s Services
	for _, name := range []string{modulesService, providersService} {
		ref := refs[name]
		if ref == "" {
			continue
		}
		r, err := url.Parse(ref)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		u := base.ResolveReference(r)
		if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
			return nil, fmt.Errorf("%s: %q is not an http or https URL", name, ref)
		}
		if u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("%s: %q must not hold a query or fragment", name, ref)
		}
		switch name {
		case modulesService:
			if !strings.HasSuffix(u.Path, "/") {
				u = u.JoinPath("/")
			}
			s.Modules = u
		case providersService:
			if !strings.HasSuffix(u.Path, "/") {
				return nil, fmt.Errorf("%s: %q must end with \"/\"", name, ref)
			}
			s.Providers = u
		}
	}
	return &s, nil
}

// modulesURL returns the modules.v1 URL, discovering it if needed.
func (c *Client) modulesURL(ctx context.Context) (*url.URL, error) {
	s, err := c.services(ctx)
	if err != nil {
		return nil, err
	}
	if s.Modules == nil {
		return nil, fmt.Errorf("registry at %s does not provide %s", c.base.Redacted(), modulesService)
	}
	return s.Modules, nil
}

// providersURL returns the providers.v1 URL, discovering it if needed.
func (c *Client) providersURL(ctx context.Context) (*url.URL, error) {
	s, err := c.services(ctx)
	if err != nil {
		return nil, err
	}
	if s.Providers == nil {
		return nil, fmt.Errorf("registry at %s does not provide %s", c.base.Redacted(), providersService)
	}
	return s.Providers, nil
}
