// Package worker holds regen's edge worker: a Cloudflare Worker (an ES
// module, JavaScript under src/) that serves a tree written by `regen
// build` and published by `regen upload` from an R2 bucket, and this Go
// package that embeds its source so `regen build` can hand it out.
//
// The worker answers like `regen serve` (package serve is the reference):
//   - every document of the tree by its path, with the Content-Type and
//     Cache-Control `regen upload` stored with the object (or, for objects
//     put there otherwise, the ones serve would send), a strong ETag (the
//     sha256 `regen upload` stores as custom metadata "sha256", else R2's
//     own), 304 for a matching If-None-Match (or If-Modified-Since), HEAD;
//   - a document whose URL path is also a folder from <path>/index.json
//     (manifest.DirIndex);
//   - module version downloads as 200 with the JSON body and the
//     X-Terraform-Get header taken from its "location" — Terraform reads
//     only the header, which a bucket alone cannot send, so plain
//     Terraform works against an R2-hosted registry through the worker;
//   - the latest-version module download as 302 to the versioned one;
//   - request paths in the case the client wrote them when the tree has
//     them lower-cased (address segments first, then the whole path);
//   - nothing whose path has a segment starting with "." other than a
//     leading ".well-known", so regen's objects under ".regen/" stay
//     private;
//   - GET /v1/modules/search?q=… and the listings /v1/modules,
//     /v1/modules/<ns>, /v1/modules/<ns>/<name>, /v1/providers,
//     /v1/providers/<ns> asked for with query parameters, as serve/query
//     answers them (same parameters, 400/404 errors and documents),
//     computed from the static search index (v1/search-index/,
//     generator/search) by reading only the few index files a query
//     needs; without parameters the static first pages are served;
//   - CORS for any origin, OPTIONS preflights with 204, registry errors
//     {"errors":[…]} with 404, 405 and 500;
//   - bearer tokens as serve/auth applies them: when the secret TOKENS
//     (required by a worker built private; see Bindings) holds a tokens file (hex SHA-256 of each token, one per line, with an
//     optional name), every request except service discovery and CORS
//     preflights needs "Authorization: Bearer <token>" whose digest is
//     listed — 401 with a WWW-Authenticate challenge otherwise — and
//     authorized answers are marked Cache-Control private with
//     Vary: Authorization. Terraform sends the token from a
//     `credentials "<host>"` block.
//
// The differential test (differential_test.go) sends several hundred
// requests — every file of a build, in several spellings, conditional,
// HEAD, OPTIONS, POST, hostile paths, searches and listings with good and
// bad parameters, with and without tokens — to the worker and to `regen
// serve`'s handlers over the same tree and requires identical statuses,
// bodies and headers (Date, Last-Modified and Accept-Ranges aside).
//
// Range requests are answered with the whole document (200), which HTTP
// allows; registry documents are small. Each request reads the bucket
// directly (no cache in the isolate), so a new upload is visible at once;
// a search reads meta.json, one term shard per query term (more when a
// short term's shard is split) and one table shard per page of results.
//
// # Bindings
//
//	TREE         R2 bucket binding (required): the bucket `regen upload` writes
//	TREE_PREFIX  var: key prefix of the tree in the bucket ("" by default)
//	TOKENS       secret (TokensBinding): the content of a tokens file, as
//	             `regen serve --tokens FILE` reads it
//
// Whether the registry is private is decided when it is built, not by
// whether the secret happens to be set: `regen build --access private`
// (regen.yaml access: private) writes src/build.js (BuildModule, made by
// BuildJS) with ACCESS "private", and such a worker answers every request
// with 500 and logs "built for a private registry, but the secret TOKENS
// is not set" until the secret is set. A worker built public serves
// everyone without the secret, and applies it when set. TOKENS_BINDING in
// src/build.js, TokensBinding here and every `wrangler secret put` in the
// docs are one name (TestTokensBindingIsOneName,
// TestDocsSecretNamesAreWhatTheWorkerReads).
//
// wrangler.toml.example is a starting configuration; deploy with
// `wrangler deploy` from a copy of the emitted folder.
//
// # Where the files go
//
// [Files] returns the worker's files (src/*.js and wrangler.toml.example)
// for generator/worker, which `regen build` uses to write them under
// .regen/worker/ in the output folder. Everything under .regen/ is
// regen's own: it is never served (by `regen serve` or the worker) and
// `regen upload` publishes only the manifest's files, so the worker's
// source never becomes part of the registry's API.
//
// # Tests
//
// `npm ci` in this folder (or .ci/install-worker-deps) installs Miniflare,
// which runs the real workerd runtime (its binary ships in the npm
// package) with a simulated R2 bucket. Then
//
//	node --test test/     # routing, query and auth tests against workerd
//	go test ./worker/     # terraform init through the worker over TLS,
//	                      # and the differential test against regen serve
//
// local/serve-tree.mjs runs the worker over any built tree:
//
//	node local/serve-tree.mjs --tree dist [--cert c.pem --key k.pem] [--tokens FILE] [--worker dist/.regen/worker]
//
// The Go tests skip, saying why, when node or the npm packages are missing
// (they fail instead in CI: internal/testtool).
// test/fixtures/ holds a search index and answers written by
// generator/search, and Content-Type/Cache-Control answers of package
// manifest and serve (TestSearchFixture, TestPathsFixture; refresh with
// -update), so the JavaScript is checked against the Go it mirrors.
package worker
