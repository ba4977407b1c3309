// Package upload publishes a built registry tree to an object store (S3,
// R2, any S3-compatible server) or a plain folder, incrementally and in an
// order that keeps the published registry consistent at every instant.
//
// # Incremental
//
// regen keeps its upload state — a compressed copy of the build manifest
// of the last completed upload (ManifestName) and the sha256 of that
// manifest (ManifestSumName) — in the target under
// .regen/state-<128 random bits in hex>/, found again by listing .regen/,
// or in a store of its own (Options.State); see "Upload state" below. An upload first compares that checksum
// with the build's and lists the journal (below): when both say nothing
// changed, it stops there, after two requests. Otherwise it merge-joins the
// build manifest with the target's, entry by entry (both are sorted by
// entry key, so a million-file registry is diffed holding one entry at a
// time), and spools to disk what to send, purge and delete. Only new and
// changed objects are sent. Without a target manifest (a first upload, a
// bucket filled by other means), or with Options.Verify, the plan comes
// from a full listing instead: objects are compared by size and ETag (the
// MD5 of the content on S3 and R2) or by the sha256 in their metadata.
//
// # Ownership
//
// An upload deletes only objects regen published: paths its last manifest
// or its journal lists that the build no longer has. Other objects of the
// target (a first upload to a bucket holding backups or a web site; files
// put there by other tools) are never deleted, only counted and listed in
// the Summary (Unowned, UnownedKeys), unless Options.DeleteUnowned asks to
// take the target over. Objects under .regen/ are never deleted as stale.
//
// # Upload state
//
// A host that serves every object of a bucket (S3 behind CloudFront, R2's
// public access, a folder behind a web server) would hand the state — a
// list of every object — to anyone asking for it by a known name. So the
// state folder's name holds 128 random bits and is found by listing, which
// the uploader may do and public readers may not; `regen serve` and the
// worker also refuse every path under .regen/. Options.State puts it
// elsewhere. State kept by earlier versions at fixed names under .regen/
// is read by the next upload, written at the new place, then deleted.
//
// # Safe order
//
// Objects are published by class (manifest.Class): per-version documents
// first, then the indexes pointing at them (`versions`, mirror
// index.json), then listings and search, then discovery. Each class is
// complete before the next starts, so an index never points at a document
// that is not there yet. Objects the build no longer has are deleted only
// after every object of the build is in place — so no published index
// references them — and in the reverse order (entry points first,
// per-version documents last). Deleting more than Options.MaxDelete
// objects is refused before anything is written. The manifest is written
// last.
//
// # Crash safety and resumption
//
// Each write replaces one object atomically, and the order above holds at
// every instant, so a run killed at any point leaves a consistent registry:
// some new versions may not be listed yet, or some unlisted documents not
// deleted yet. The remote manifest still describes the previous upload, so
// the next run alone would send again everything the killed run had
// delivered. To avoid that, a run writes checkpoints in the state's
// JournalDir:
// after every Options.CheckpointEvery objects or Options.CheckpointInterval,
// at the end of each class, and — when the run is cancelled (SIGINT,
// SIGTERM) — once more on the way out. A checkpoint is a partial manifest
// of the objects that reached the target since the previous one. Before
// deleting anything, a run also checkpoints the paths it is about to
// delete, as tombstones. The next run layers the checkpoints over the
// remote manifest: objects they record with the build's content are not
// sent again, tombstoned paths are treated as possibly gone, and objects
// an interrupted run created that the new build no longer has are deleted.
// What can be sent twice is honest and bounded: the objects in flight when
// the run died, plus, after a hard kill (SIGKILL, lost network), those
// delivered since the last checkpoint. A completed run deletes the journal
// after writing the manifest.
//
// # Metadata and CDN
//
// Every object carries the Content-Type from the manifest (application/json
// for the extensionless API documents), a Cache-Control by class
// (CachePolicy: long for per-version documents, short for everything else)
// and its sha256. With a Purger, the public URLs of objects whose content
// changed in place are purged once their class is published, and those of
// deleted objects once their class is deleted (new paths need no purge); a
// folder's document (manifest.DirIndex) is purged under the folder's URL
// too. The purge list comes from the diff against the last completed
// upload, so a run interrupted before purging purges again next time.
//
// # Targets
//
// Store is the small interface the uploader writes through; upload/s3store
// and upload/filestore implement it, upload/target opens one from a URL,
// and upload/storetest is the contract both pass. Store implementations
// retry transient failures themselves; the uploader wraps final errors
// with the object concerned. upload/cfpurge purges Cloudflare's cache.
//
// One target must have one writer at a time (the publishing workflow's
// concurrency group guarantees it).
package upload
