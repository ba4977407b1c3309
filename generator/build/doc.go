// Package build writes a whole registry tree from a data folder: every
// response the generator makes, plus the build manifest
// (.regen/manifest.ndjson) that the uploader diffs to publish only what
// changed.
//
// # Pipeline
//
// Entries (one per provider file, one per module file, and "~global" for
// registry-wide documents) are listed in manifest Key order, processed in
// parallel by --jobs workers, and their manifest lines are written in order
// by a single writer through a bounded reorder window, so memory stays
// proportional to the window, never to the registry. Each worker streams
// its entry's files straight to disk (one reused buffer per document).
//
// # Incremental rebuilds
//
// Each manifest entry records an Input digest: the data file's bytes, the
// signing key files that apply (path and bytes) and the blacklist entries
// that name it. On a rebuild the previous build is merge-joined with the
// data listing. The side index (IndexPath, .regen/inputs.tsv) lets this
// touch almost nothing: it holds each entry's Input, where its line sits
// in the manifest and the stat (size, mtime, inode) and sha256 of its data
// file, so an unchanged data file is recognised by a stat without being
// read, and an unchanged entry's manifest line is copied into the new
// manifest as a byte range (adjacent ranges merged, copy_file_range)
// without being read into the process. A data file modified within two
// seconds of a build's start is not trusted by its stat next time. Without
// a usable index (missing, or not matching the manifest's size and
// modification time) the previous manifest is scanned instead; the index
// is only a cache and is not part of the published tree.
//
// A changed entry is regenerated and only the files whose bytes differ
// (by sha256 against the previous manifest) are written; files of removed
// entries and versions are deleted and emptied folders pruned. A changed
// generator Version or build option (generator.Options.Digest, kept in the
// manifest header), a missing manifest or --full rebuilds everything.
//
// # Staging and swap
//
// A full build writes into a sibling folder <out>.staging-* and renames it
// to <out> when everything succeeded (a previous tree is renamed aside
// first and then removed). A rebuild writes its changed files into
// <out>/.regen/staging-*, writes the new manifest to a temporary file, and
// only then moves the files into place (leaves first, discovery last),
// deletes stale files and renames the manifest over the old one as the
// commit point. A failed build (bad data, cancelled) therefore leaves the
// previous output untouched. Before moving anything a rebuild records the
// entries it is changing in <out>/.regen/dirty; if the process dies while
// moving, the next build regenerates and rewrites those entries in full.
package build
