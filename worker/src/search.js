// Queries over regen's static search index (v1/search-index/), reading only
// the files a query needs. generator/search/doc.go is the specification;
// this file follows generator/search/query.go step by step so that the
// worker ranks exactly as `regen serve` does.

import { MAX_QUERY_TERMS, normalizeName, queryTerms, shardKey, validShardKey } from "./terms.js";

/** INDEX_DIR is the folder of the index in a built tree. */
export const INDEX_DIR = "v1/search-index";
/** FORMAT is the only index format this reader understands. */
export const FORMAT = "regen-search/1";

const MODULE_COLUMNS = ["namespace", "name", "provider", "version", "tag", "description", "source", "published_at", "downloads", "verified"];
const PROVIDER_COLUMNS = ["namespace", "type", "version", "description", "source", "published_at", "downloads"];

/** SearchIndexError is a missing or malformed index file. */
export class SearchIndexError extends Error {}

function onesCount(x) {
  let n = 0;
  for (; x; x &= x - 1) n++;
  return n;
}

/**
 * clampLimit applies the index's paging limits: 0 or less → default,
 * at most max.
 */
function clampLimit(limit, meta) {
  if (!(limit > 0)) return meta.default_limit;
  return Math.min(limit, meta.max_limit);
}

/**
 * SearchIndex answers queries from the index files of one tree. Files are
 * read through read(path) (tree path → parsed JSON, or null when missing)
 * and memoised for the life of the object, which is one request.
 */
export class SearchIndex {
  /** @param {(path: string) => Promise<any>} read */
  constructor(read) {
    this.read = read;
    this.files = new Map();
  }

  async file(rel) {
    if (!this.files.has(rel)) this.files.set(rel, this.read(INDEX_DIR + "/" + rel));
    return this.files.get(rel);
  }

  /** exists reports whether the tree has a search index (meta.json). */
  async exists() {
    return (await this.file("meta.json")) !== null;
  }

  /** hasNamespace reports whether any module is in the namespace (case-insensitively). */
  async hasNamespace(ns) {
    const meta = await this.meta();
    return (await this.exactPostings(ns.toLowerCase(), meta)).some((p) => p.flags & meta.flags.namespace_exact);
  }

  /** meta returns meta.json, checked. */
  async meta() {
    const m = await this.file("meta.json");
    if (m === null) throw new SearchIndexError(`reading ${INDEX_DIR}/meta.json: no search index in this tree`);
    if (m.format !== FORMAT) throw new SearchIndexError(`reading ${INDEX_DIR}/meta.json: format ${JSON.stringify(m.format)}, want ${JSON.stringify(FORMAT)}`);
    const same = (a, b) => Array.isArray(a) && a.length === b.length && a.every((x, i) => x === b[i]);
    if (!same(m.modules?.columns, MODULE_COLUMNS) || !same(m.providers?.columns, PROVIDER_COLUMNS)) {
      throw new SearchIndexError(`reading ${INDEX_DIR}/meta.json: unexpected table columns`);
    }
    m.terms.split ??= {};
    return m;
  }

  /** shard returns the term shard of key ({} when it does not exist). */
  async shard(key) {
    if (!validShardKey(key)) return {};
    return (await this.file(`terms/${key}.json`)) ?? {};
  }

  /**
   * postings decodes a term's flat [delta, flags, …] array.
   * @returns {{doc: number, flags: number}[]}
   */
  static decode(flat, term) {
    if (!Array.isArray(flat) || flat.length % 2 !== 0) throw new SearchIndexError(`search index term ${JSON.stringify(term)}: bad postings`);
    const out = [];
    let doc = 0;
    for (let i = 0; i < flat.length; i += 2) {
      doc += flat[i];
      out.push({ doc, flags: flat[i + 1] });
    }
    return out;
  }

  /**
   * matchTerms returns [term, postings] for every index term the query
   * term t matches: those starting with t, or only t itself when t is
   * shorter than the prefix length.
   */
  async matchTerms(t, meta) {
    const { prefix_len: prefixLen, split } = meta.terms;
    const key = shardKey(t, split, prefixLen);
    const keys = [key];
    if (t.length >= prefixLen && key === t) {
      for (let i = 0; i < keys.length; i++) keys.push(...(split[keys[i]] ?? []));
    }
    const out = [];
    for (const shard of await Promise.all(keys.map((k) => this.shard(k)))) {
      for (const [term, flat] of Object.entries(shard)) {
        if (t.length < prefixLen ? term === t : term.startsWith(t)) out.push([term, SearchIndex.decode(flat, term)]);
      }
    }
    return out;
  }

