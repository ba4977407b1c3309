// Content-Type and Cache-Control of tree paths, as manifest.ContentType
// and serve.DefaultCacheControl decide them. Objects uploaded by
// `regen upload` carry both as R2 HTTP metadata; these are the fallbacks
// for objects put into the bucket by other means.

/** Cache-Control values, as `regen serve` and `regen upload` use them. */
export const CACHE_LEAF = "public, max-age=86400";
export const CACHE_SHORT = "public, max-age=60";
export const CACHE_NONE = "no-store";

function ext(p) {
  const base = p.slice(p.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot < 0 ? "" : base.slice(dot);
}

/**
 * contentType returns the Content-Type a registry serves for a tree path:
 * application/json for the extensionless API documents and .json files.
 * @param {string} p
 */
export function contentType(p) {
  const e = ext(p);
  switch (e.toLowerCase()) {
    case "":
    case ".json":
      return "application/json";
    case ".md":
      return "text/markdown; charset=utf-8";
    case ".ndjson":
      return "application/x-ndjson";
    case ".xml":
    case ".atom":
      return "application/atom+xml";
    case ".js":
    case ".mjs":
      return "text/javascript; charset=utf-8";
    case ".html":
      return "text/html; charset=utf-8";
    case ".txt":
    case ".asc":
      return "text/plain; charset=utf-8";
    case ".gz":
      return "application/gzip";
  }
  // Versions such as "1.2.3" end in ".3": numeric extensions are API documents.
  if (/^\.[0-9]+$/.test(e)) return "application/json";
  return "application/octet-stream";
}

function looksLikeVersion(s) {
  if (s.startsWith("v")) s = s.slice(1);
  return s !== "" && s[0] >= "0" && s[0] <= "9" && s.includes(".");
}

/**
 * isLeaf reports whether a tree path is a per-version document (provider
 * download, module version download or detail, mirror <version>.json),
 * which never changes once published.
 * @param {string} name
 */
export function isLeaf(name) {
  const segs = name.split("/");
  if (segs[0] === ".well-known") return false;
  if (segs.length >= 2 && segs[0] === "v1") {
    if (segs[1] === "providers") return segs.length === 8 && segs[5] === "download";
    if (segs[1] === "modules") {
      if (segs.length === 7 && segs[6] === "download") return true;
      return segs.length === 6 && segs[5] !== "versions" && segs[5] !== "download" && looksLikeVersion(segs[5]);
    }
    return false;
  }
  const base = segs[segs.length - 1];
  return base.endsWith(".json") && looksLikeVersion(base.slice(0, -".json".length));
}

/**
 * defaultCacheControl returns the Cache-Control header for a tree path: a
 * day for per-version documents, a minute for everything else.
 * @param {string} name
 */
export function defaultCacheControl(name) {
  return isLeaf(name) ? CACHE_LEAF : CACHE_SHORT;
}
