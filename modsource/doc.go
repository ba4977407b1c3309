// Package modsource fetches a module's source at a pinned commit into a
// temporary folder on disk, with bounded memory, disk and time. It is the
// one way regen reads a module repository's files: module documentation
// (package moddocs) and module packages (archive mode, package modarchive)
// both start from a Checkout.
//
// A repository is untrusted input: a publisher can push a "git bomb" (a
// pack of a few MB that inflates to gigabytes). Fetch therefore
//
//   - fetches one commit with go-git (depth 1, no tags, nothing executed)
//     into object storage on disk, never into memory;
//   - reads the downloaded pack's object headers before go-git indexes it,
//     and refuses a pack with an object larger than Limits.MaxFileBytes,
//     more than Limits.MaxObjects objects or more than Limits.MaxTotalBytes
//     of content, without inflating past the first offending object;
//   - writes the commit's tree file by file (streamed from the pack), under
//     the same caps plus Limits.MaxFiles, skipping symbolic links,
//     submodules and anything named .git;
//   - runs under a time box (Limits.Timeout) and the caller's context;
//   - always removes its temporary folders: on error, and in Checkout.Close.
//
// A version over any limit fails with a *LimitError, which, like
// ErrSourceGone, will not go away by retrying: callers record it ("docs
// unavailable", "no package") instead of failing the run.
package modsource
