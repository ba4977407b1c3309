// Serving the documents of a built tree from an R2 bucket, as
// serve/handler.go serves them from a folder.

import { caseCandidates, DIR_INDEX, escapePath, hasControl, isModuleLatestDownload, isModuleVersionDownload } from "./paths.js";
import { contentType, defaultCacheControl } from "./contenttype.js";
import { setCORS } from "./responses.js";

/** MAX_DOWNLOAD_DOC bounds the module download documents read into memory. */
export const MAX_DOWNLOAD_DOC = 64 << 10;

/**
 * TreeError is a failure of the bucket or a broken document: the worker
 * answers 500 and logs it.
 */
export class TreeError extends Error {}

/**
 * open returns the first of name's case candidates that exists in the
 * bucket, trying for each the object itself and then <candidate>/index.json
 * (a document whose URL path is also a folder), with the tree path it was
 * found at; or null.
 * @param {R2Bucket} bucket
 * @param {string} prefix key prefix of the tree in the bucket
 * @param {string} name tree path
 * @returns {Promise<{obj: R2ObjectBody, path: string} | null>}
 */
export async function open(bucket, prefix, name) {
  for (const p of caseCandidates(name)) {
    for (const key of [p, p + "/" + DIR_INDEX]) {
      const obj = await bucket.get(prefix + key);
      if (obj !== null) return { obj, path: key };
    }
  }
  return null;
}

/**
 * etagOf returns the strong entity tag of an object: the sha256 that
 * `regen upload` stores in its custom metadata, as `regen serve` sends it,
 * or else R2's own.
 * @param {R2Object} obj
 */
export function etagOf(obj) {
  const sum = obj.customMetadata?.sha256;
  if (typeof sum === "string" && /^[0-9a-f]{64}$/.test(sum)) return `"${sum}"`;
  return obj.httpEtag;
}

/**
 * ifNoneMatch reports whether the If-None-Match header value matches etag
 * (weak comparison, as RFC 9110 requires for this header).
 * @param {string | null} header
 * @param {string} etag
 */
export function ifNoneMatch(header, etag) {
  if (header === null) return false;
  const strip = (t) => t.trim().replace(/^W\//, "");
  const want = strip(etag);
  return header.split(",").some((t) => t.trim() === "*" || strip(t) === want);
}

/** notModifiedSince reports whether If-Modified-Since allows a 304. */
function notModifiedSince(header, uploaded) {
  if (header === null || !(uploaded instanceof Date)) return false;
  const since = Date.parse(header);
  if (Number.isNaN(since)) return false;
  return Math.floor(uploaded.getTime() / 1000) * 1000 <= since;
}

/**
 * serveObject answers a request with a found document: 302 for the
 * latest-version module download, 200 with X-Terraform-Get for a module
 * version download, 200 (or 304) with the document otherwise.
 * @param {Request} request
 * @param {{obj: R2ObjectBody, path: string}} found
 * @param {((loc: string) => Promise<string>) | null} [sign] rewrites a
 *   module download location (a signed package URL); a rewritten answer
 *   is not cached
 * @returns {Promise<Response>}
 */
export async function serveObject(request, found, sign = null) {
  const { obj, path } = found;
  const segs = path.split("/");
  const headers = new Headers();
  setCORS(headers);
  headers.set("Cache-Control", obj.httpMetadata?.cacheControl || defaultCacheControl(path));
  let body = obj.body;
  if (isModuleLatestDownload(segs)) {
    const doc = await readDownloadDoc(path, obj);
    const v = doc.version;
    if (typeof v !== "string" || v === "" || v === "." || v === ".." || /[/\\]/.test(v) || hasControl(v)) {
      throw new TreeError(`reading ${path}: field "version" is not a version: ${JSON.stringify(v)}`);
    }
    const dir = segs.slice(0, -1).join("/");
    headers.set("Location", escapePath("/" + dir + "/" + v + "/download"));
    return new Response(null, { status: 302, headers });
  }
  if (isModuleVersionDownload(segs)) {
    const doc = await readDownloadDoc(path, obj);
    const loc = doc.location;
    if (typeof loc !== "string" || loc === "" || hasControl(loc)) {
      throw new TreeError(`reading ${path}: field "location" is empty or holds control characters`);
    }
    let signed = loc;
    if (sign !== null) signed = await sign(loc);
    headers.set("X-Terraform-Get", signed);
    body = doc.bytes;
    if (signed !== loc) {
      const d = JSON.parse(new TextDecoder().decode(doc.bytes));
      d.location = signed;
      const bytes = new TextEncoder().encode(JSON.stringify(d, null, 2) + "\n");
      headers.set("Cache-Control", "no-store");
      headers.set("Content-Type", "application/json");
      headers.set("Content-Length", String(bytes.length));
      return new Response(request.method === "HEAD" ? null : bytes, { status: 200, headers });
    }
  }
  const etag = etagOf(obj);
  headers.set("ETag", etag);
  const lastModified = obj.uploaded instanceof Date && obj.uploaded.getTime() > 0 ? obj.uploaded.toUTCString() : null;
  const inm = request.headers.get("If-None-Match");
  const notModified = inm !== null ? ifNoneMatch(inm, etag) : notModifiedSince(request.headers.get("If-Modified-Since"), obj.uploaded);
  if (notModified) {
    if (body instanceof ReadableStream) await body.cancel();
    return new Response(null, { status: 304, headers });
  }
  headers.set("Content-Type", obj.httpMetadata?.contentType || contentType(path));
  headers.set("Content-Length", String(obj.size));
  if (lastModified) headers.set("Last-Modified", lastModified);
  if (request.method === "HEAD") {
    if (body instanceof ReadableStream) await body.cancel();
    body = null;
  }
  return new Response(body, { status: 200, headers });
}

/**
 * readDownloadDoc reads a module download document whole.
 * @returns {Promise<{location?: unknown, version?: unknown, bytes: Uint8Array}>}
 */
async function readDownloadDoc(path, obj) {
  if (obj.size > MAX_DOWNLOAD_DOC) {
    await obj.body.cancel();
    throw new TreeError(`reading ${path}: larger than ${MAX_DOWNLOAD_DOC} bytes`);
  }
  const bytes = new Uint8Array(await obj.arrayBuffer());
  let doc;
  try {
    doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (err) {
    throw new TreeError(`reading ${path}: ${err.message}`);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new TreeError(`reading ${path}: not a JSON object`);
  }
  return { location: field(doc, "location"), version: field(doc, "version"), bytes };
}

/**
 * field reads a member the way Go's json.Unmarshal fills a struct field:
 * the exact name, else the last member whose name matches ignoring case.
 */
function field(doc, name) {
  if (Object.hasOwn(doc, name)) return doc[name];
  let v;
  for (const [k, x] of Object.entries(doc)) if (k.toLowerCase() === name) v = x;
  return v;
}
