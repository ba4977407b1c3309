package client

import "net/http"

// authTransport adds the bearer token of a request's own host to it. Every
// hop of a redirect passes through RoundTrip, so each gets the token of its
// own host or none; any Authorization header net/http copied from an
// earlier hop is removed first.
type authTransport struct {
	base  http.RoundTripper
	creds Credentials
}

// RoundTrip implements http.RoundTripper without changing req.
func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	token, send := t.creds.tokenFor(req.URL)
	if !send && req.Header.Get("Authorization") == "" {
		return t.base.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.Header.Del("Authorization")
	if send {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	return t.base.RoundTrip(r)
}
