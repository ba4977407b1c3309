// Answers every route shares: CORS, preflights and registry errors, as
// serve/cors.go and serve/errors.go write them.

import { CACHE_NONE } from "./contenttype.js";

/** ALLOWED_METHODS is the Allow header of OPTIONS and 405 answers. */
export const ALLOWED_METHODS = "GET, HEAD, OPTIONS";

const STATUS_TEXT = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  500: "Internal Server Error",
};

/**
 * setCORS lets any origin read every answer: a registry is public, and a
 * private one authenticates with a bearer token, not cookies.
 * @param {Headers} h
 */
export function setCORS(h) {
  h.set("Access-Control-Allow-Origin", "*");
  h.set("Access-Control-Expose-Headers", "ETag, Location, X-Terraform-Get");
}

/** preflight answers an OPTIONS request (a CORS preflight or not) with 204. */
export function preflight() {
  const h = new Headers();
  setCORS(h);
  h.set("Allow", ALLOWED_METHODS);
  h.set("Access-Control-Allow-Methods", ALLOWED_METHODS);
  h.set(
    "Access-Control-Allow-Headers",
    "Accept, Authorization, Content-Type, If-None-Match, If-Modified-Since, Range",
  );
  h.set("Access-Control-Max-Age", "86400");
  return new Response(null, { status: 204, headers: h });
}

/**
 * errorResponse answers status with the registry error body
 * {"errors":["<message or status text>"]}.
 * @param {number} status
 * @param {string} method the request method (HEAD gets no body)
 * @param {{headers?: Record<string,string>, message?: string}} [opts]
 */
export function errorResponse(status, method, opts = {}) {
  const message = opts.message ?? STATUS_TEXT[status] ?? String(status);
  const body = JSON.stringify({ errors: [message] }) + "\n";
  const h = new Headers(opts.headers ?? {});
  setCORS(h);
  h.set("Content-Type", "application/json");
  h.set("Cache-Control", CACHE_NONE);
  h.set("Content-Length", String(new TextEncoder().encode(body).length));
  return new Response(method === "HEAD" ? null : body, { status, headers: h });
}

/**
 * jsonResponse answers 200 with a computed JSON document (query answers).
 * @param {unknown} doc
 * @param {string} method
 * @param {string} cacheControl
 */
export function jsonResponse(doc, method, cacheControl) {
  const body = JSON.stringify(doc) + "\n";
  const h = new Headers();
  setCORS(h);
  h.set("Content-Type", "application/json");
  h.set("Cache-Control", cacheControl);
  h.set("Content-Length", String(new TextEncoder().encode(body).length));
  return new Response(method === "HEAD" ? null : body, { status: 200, headers: h });
}
