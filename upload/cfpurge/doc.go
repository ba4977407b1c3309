// Package cfpurge purges URLs from Cloudflare's cache through
// cloudflare-go: an upload.Purger sending at most 30 files per
// purge_cache call (the API's limit), with the API base URL configurable
// so tests talk to a local server.
package cfpurge
