// Build settings of the worker. `regen build` writes this module into the
// worker it emits (OUT/.regen/worker/src/build.js) from the Go constants
// of package worker (worker.BuildJS); the copy in the repository is what
// it writes for a public registry. Do not edit an emitted copy: rebuild
// with `regen build --access private` (or `access: private` in
// regen.yaml) instead.

/**
 * ACCESS is "private" for a worker built for a private registry: it then
 * refuses to serve anything (500, and a log line) unless its tokens
 * secret is set. "public" serves without tokens, or with them when set.
 */
export const ACCESS = "public";

/**
 * TOKENS_BINDING names the secret holding the tokens file (the content
 * `regen serve --tokens FILE` reads): `npx wrangler secret put TOKENS`.
 */
export const TOKENS_BINDING = "TOKENS";
