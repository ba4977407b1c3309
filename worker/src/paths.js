// Request paths → tree paths, the way `regen serve` maps them (serve/names.go).

/** maxPathLen bounds request paths; the longest generated paths are far shorter. */
export const MAX_PATH_LEN = 1024;

/**
 * DIR_INDEX is the file holding the document whose URL path is also a
 * folder of other documents (manifest.DirIndex): the listing at
 * v1/modules/<ns> is the object v1/modules/<ns>/index.json.
 */
export const DIR_INDEX = "index.json";

/**
 * treePath turns a request URL's pathname (still percent-encoded) into a
 * tree path ("v1/providers/ns/t/versions"), or returns null when the
 * request may not reach any object: bad escapes or UTF-8, empty, "." or
 * ".." segments, a segment starting with "." other than a leading
 * ".well-known" (so nothing under ".regen/" is ever served), control
 * bytes or backslashes.
 * @param {string} pathname
 * @returns {string | null}
 */
export function treePath(pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null; // malformed escape or invalid UTF-8
  }
  if (decoded.length > MAX_PATH_LEN || !decoded.startsWith("/")) return null;
  const name = decoded.slice(1);
  if (name === "" || name.endsWith("/")) return null;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x5c) return null;
  }
  const segs = name.split("/");
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    if (s === "" || s === "." || s === "..") return null;
    if (s.startsWith(".") && (i > 0 || s !== ".well-known")) return null;
  }
  return name;
}

/**
 * caseCandidates returns the tree paths to try for name, in order: name
 * itself, name with its address segments lower-cased (namespace, name and
 * system of a module; namespace and type of a provider; the version keeps
 * its case), and name wholly lower-cased, without repeats.
 * @param {string} name
 * @returns {string[]}
 */
export function caseCandidates(name) {
  const out = [name];
  const add = (p) => {
    if (!out.includes(p)) out.push(p);
  };
  const segs = name.split("/");
  if (segs.length >= 3 && segs[0] === "v1" && (segs[1] === "modules" || segs[1] === "providers")) {
    const last = segs[1] === "modules" ? 5 : 4;
    const lowered = segs.slice();
    for (let i = 2; i < last && i < lowered.length; i++) lowered[i] = lowered[i].toLowerCase();
    add(lowered.join("/"));
  }
  add(name.toLowerCase());
  return out;
}

/** isModuleVersionDownload: v1/modules/ns/name/system/version/download. */
export function isModuleVersionDownload(segs) {
  return segs.length === 7 && segs[0] === "v1" && segs[1] === "modules" && segs[6] === "download";
}

/** isModuleLatestDownload: v1/modules/ns/name/system/download. */
export function isModuleLatestDownload(segs) {
  return segs.length === 6 && segs[0] === "v1" && segs[1] === "modules" && segs[5] === "download";
}

/** hasControl reports whether s holds ASCII control characters. */
export function hasControl(s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/**
 * escapePath percent-encodes a slash-separated path the way Go's
 * url.URL.EscapedPath does: letters, digits, -_.~ and $&+,:;=@ stay,
 * everything else is escaped.
 * @param {string} p
 */
export function escapePath(p) {
  return p
    .split("/")
    .map((seg) =>
      encodeURIComponent(seg)
        .replace(/%(24|26|2B|2C|3A|3B|3D|40)/g, (m) => decodeURIComponent(m))
        .replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase()),
    )
    .join("/");
}
