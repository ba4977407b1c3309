// Package modarchive makes, stores and fills module packages for archive
// mode: for each published module version, a deterministic .tar.gz of the
// module's source at its pinned commit, which the registry serves itself
// so that `terraform init` depends neither on GitHub nor on the repository
// still existing, and so that a private registry's users need no git
// credentials.
//
// # Packages
//
// Pack writes a checkout (modsource.Fetch) as a gzipped tar: regular files
// only, sorted by path, mode 0644 or 0755, owner 0:0 with no names, one
// fixed modification time, no .git, no symbolic links or submodules
// (modsource skips them), gzip with no name and no time. The same commit
// gives the same bytes, so a package is named by its sha256 and a rebuild
// or an upload never re-sends an unchanged one. Terraform and OpenTofu
// unpack .tar.gz from an HTTP URL with go-getter's tar.gz decompressor
// (chosen by the URL path's extension).
//
// A package is refused for archive mode (the version keeps its git
// download) when its source is over modsource's limits, holds more than
// PackLimits.MaxFiles files or would be larger than PackLimits.MaxBytes
// compressed; see PackLimits for why the caps exist.
//
// # Store
//
// Packages live in a content-addressed Store beside the data folder
// (DefaultDir, "registry-archives"), kept across runs like the docs store:
//
//	objects/<h[0:2]>/<h>.tar.gz               a package (h = its sha256)
//	index/<ns>/<name>/<system>.json           version → package, or why there is none
//
// Filling is incremental: Filler.Fill fetches only the versions the index
// does not list. A version whose source is gone or over the limits is
// recorded with the reason and not fetched again; one that failed for a
// reason worth a retry (network) is not recorded. `regen ingest` fills the
// store for new versions, so that `regen build --module-archives` in the
// scheduled pipeline needs no network. A sharded ingest's additions reach
// the publish job's store through `regen shard pack` and `regen shard
// apply` (PutObject checks a package against its name, Merge adds index
// entries whose package is in the store).
package modarchive
