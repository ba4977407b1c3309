// Package github is regen's view of GitHub: every address regen derives
// (web pages, Atom feeds, release downloads, git remotes, the REST API)
// from two configurable base URLs, so that tests and GitHub Enterprise work
// the same as github.com, and an HTTP client that applies per-host rate
// limits, counts requests and sends a token only to the hosts it belongs
// to.
package github
