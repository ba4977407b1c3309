// Package ingest keeps a registry data folder current from GitHub, and
// adds, revokes and discovers entries.
//
// An ingest run (Run) looks at every provider and module (or those
// selected) with bounded concurrency, each through the same stages:
//
//  1. read the data file's "repository" member, which overrides where to
//     look (the rest of the file is read only when the feed shows a change:
//     parsing every version of every provider would dominate a poll where
//     nothing changed);
//  2. gate: the repository's releases.atom (providers) or tags.atom
//     (modules), requested with the ETag / Last-Modified remembered from
//     the last run (package pollstate), so an unchanged repository costs
//     one request answered 304;
//  3. list: when the feed names a tag we do not have, is broken, empty or
//     unavailable, when a failed version's back-off is over, or on the
//     periodic full check (Options.FullEvery), list every tag with
//     ls-remote (package gittags) so that nothing beyond the feed's window
//     is missed;
//  4. fetch: for each new provider version, download and verify the
//     release (package release: signed SHA256SUMS, manifest, zips, h1);
//     module versions need only the tag's commit;
//  5. write: the data file atomically, then the change events (package
//     regdata/events), then the poll state;
//  6. docs (modules, when Options.Docs is set): fetch the commit of every
//     version the docs store does not have yet, new or old, extract its
//     documentation and store it (package moddocs). Problems are warnings
//     and never hold back a version; a source gone for good is recorded
//     in the store, anything else is retried on the next run.
//
// Failures are collected per entry and version and reported in the
// Summary; they never stop the run, and every success is written. A
// provider version that fails is not published: the failure is recorded
// in the data file's versions_errors and retried with exponential
// back-off. Versions are never removed: a tag deleted or moved upstream is
// reported (and noted in the file's warnings), and the registry keeps the
// version and the commit it first saw.
//
// Every GitHub address derives from Options.GitHubURL and
// Options.GitHubAPIURL (package github), so tests run against a loopback
// GitHub.
package ingest
