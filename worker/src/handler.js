// The worker's request handler: the order of checks is the whole routing.

import { authorize, markPrivate } from "./auth.js";
import { config } from "./config.js";
import { answerQuery } from "./query.js";
import { treePath } from "./paths.js";
import { ALLOWED_METHODS, errorResponse, preflight } from "./responses.js";
import { open, serveObject } from "./tree.js";
import { signLocation, validPackageRequest } from "./packageurl.js";

/**
 * handle answers one request.
 * @param {Request} request
 * @param {Record<string, unknown>} env the worker's bindings
 * @returns {Promise<Response>}
 */
export async function handle(request, env) {
  const method = request.method;
  let cfg;
  try {
    cfg = config(env);
  } catch (err) {
    console.error(err.message);
    return errorResponse(500, method);
  }
  const url = new URL(request.url);
  const { denied, authorized } = await authorize(request, url, cfg.tokens);
  if (denied) {
    // A module package with a valid signed URL (see packageurl.js).
    if (cfg.tokens !== null && (await validPackageRequest(request, url, cfg.tokens))) {
      return markPrivate(await route(request, url, cfg, null));
    }
    return denied;
  }
  // Authorized download answers hand out signed package URLs.
  const sign = authorized ? (loc) => signLocation(loc, cfg.tokens) : null;
  const res = await route(request, url, cfg, sign);
  return authorized ? markPrivate(res) : res;
}

/**
 * route answers a request that may proceed.
 * @param {Request} request
 * @param {URL} url
 * @param {import("./config.js").Config} cfg
 * @param {((loc: string) => Promise<string>) | null} sign rewrites download locations, or null
 * @returns {Promise<Response>}
 */
async function route(request, url, cfg, sign) {
  const method = request.method;
  if (method === "OPTIONS") return preflight();
  if (method !== "GET" && method !== "HEAD") {
    return errorResponse(405, method, { headers: { Allow: ALLOWED_METHODS } });
  }
  try {
    const answer = await answerQuery(request, url, cfg);
    if (answer !== null) return answer;
    const name = treePath(url.pathname);
    if (name === null) return errorResponse(404, method);
    const found = await open(cfg.bucket, cfg.prefix, name);
    if (found === null) return errorResponse(404, method);
    return await serveObject(request, found, sign);
  } catch (err) {
    console.error(`${method} ${url.pathname}: ${err.message}`);
    return errorResponse(500, method);
  }
}
