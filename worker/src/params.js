// The routes and query parameters of searches and listings, read as
// serve/query reads them (its parseRoute and parseParams).

import { BadQuery, goQuote, parseQuery } from "./gojson.js";

/** MAX_PARAM bounds the length of a query parameter value (bytes). */
const MAX_PARAM = 256;
/** DEFAULT_LIMIT and MAX_LIMIT page the answers (generator/search). */
export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 100;

/** BadParam is a parameter error, answered 400. */
export class BadParam extends Error {}

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * parseRoute recognises the listing and search paths (serve/query's
 * parseRoute) in a decoded URL path, or returns null.
 * @param {string} p
 */
export function parseRoute(p) {
  if (p.endsWith("/")) p = p.slice(0, -1);
  const segs = (p.startsWith("/") ? p.slice(1) : p).split("/");
  if (segs.length < 2 || segs[0] !== "v1") return null;
  for (const s of segs.slice(2)) {
    if (new TextEncoder().encode(s).length > 255 || !SAFE_SEGMENT.test(s) || s.includes("..")) return null;
  }
  const r = { kind: "", urlPath: "/" + segs.join("/").toLowerCase(), namespace: "", name: "" };
  if (segs[1] === "modules" && segs.length === 2) r.kind = "modules";
  else if (segs[1] === "modules" && segs.length === 3 && segs[2] === "search") r.kind = "search";
  else if (segs[1] === "modules" && segs.length === 3) (r.kind = "namespace"), (r.namespace = segs[2]);
  else if (segs[1] === "modules" && segs.length === 4) (r.kind = "name"), (r.namespace = segs[2]), (r.name = segs[3]);
  else if (segs[1] === "providers" && segs.length === 2) r.kind = "providers";
  else if (segs[1] === "providers" && segs.length === 3) (r.kind = "provNS"), (r.namespace = segs[2]);
  else return null;
  return r;
}

const utf8Len = (s) => new TextEncoder().encode(s).length;

/** atoi is Go's strconv.Atoi on a 64-bit int: null when not a number or out of range. */
function atoi(s) {
  if (!/^[+-]?[0-9]+$/.test(s)) return null;
  const n = BigInt(s);
  if (n > 2n ** 63n - 1n || n < -(2n ** 63n)) return null;
  return n;
}

/** MAX_OFFSET bounds the offset parameter (serve/query's maxOffset). */
const MAX_OFFSET = 1000000000n;

/**
 * parseOffset reads the offset parameter: a decimal integer from 0 to
 * MAX_OFFSET (serve/query's parseOffset, messages included).
 * @param {string} s
 * @returns {bigint}
 */
function parseOffset(s) {
  if (/^[+-]?[0-9]+$/.test(s)) {
    const n = atoi(s);
    if (n !== null && n >= 0n && n <= MAX_OFFSET) return n;
    if ((n !== null && n > MAX_OFFSET) || (n === null && !s.startsWith("-"))) {
      throw new BadParam(`parameter "offset" must be at most ${MAX_OFFSET}, not ${goQuote(s)}`);
    }
  }
  throw new BadParam(`parameter "offset" must be an integer of at least 0, not ${goQuote(s)}`);
}

/**
 * parseLimit reads the limit parameter: a decimal integer of at least 1,
 * capped at MAX_LIMIT, numbers beyond int64 included (serve/query's
 * parseLimit).
 * @param {string} s
 * @returns {number}
 */
function parseLimit(s) {
  if (/^[+-]?[0-9]+$/.test(s)) {
    const n = BigInt(s);
    if (n >= 1n) return n > BigInt(MAX_LIMIT) ? MAX_LIMIT : Number(n);
  }
  throw new BadParam(`parameter "limit" must be an integer of at least 1, not ${goQuote(s)}`);
}

/** BOOLS are the spellings Go's strconv.ParseBool accepts. */
const BOOLS = new Map([
  ["1", true], ["t", true], ["T", true], ["TRUE", true], ["true", true], ["True", true],
  ["0", false], ["f", false], ["F", false], ["FALSE", false], ["false", false], ["False", false],
]);

/**
 * parseParams reads offset, limit, q, namespace, provider and verified
 * (serve/query's parseParams); unknown parameters are ignored.
 * @param {string} raw
 */
export function parseParams(raw) {
  let v;
  try {
    v = parseQuery(raw);
  } catch (err) {
    if (err instanceof BadQuery) throw new BadParam("malformed query string");
    throw err;
  }
  const get = (k) => v.get(k)?.[0] ?? "";
  const p = { q: "", namespace: "", provider: "", verified: false, offset: 0n, limit: DEFAULT_LIMIT, canonical: new Map() };
  for (const k of ["q", "namespace", "provider", "verified", "offset", "limit"]) {
    if (utf8Len(get(k)) > MAX_PARAM) throw new BadParam(`parameter ${goQuote(k)} is longer than ${MAX_PARAM} bytes`);
  }
  if (v.has("offset")) p.offset = parseOffset(get("offset"));
  if (v.has("limit")) p.limit = parseLimit(get("limit"));
  if (v.has("verified")) {
    const b = BOOLS.get(get("verified"));
    if (b === undefined) throw new BadParam(`parameter "verified" must be true or false, not ${goQuote(get("verified"))}`);
    p.verified = b;
    if (b) p.canonical.set("verified", ["true"]);
  }
  for (const k of ["q", "namespace", "provider"]) {
    const s = get(k).trim();
    if (s !== "") {
      p[k] = s;
      p.canonical.set(k, [s]);
    }
  }
  return p;
}
