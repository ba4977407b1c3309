// Package serve answers the registry protocols over HTTP(S) from a tree
// written by `regen build`: service discovery, the module and provider
// registry protocols, the provider network mirror and every listing or
// docs file the generator wrote.
//
// # Layers
//
// A [Source] opens documents by tree path ("v1/providers/ns/type/versions").
// [Dir] is the Source for a built tree on disk; it serves only regular
// files and never through a symbolic link (package internal/safefile), so
// nothing outside the directory, nothing under ".regen/" and no pipe or
// device is ever read, whatever links or request paths try. A Source that answers straight from a
// registry-data folder (for `regen serve --data DIR`) implements the same
// one-method interface and needs nothing else from this package.
//
// [Handler] turns a Source into an [http.Handler]. It
//   - refuses request paths that are not clean tree paths (".." or "."
//     segments, empty segments, NUL or control bytes, backslashes) and any
//     path with a segment starting with "." except ".well-known", so the
//     build manifest under ".regen/" is never served;
//   - sets Content-Type from [manifest.ContentType] unless the Source gives one;
//   - adds X-Terraform-Get, taken from the body's "location", to module
//     version downloads (v1/modules/ns/name/system/version/download) and
//     serves them as 200 with the body: Terraform reads only the header,
//     OpenTofu reads the body;
//   - answers the latest-version download (v1/modules/ns/name/system/download)
//     with 302 to /v1/modules/ns/name/system/<version>/download;
//   - sets a strong ETag (sha256 of the content) and answers If-None-Match
//     with 304, handles HEAD, and sets Cache-Control from [DefaultCacheControl]
//     (or [HandlerOptions.CacheControl]);
//   - allows any origin (CORS) and answers OPTIONS preflights with 204;
//   - answers unknown paths with 404 and other methods with 405, both with
//     the registry error body {"errors":["..."]} as application/json;
//   - logs one debug record per request through the injected slog logger.
//
// # Case
//
// The generator writes API paths with namespaces, names, types and systems
// lower-cased. Clients normalise provider namespaces and types to lower
// case, but module addresses keep the case the user wrote ("Azure/x/aws").
// When a request path does not exist as written, the Handler tries, in this
// order, the path with only the address segments lower-cased (namespace,
// name and system of v1/modules/..., namespace and type of v1/providers/...;
// the version keeps its case) and then the whole path lower-cased, and
// serves the first that exists. A request never reaches a file whose path
// differs from it other than by case, and a tree whose paths contain
// upper-case letters is still served exactly as written.
//
// # Extending
//
// Later features wrap the two seams rather than growing the Handler:
//   - private registries: an http.Handler middleware checking a bearer
//     token in front of the Handler ([Options.Wrap] for `regen serve`);
//   - download counting: a Source wrapping another Source sees every
//     document opened, or a middleware sees every request and its status;
//   - dynamic answers (search, listings with query parameters): a Source
//     that computes the document for those paths and delegates the rest, or
//     a mux in front of the Handler.
//
// [Run] is `regen serve`: it listens (port 0 works), serves over TLS with
// a given certificate, over TLS with a CA and server certificate made for
// the run by [NewSelfSigned] (the CA certificate goes to Options.CAOut, by
// default a new file in the temporary directory removed on exit; its key
// never leaves memory), or over plain HTTP. It prints to Options.Stdout the
// `export SSL_CERT_FILE=…` line, a CLI config host block and, last, the line
// "listening on <scheme>://<host:port>" with the port actually bound, and
// shuts down gracefully when its context is cancelled.
package serve
