// Package pollstate keeps what ingest remembers between runs that is not
// registry data: each feed's validators (ETag, Last-Modified), when each
// entry last had a full tag listing, and the back-off of versions that
// failed. It lives inside the data folder but outside the registry layout,
//
//	<data>/.regen/ingest-state/<c>.json
//
// one file per namespace shard <c> (the layout's first path segment), so
// that it can be committed with the data (or cached by CI) without
// touching the data files on every run. Each file is written atomically
// and only when it changed. The state is a cache: a missing or unreadable
// file only costs unconditional requests and immediate retries, so it is
// reported, not fatal.
package pollstate
