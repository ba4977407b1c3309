// The worker's settings, read from its bindings (wrangler.toml / the
// Cloudflare dashboard) and from the build settings `regen build` wrote
// (build.js).

import { ACCESS, TOKENS_BINDING } from "./build.js";

/**
 * @typedef {object} Config
 * @property {R2Bucket} bucket  the R2 bucket holding the built tree (binding TREE)
 * @property {string} prefix    key prefix of the tree in the bucket (var TREE_PREFIX, "" or ending in "/")
 * @property {Map<string,string>|null} tokens accepted bearer tokens by the lower-case hex
 *   SHA-256 of each, with their names (secret TOKENS_BINDING), or null for a public registry
 */

/** ConfigError is a misconfigured deployment; the worker answers 500. */
export class ConfigError extends Error {}

/**
 * config reads and checks the bindings. A worker built for a private
 * registry (access "private") without its tokens secret is a
 * misconfiguration, not a public registry: config throws, and the worker
 * answers every request with 500.
 * @param {Record<string, unknown>} env
 * @param {string} [access] "public" or "private" (default: the build's, ACCESS)
 * @returns {Config}
 */
export function config(env, access = ACCESS) {
  const bucket = env.TREE;
  if (!bucket || typeof bucket.get !== "function") {
    throw new ConfigError("worker: no R2 bucket bound as TREE (add an [[r2_buckets]] binding named TREE)");
  }
  let prefix = typeof env.TREE_PREFIX === "string" ? env.TREE_PREFIX : "";
  if (prefix !== "" && !prefix.endsWith("/")) prefix += "/";
  if (prefix.startsWith("/") || prefix.split("/").some((s, i, a) => (s === "" && i !== a.length - 1) || s === "." || s === "..")) {
    throw new ConfigError(`worker: TREE_PREFIX ${JSON.stringify(env.TREE_PREFIX)} is not a relative folder such as "registry/"`);
  }
  const tokens = parseTokens(env[TOKENS_BINDING]);
  if (tokens === null && access !== "public") {
    throw new ConfigError(
      `worker: built for a private registry (regen build --access private), but the secret ${TOKENS_BINDING} is not set: ` +
        `refusing to serve; set it with \`regen token hash\` lines piped to \`npx wrangler secret put ${TOKENS_BINDING}\``,
    );
  }
  return { bucket, prefix, tokens };
}

/**
 * parseTokens reads the accepted tokens from a tokens file's content, the
 * format `regen serve --tokens FILE` reads (serve/auth): one token per line
 * as the hex SHA-256 of the token, optionally followed by white space and
 * a name; blank lines and lines starting with "#" are ignored. Unset means
 * a public registry; a set value must list at least one token.
 * @param {unknown} v
 * @returns {Map<string,string>|null} lower-case hex digest → name
 */
export function parseTokens(v) {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") throw new ConfigError(`worker: ${TOKENS_BINDING} must be a string (the content of a tokens file)`);
  const out = new Map();
  const lines = v.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([0-9a-fA-F]{64})(?:\s+(.*))?$/.exec(line);
    if (m === null) {
      throw new ConfigError(`worker: ${TOKENS_BINDING} line ${i + 1}: want the 64-hex-digit SHA-256 of a token, then an optional name (see \`regen token hash\`), not a token itself`);
    }
    const digest = m[1].toLowerCase();
    if (out.has(digest)) throw new ConfigError(`worker: ${TOKENS_BINDING} line ${i + 1}: the same token hash is listed twice`);
    out.set(digest, (m[2] ?? "").trim());
  }
  if (out.size === 0) throw new ConfigError(`worker: ${TOKENS_BINDING} is set but lists no token; remove it for a public registry`);
  return out;
}