  /** exactPostings returns the postings of the index term equal to t. */
  async exactPostings(t, meta) {
    const shard = await this.shard(shardKey(t, meta.terms.split, meta.terms.prefix_len));
    return Object.hasOwn(shard, t) ? SearchIndex.decode(shard[t], t) : [];
  }

  /** row returns table row id of a table ("modules" or "providers"). */
  async row(table, id, meta) {
    const size = meta[table].shard_size;
    const k = Math.floor(id / size);
    const shard = await this.file(`${table}/${k}.json`);
    const row = shard?.rows?.[id - shard.first];
    if (!Array.isArray(row)) throw new SearchIndexError(`reading ${INDEX_DIR}/${table}/${k}.json: no row ${id}`);
    return row;
  }

  /**
   * filterDocs returns the set of module ids passing q's namespace,
   * provider and (normalised) name filters, or null when q has none.
   */
  async filterDocs(q, meta) {
    let set = null;
    const restrict = (ps, flag) => {
      const next = new Set();
      for (const p of ps) if (p.flags & flag && (set === null || set.has(p.doc))) next.add(p.doc);
      set = next;
    };
    const [ns, prov, name] = await Promise.all([
      q.namespace ? this.exactPostings(q.namespace.toLowerCase(), meta) : null,
      q.provider ? this.exactPostings(q.provider.toLowerCase(), meta) : null,
      q.name ? this.exactPostings(normalizeName(q.name), meta) : null,
    ]);
    if (ns) restrict(ns, meta.flags.namespace_exact);
    if (prov) restrict(prov, meta.flags.provider);
    if (name) restrict(name, meta.flags.name_exact);
    return set;
  }

  /**
   * keepRows drops ids whose name differs from q.name other than by case:
   * the name_exact postings compare normalised names ("a_b" and "a-b"
   * share one). The namespace and provider postings are exact already.
   */
  async keepRows(ids, q, meta) {
    if (!q.name) return ids;
    const rows = await Promise.all(ids.map((id) => this.row("modules", id, meta)));
    return ids.filter((_, i) => equalFold(rows[i][1], q.name));
  }

  /**
   * modules answers a module query: a text search when q.text is set,
   * else a listing in index (popularity) order; filtered and paged.
   * @param {{text?: string, namespace?: string, name?: string, provider?: string, verified?: boolean, offset?: number, limit?: number}} q
   * @returns {Promise<{total: number, limit: number, offset: number, modules: object[]}>}
   */
  async modules(q) {
    const meta = await this.meta();
    const limit = clampLimit(q.limit ?? 0, meta);
    const offset = Math.max(q.offset ?? 0, 0);
    const ids = q.text ? await this.search(queryTerms(q.text, meta.stop_words ?? []), q, meta) : await this.list(q, meta);
    if (ids === null) {
      // An unfiltered listing: every module, by id.
      const total = meta.modules.count;
      const page = [];
      for (let id = offset; id < Math.min(offset + limit, total); id++) page.push(id);
      return { total, limit, offset, modules: await this.moduleRows(page, meta) };
    }
    const page = ids.slice(offset, offset + limit);
    return { total: ids.length, limit, offset, modules: await this.moduleRows(page, meta) };
  }

  async moduleRows(ids, meta) {
    const rows = await Promise.all(ids.map((id) => this.row("modules", id, meta)));
    return rows.map(moduleFromRow);
  }

  /** list returns the ids of a listing in ascending order, or null for all. */
  async list(q, meta) {
    let ids;
    const filtered = await this.filterDocs(q, meta);
    if (filtered !== null) {
      ids = [...filtered].sort((a, b) => a - b);
    } else if (q.verified) {
      ids = [];
      let cur = 0;
      for (const d of (await this.file("verified.json")) ?? []) ids.push((cur += d));
      return ids;
    } else {
      return null;
    }
    if (q.verified) {
      // Every posting of a verified module carries the verified flag.
      const verified = new Set();
      for (const term of [q.namespace?.toLowerCase(), q.provider?.toLowerCase(), q.name && normalizeName(q.name)]) {
        if (!term) continue;
        for (const p of await this.exactPostings(term, meta)) if (p.flags & meta.flags.verified) verified.add(p.doc);
      }
      ids = ids.filter((id) => verified.has(id));
    }
    return this.keepRows(ids, q, meta);
  }

