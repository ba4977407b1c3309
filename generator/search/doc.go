// Package search builds, reads and queries regen's static search index,
// and writes the OpenTofu-style search feed (registry/docs/search.ndjson).
//
// The index answers GET /v1/modules/search?q=… and every module and
// provider listing with query parameters. `regen build` writes it as small
// static files; `regen serve` (serve/query) loads them into memory with
// Load; an edge worker answers a query by fetching only the few files it
// needs. All three must rank identically, so this comment is the
// specification.
//
// # Files
//
// Every path is relative to the tree root, under v1/search-index/. All files
// are UTF-8 JSON with a trailing newline.
//
//	meta.json              Meta: format "regen-search/1", build time, digest
//	                       of the other files (changes with the index), paging
//	                       limits (default_limit 10, max_limit 100), table
//	                       sizes and columns, term shard prefix length and
//	                       splits, flag bits, stop words
//	modules/<k>.json       module table shard k: {"first":k*S,"rows":[row…]}
//	providers/<k>.json     provider table shard k, same shape
//	terms/<key>.json       term shard: {"<term>":[d0,f0,d1,f1,…],…}
//	verified.json          verified module ids, delta-coded: [d0,d1,…]
//	term-shards.json       every term shard key, sorted (for loaders that
//	                       cannot list folders; a worker does not need it)
//
// S is meta.modules.shard_size (providers: meta.providers.shard_size).
//
// Module rows are JSON arrays in meta.modules.columns order:
// [namespace, name, provider, version, tag, description, source,
// published_at, downloads, verified] — strings except downloads (integer)
// and verified (boolean); published_at is RFC 3339 UTC, or "" when the data
// file has no discovery date for the version; namespace, name and
// provider keep the data folder's case. A module's id is its row number
// across shards (shard k row j is id k*S+j). Ids are in popularity order:
// downloads descending, then the lower-cased "namespace/name/provider"
// ascending. Listings are in id order.
//
// Provider rows are [namespace, type, version, description, source,
// published_at, downloads], sorted by lower-cased "namespace/type";
// meta.providers.first_keys holds the lower-cased key of each shard's first
// row, so the providers of a namespace (a contiguous range) are found by
// binary search.
//
// # Terms
//
// Tokenize: lower-case A–Z, then take maximal runs of [a-z0-9]; anything
// else separates tokens (non-ASCII letters included). Each module is
// indexed under:
//
//	every namespace token                   flag namespace (1)
//	every name token                        flag name (2)
//	the target system, lower-cased          flag provider (4)
//	every description token that is not a
//	stop word and has at most 40 bytes      flag description (8)
//	the whole namespace, lower-cased        flag namespace_exact (16)
//	the name's tokens joined with "-"       flag name_exact (32)
//
// and every posting of a verified module also has flag verified (64).
// When one term is several of these for a module, there is one posting
// with the flags OR-ed. Descriptions are cut to 300 bytes before
// tokenizing.
//
// A term's postings are a flat array of pairs [delta, flags]: delta is the
// module id minus the previous pair's id (the first pair's delta is the id
// itself), so ids ascend.
//
// A term lives in the shard whose key is ShardKey(term, split): start with
// its first 2 bytes (meta.terms.prefix_len; the whole term when shorter);
// while the key is a key of meta.terms.split and the term is longer than
// the key, add the term's next byte. split maps each split key to its child
// keys (one byte longer) that exist. Shard keys use only [a-z0-9_-], the
// first byte [a-z0-9]. A shard file that does not exist holds no terms.
//
// # Queries
//
// Terms of a query text: Tokenize it, drop stop words (meta.stop_words)
// unless that leaves none, keep the first 8. No terms: no results.
//
// Query term t matches every index term that starts with t; when t is
// shorter than prefix_len it matches only the index term equal to t. To
// find the index terms starting with t, read shard ShardKey(t, split) —
// and, when t itself is a split key, also every shard below it (its
// children in split, recursively).
//
// A module is a result when every query term matches at least one of its
// postings, and it passes the filters: provider= (its target system equals
// the parameter, case-insensitively: the postings of the lower-cased
// parameter with flag provider), namespace= (the postings of the
// lower-cased namespace with flag namespace_exact, then an exact
// case-insensitive comparison with the row), verified=true (flag verified).
//
// Ranking: let J be the query terms joined with "-". Each result falls in
// the first tier that applies:
//
//  1. exact name: the module has a posting with flag name_exact for the
//     index term equal to J;
//  2. name prefix: it has such a posting for an index term starting with J
//     (J matched like a query term);
//  3. address: every query term matched a posting of it with one of the
//     flags namespace, name, provider, namespace_exact or name_exact;
//  4. description: the others.
//
// Within a tier, modules where more query terms matched a posting with
// flag name or name_exact come first; then lower ids (more downloads).
//
// Listings without text: ids in ascending order, filtered the same way
// (namespace= alone uses the namespace_exact postings of the namespace,
// provider= alone those of the provider term, verified=true alone
// verified.json); a module listing by namespace and name keeps the rows
// whose name equals the name case-insensitively.
//
// Paging: offset (default 0) and limit (default 10, at most 100) over the
// ranked results; the response meta carries next_offset only when results
// remain after the page (see generator/discovery for the response shape).
//
// # Search feed
//
// WriteFeed writes registry/docs/search.ndjson in the format OpenTofu's
// registry-ui generates and its search worker loads: a header line
// {"type":"header","header":{"last_updated":…}}, then
// {"type":"delete","deletion":{"id","deleted_at"}} records, then
// {"type":"add","addition":{id,type,addr,version,title,description,link,
// parent_id,last_updated,popularity,warnings}} records. Module ids are
// "modules/<ns>/<name>/<target>" (lower-cased), submodules add
// "/<submodule>", providers are "providers/<ns>/<type>"; versions carry a
// leading "v"; popularity is the download count (a submodule has its
// module's); titles and descriptions follow OpenTofu's (FeedItem).
package search
