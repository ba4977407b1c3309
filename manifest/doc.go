// Package manifest reads and writes regen's build manifest: every file of a
// built registry tree with its sha256, size, content type and publishing
// class, grouped by the data entry that produced it.
//
// The manifest is the contract between the generator (which writes it), the
// uploader (which diffs a local manifest against the remote one to send only
// what changed, in a safe order), `regen serve` and `regen verify`.
//
// On disk it is newline-delimited JSON (plain locally; gzip-compressed
// copies, e.g. remote ones, are read transparently): a Header line, then
// one Entry line per data entry, sorted by Entry.Key. Both sides of a diff
// can therefore be streamed and merge-joined without holding a
// million-file registry in memory.
package manifest
