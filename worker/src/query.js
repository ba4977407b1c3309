// Module search and listings with query parameters, answered from the
// static search index as serve/query answers them: the same routes,
// parameters, errors and documents (generator/discovery's shapes).

import { encodeValues, goJSON } from "./gojson.js";
import { BadParam, parseParams, parseRoute } from "./params.js";
import { SearchIndex } from "./search.js";
import { setCORS } from "./responses.js";
import { ifNoneMatch } from "./tree.js";

/** CACHE_CONTROL of computed answers, as for the static listings. */
const CACHE_CONTROL = "public, max-age=60";

/**
 * pageMeta is generator/discovery's PageMeta: next_* only when results
 * remain after the page, prev_* only when the page does not start at 0.
 * Offsets are BigInts so that any offset a client sends is echoed exactly.
 * @param {string} urlPath
 * @param {Map<string,string[]>} canonical
 * @param {bigint} offset
 * @param {number} limit
 * @param {number} total
 */
function pageMeta(urlPath, canonical, offset, limit, total) {
  const pageURL = (off) => {
    const q = new Map(canonical);
    q.set("limit", [String(limit)]);
    q.set("offset", [String(off)]);
    return urlPath + "?" + encodeValues(q);
  };
  const m = { limit, current_offset: offset };
  const next = offset + BigInt(limit);
  const prev = offset - BigInt(limit) > 0n ? offset - BigInt(limit) : 0n;
  const hasNext = next < BigInt(total);
  const hasPrev = offset > 0n;
  if (hasNext) m.next_offset = next;
  if (hasPrev) m.prev_offset = prev;
  if (hasNext) m.next_url = pageURL(next);
  if (hasPrev) m.prev_url = pageURL(prev);
  return m;
}

/** moduleObject is generator/discovery's ModuleObject of an index row. */
function moduleObject(m) {
  return {
    id: `${m.namespace}/${m.name}/${m.provider}/${m.version}`,
    owner: m.namespace,
    namespace: m.namespace,
    name: m.name,
    version: m.version,
    provider: m.provider,
    provider_logo_url: "",
    description: m.description,
    source: m.source,
    tag: m.tag,
    published_at: m.published_at || undefined, // "" (no date): left out, as Go's omitzero
    downloads: m.downloads,
    verified: m.verified,
  };
}

/** providerObject is generator/discovery's ProviderObject of an index row. */
function providerObject(p) {
  return {
    id: `${p.namespace}/${p.type}/${p.version}`,
    owner: p.namespace,
    namespace: p.namespace,
    name: p.type,
    alias: p.type.toLowerCase(),
    version: p.version,
    tag: "v" + p.version,
    description: p.description,
    source: p.source,
    published_at: p.published_at || undefined,
    downloads: p.downloads,
    tier: "community",
    logo_url: "",
  };
}

/** errorBody is generator/discovery.ErrorBody. */
const errorBody = (msg) => goJSON({ errors: [msg] });
const NOT_FOUND = { status: 404, body: errorBody("Not Found") };

/** indexOffset turns a BigInt offset into the index's Number offset (past the end when huge). */
const indexOffset = (offset) => (offset > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(offset));

/**
 * answer computes the document for a route (serve/query's answer).
 * @param {SearchIndex} ix
 * @returns {Promise<{status: number, body: string}>}
 */
async function answer(ix, rt, rawQuery) {
  let p;
  try {
    p = parseParams(rawQuery);
  } catch (err) {
    if (err instanceof BadParam) return { status: 400, body: errorBody(err.message) };
    throw err;
  }
  const q = { namespace: p.namespace, provider: p.provider, verified: p.verified, offset: indexOffset(p.offset), limit: p.limit };
  switch (rt.kind) {
    case "search":
      if (p.q === "") return { status: 400, body: errorBody(`missing query parameter "q"`) };
      q.text = p.q;
      break;
    case "namespace":
      if (!(await ix.hasNamespace(rt.namespace))) return NOT_FOUND;
      q.namespace = rt.namespace;
      break;
    case "name":
      q.namespace = rt.namespace;
      q.name = rt.name;
      if ((await ix.modules({ namespace: rt.namespace, name: rt.name, limit: 1 })).total === 0) return NOT_FOUND;
      break;
    case "providers":
    case "provNS": {
      let ns = p.namespace;
      if (rt.kind === "provNS") {
        ns = rt.namespace;
        if ((await ix.providers(ns, 0, 1)).total === 0) return NOT_FOUND;
      }
      const res = await ix.providers(ns, indexOffset(p.offset), p.limit);
      const meta = pageMeta(rt.urlPath, p.canonical, p.offset, p.limit, res.total);
      return { status: 200, body: goJSON({ meta, providers: res.providers.map(providerObject) }) };
    }
  }
  const res = await ix.modules(q);
  const meta = pageMeta(rt.urlPath, p.canonical, p.offset, p.limit, res.total);
  return { status: 200, body: goJSON({ meta, modules: res.modules.map(moduleObject) }) };
}

/**
 * answerQuery returns the answer to a search, or to a listing asked for
 * with query parameters, or null when the request is not one (or the
 * tree has no search index): the tree then serves it as a document.
 * @param {Request} request
 * @param {URL} url
 * @param {import("./config.js").Config} cfg
 * @returns {Promise<Response|null>}
 */
export async function answerQuery(request, url, cfg) {
  let decoded;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  const rt = parseRoute(decoded);
  const rawQuery = url.search.slice(1);
  if (rt === null || (rt.kind !== "search" && rawQuery === "")) return null;
  const ix = new SearchIndex(async (p) => {
    const obj = await cfg.bucket.get(cfg.prefix + p);
    return obj === null ? null : obj.json();
  });
  if (!(await ix.exists())) return null;
  const { status, body } = await answer(ix, rt, rawQuery);
  return write(request, status, body);
}

/**
 * write sends a computed answer with the headers of the static documents:
 * CORS, Cache-Control, a strong ETag (If-None-Match → 304), Content-Length.
 */
async function write(request, status, body) {
  const h = new Headers();
  setCORS(h);
  h.set("Content-Type", "application/json");
  const bytes = new TextEncoder().encode(body);
  if (status !== 200) {
    h.set("Cache-Control", "no-store");
  } else {
    const sum = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    const etag = '"' + Array.from(sum, (b) => b.toString(16).padStart(2, "0")).join("") + '"';
    h.set("Cache-Control", CACHE_CONTROL);
    h.set("ETag", etag);
    const inm = request.headers.get("If-None-Match");
    if (inm !== null && inm !== "" && ifNoneMatch(inm, etag)) {
      h.delete("Content-Type"); // as Go's server drops it from a 304
      return new Response(null, { status: 304, headers: h });
    }
  }
  h.set("Content-Length", String(bytes.length));
  return new Response(request.method === "HEAD" ? null : bytes, { status, headers: h });
}