  /** search ranks the modules matching every term (generator/search/query.go). */
  async search(terms, q, meta) {
    const n = meta.modules.count;
    if (terms.length === 0 || n === 0) return [];
    const F = meta.flags;
    const addressFlags = F.namespace | F.name | F.provider | F.namespace_exact | F.name_exact;
    const nameFlags = F.name | F.name_exact;
    const seen = new Uint8Array(n);
    const addr = new Uint8Array(n);
    const name = new Uint8Array(n);
    const nameTier = new Uint8Array(n);
    const verified = new Uint8Array(n);
    // Read every shard the query needs at once.
    const joined = terms.join("-");
    const [matches, joinedMatches, filtered] = await Promise.all([
      Promise.all(terms.map((t) => this.matchTerms(t, meta))),
      this.matchTerms(joined, meta),
      this.filterDocs(q, meta),
    ]);
    for (let i = 0; i < terms.length; i++) {
      const bit = 1 << i;
      for (const [, ps] of matches[i]) {
        for (const p of ps) {
          if (p.doc < 0 || p.doc >= n) throw new SearchIndexError(`search index: posting names module ${p.doc} of ${n}`);
          seen[p.doc] |= bit;
          if (p.flags & addressFlags) addr[p.doc] |= bit;
          if (p.flags & nameFlags) name[p.doc] |= bit;
          if (p.flags & F.verified) verified[p.doc] = 1;
        }
      }
    }
    for (const [term, ps] of joinedMatches) {
      const exact = term === joined;
      for (const p of ps) {
        if (!(p.flags & F.name_exact)) continue;
        if (exact) nameTier[p.doc] = 1;
        else if (nameTier[p.doc] === 0) nameTier[p.doc] = 2;
      }
    }
    const full = (1 << terms.length) - 1;
    const buckets = Array.from({ length: 4 * (MAX_QUERY_TERMS + 1) }, () => []);
    for (let i = 0; i < n; i++) {
      if (seen[i] !== full) continue;
      if (filtered !== null && !filtered.has(i)) continue;
      if (q.verified && !verified[i]) continue;
      let tier;
      if (nameTier[i] === 1) tier = 0;
      else if (nameTier[i] === 2) tier = 1;
      else if (addr[i] === full) tier = 2;
      else tier = 3;
      buckets[tier * (MAX_QUERY_TERMS + 1) + (MAX_QUERY_TERMS - onesCount(name[i]))].push(i);
    }
    return this.keepRows(buckets.flat(), q, meta);
  }

  /**
   * providers returns one page of providers in address order, all or
   * those of a namespace.
   * @returns {Promise<{total: number, limit: number, offset: number, providers: object[]}>}
   */
  async providers(namespace, offset, limit) {
    const meta = await this.meta();
    limit = clampLimit(limit ?? 0, meta);
    offset = Math.max(offset ?? 0, 0);
    let lo = 0;
    let hi = meta.providers.count;
    if (namespace) {
      const ns = namespace.toLowerCase();
      lo = await this.providerLowerBound(ns + "/", meta);
      hi = await this.providerLowerBound(ns + "0", meta); // "0" follows "/"
    }
    const total = hi - lo;
    const page = [];
    for (let id = Math.min(lo + offset, hi); id < Math.min(lo + offset + limit, hi); id++) {
      page.push(providerFromRow(await this.row("providers", id, meta)));
    }
    return { total, limit, offset, providers: page };
  }

  /** providerLowerBound returns the first provider id whose key is ≥ target. */
  async providerLowerBound(target, meta) {
    const keys = meta.providers.first_keys ?? [];
    const size = meta.providers.shard_size;
    let k = -1; // last shard whose first key is < target
    for (let lo = 0, hi = keys.length; lo < hi; ) {
      const mid = (lo + hi) >> 1;
      if (keys[mid] < target) (k = mid), (lo = mid + 1);
      else hi = mid;
    }
    if (k < 0) return 0;
    const end = Math.min((k + 1) * size, meta.providers.count);
    for (let id = k * size; id < end; id++) {
      const row = await this.row("providers", id, meta);
      if ((row[0] + "/" + row[1]).toLowerCase() >= target) return id;
    }
    return end;
  }
}

/** equalFold compares ASCII case-insensitively (Go's strings.EqualFold on ASCII). */
function equalFold(a, b) {
  return typeof a === "string" && a.toLowerCase() === b.toLowerCase();
}

/** moduleFromRow names a module row's columns. */
export function moduleFromRow(row) {
  const o = {};
  MODULE_COLUMNS.forEach((c, i) => (o[c] = row[i]));
  return o;
}

/** providerFromRow names a provider row's columns. */
export function providerFromRow(row) {
  const o = {};
  PROVIDER_COLUMNS.forEach((c, i) => (o[c] = row[i]));
  return o;
}
