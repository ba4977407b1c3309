// Package query answers the dynamic part of the public discovery API for
// `regen serve`: GET /v1/modules/search?q=… and every listing asked for
// with query parameters — /v1/modules, /v1/modules/<ns>,
// /v1/modules/<ns>/<name>, /v1/providers, /v1/providers/<ns> with
// offset, limit, provider, namespace, verified.
//
// It is a middleware (serve.Options.Wrap): requests it does not answer —
// everything else, and listings without parameters, which are static files
// — go to the static handler. Answers come from the search index the build
// wrote under v1/search-index/ (package generator/search), rendered by the
// same functions the build uses for the static first pages
// (generator/discovery), so /v1/modules and /v1/modules?offset=0&limit=10
// are the same bytes. The index is read through the same serve.Source as
// the static files and reloaded in the background when its meta.json
// changes (a new build), checked at most once a second.
//
// Parameters: offset (0 to 1,000,000,000, default 0), limit (≥ 1, default
// 10, capped at 100 however large the number), q (search text; required
// on /v1/modules/search), namespace, provider, verified (true/false);
// unknown parameters are ignored. A bad value is a 400 with
// {"errors":["…"]}; an unknown namespace or module name is a 404, as the
// static tree answers. The page URLs in meta carry the recognised
// parameters only, sorted.
package query
