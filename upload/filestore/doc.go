// Package filestore is the upload.Store of a plain folder (`--to
// file:///srv/registry`), for a registry served by nginx, Caddy or `regen
// serve`, or for a mirror disk.
//
// Objects are files under the root; each Put writes a temporary file next
// to the target and renames it over, so a web server never serves a partial
// document. A folder cannot hold metadata, so Head reports the sha256 of
// the content (computed) but no Content-Type or Cache-Control: those are
// the web server's configuration. Writes are not fsynced: the folder is
// consistent after a crash of regen, and after a crash of the machine a
// `regen upload --verify` re-checks it.
package filestore
