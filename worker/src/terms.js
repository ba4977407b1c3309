// Terms and term shards of the search index (generator/search/tokens.go
// and shards.go).

/** MAX_QUERY_TERMS bounds the terms of a query; later ones are ignored. */
export const MAX_QUERY_TERMS = 8;

/**
 * tokenize splits s into lower-case ASCII tokens: maximal runs of [a-z0-9]
 * after lower-casing A-Z; every other character separates tokens. Repeats
 * are kept once, in order of first appearance.
 * @param {string} s
 */
export function tokenize(s) {
  const out = [];
  for (const m of s.matchAll(/[A-Za-z0-9]+/g)) {
    const t = m[0].toLowerCase();
    if (!out.includes(t)) out.push(t);
  }
  return out;
}

/** normalizeName is the whole-name term of a module name ("EKS_Cluster" → "eks-cluster"). */
export function normalizeName(name) {
  return tokenize(name).join("-");
}

/**
 * queryTerms returns the terms a query text searches for: its tokens
 * without stop words (unless only stop words remain), at most 8.
 * @param {string} q
 * @param {string[]} stopWords
 */
export function queryTerms(q, stopWords) {
  const toks = tokenize(q);
  let kept = toks.filter((t) => !stopWords.includes(t));
  if (kept.length === 0) kept = toks;
  return kept.slice(0, MAX_QUERY_TERMS);
}

/**
 * shardKey returns the key of the term shard holding term.
 * @param {string} term
 * @param {Record<string,string[]>} split
 * @param {number} prefixLen
 */
export function shardKey(term, split, prefixLen) {
  let k = Math.min(prefixLen, term.length);
  while (k < term.length && Object.hasOwn(split, term.slice(0, k))) k++;
  return term.slice(0, k);
}

/** validShardKey: [a-z0-9][a-z0-9_-]{0,7}; anything else names no file. */
export function validShardKey(k) {
  return /^[a-z0-9][a-z0-9_-]{0,7}$/.test(k);
}
