package query

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/regen-registry/regen/generator/search"
	"github.com/regen-registry/regen/regdata"
)

// maxParam bounds the length of a query parameter value.
const maxParam = 256

// route is what a request asks the index for.
type route struct {
	kind      routeKind
	urlPath   string // canonical (lower-cased) URL path of the listing
	namespace string // from the path
	name      string // from the path (per-name listing)
}

type routeKind int

const (
	routeNone routeKind = iota
	routeSearch
	routeModules   // /v1/modules
	routeNamespace // /v1/modules/<ns>
	routeName      // /v1/modules/<ns>/<name>
	routeProviders // /v1/providers
	routeProvNS    // /v1/providers/<ns>
)

// parseRoute recognises the listing and search paths.
func parseRoute(p string) route {
	p = strings.TrimSuffix(p, "/")
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	if len(segs) < 2 || segs[0] != "v1" {
		return route{}
	}
	for _, s := range segs[2:] {
		if !regdata.SafeSegment(s) {
			return route{}
		}
	}
	lower := strings.ToLower(strings.Join(segs, "/"))
	r := route{urlPath: "/" + lower}
	switch {
	case segs[1] == "modules" && len(segs) == 2:
		r.kind = routeModules
	case segs[1] == "modules" && len(segs) == 3 && segs[2] == "search":
		r.kind = routeSearch
	case segs[1] == "modules" && len(segs) == 3:
		r.kind, r.namespace = routeNamespace, segs[2]
	case segs[1] == "modules" && len(segs) == 4:
		r.kind, r.namespace, r.name = routeName, segs[2], segs[3]
	case segs[1] == "providers" && len(segs) == 2:
		r.kind = routeProviders
	case segs[1] == "providers" && len(segs) == 3:
		r.kind, r.namespace = routeProvNS, segs[2]
	default:
		return route{}
	}
	return r
}

// params are the query parameters of a listing or search.
type params struct {
	q         string
	namespace string
	provider  string
	verified  bool
	offset    int
	limit     int
	// canonical holds the recognised filters, for the page URLs.
	canonical url.Values
}

// maxOffset bounds the offset parameter: far beyond any listing, and
// small enough that offset+limit never overflows an int, even a 32-bit one.
const maxOffset = 1_000_000_000

// badRequest is a parameter error, answered 400.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

// parseParams reads offset, limit, q, namespace, provider and verified.
// Unknown parameters are ignored.
func parseParams(raw string) (params, error) {
	v, err := url.ParseQuery(raw)
	if err != nil {
		return params{}, &badRequest{"malformed query string"}
	}
	p := params{limit: search.DefaultLimit, canonical: url.Values{}}
	for _, k := range []string{"q", "namespace", "provider", "verified", "offset", "limit"} {
		if len(v.Get(k)) > maxParam {
			return params{}, &badRequest{fmt.Sprintf("parameter %q is longer than %d bytes", k, maxParam)}
		}
	}
	if v.Has("offset") {
		if p.offset, err = parseOffset(v.Get("offset")); err != nil {
			return params{}, err
		}
	}
	if v.Has("limit") {
		if p.limit, err = parseLimit(v.Get("limit")); err != nil {
			return params{}, err
		}
	}
	if v.Has("verified") {
		b, err := strconv.ParseBool(v.Get("verified"))
		if err != nil {
			return params{}, &badRequest{fmt.Sprintf("parameter \"verified\" must be true or false, not %q", v.Get("verified"))}
		}
		p.verified = b
		if b {
			p.canonical.Set("verified", "true")
		}
	}
	for k, dst := range map[string]*string{"q": &p.q, "namespace": &p.namespace, "provider": &p.provider} {
		if s := strings.TrimSpace(v.Get(k)); s != "" {
			*dst = s
			p.canonical.Set(k, s)
		}
	}
	return p, nil
}

// parseOffset reads the offset parameter: a decimal integer from 0 to
// maxOffset. Anything else, a number too large for an int included, is a
// bad request.
func parseOffset(s string) (int, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	var ne *strconv.NumError
	switch {
	case err == nil && n >= 0 && n <= maxOffset:
		return int(n), nil
	case (err == nil && n > maxOffset) || (errors.As(err, &ne) && ne.Err == strconv.ErrRange && !strings.HasPrefix(s, "-")):
		return 0, &badRequest{fmt.Sprintf("parameter \"offset\" must be at most %d, not %q", maxOffset, s)}
	}
	return 0, &badRequest{fmt.Sprintf("parameter \"offset\" must be an integer of at least 0, not %q", s)}
}

// parseLimit reads the limit parameter: a decimal integer of at least 1,
// capped at search.MaxLimit (a number too large for an int included).
// Anything else is a bad request.
func parseLimit(s string) (int, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	var ne *strconv.NumError
	switch {
	case err == nil && n >= 1:
		return int(min(n, search.MaxLimit)), nil
	case errors.As(err, &ne) && ne.Err == strconv.ErrRange && !strings.HasPrefix(s, "-"):
		return search.MaxLimit, nil
	}
	return 0, &badRequest{fmt.Sprintf("parameter \"limit\" must be an integer of at least 1, not %q", s)}
}
