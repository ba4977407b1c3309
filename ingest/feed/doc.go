// Package feed is ingest's cheap gate: a repository's releases.atom or
// tags.atom fetched with the validators (ETag, Last-Modified) of the last
// fetch, so an unchanged repository costs one request answered 304, and
// parsed into the tags its entries name.
//
// An entry's tag comes from its link (…/releases/tag/<tag>) or, failing
// that, its id (tag:github.com,2008:Repository/<id>/<tag>); the title is a
// release's name, not its tag, and is never used.
package feed
