// Package release fetches and verifies one provider release from its
// GitHub release assets, the way terraform init will check it later, so
// that nothing the registry publishes fails there:
//
//  1. <repo>_<version>_SHA256SUMS and its .sig, the signature checked
//     against the namespace's and provider's keys (keys/ in the data
//     folder);
//  2. <repo>_<version>_manifest.json for the plugin protocols (default
//     "5.0" when the release has none);
//  3. every <repo>_<version>_<os>_<arch>.zip the sums list, downloaded,
//     its SHA-256 checked against the sums, and its h1: hash
//     (golang.org/x/mod/sumdb/dirhash) and size recorded. The zip is
//     checked from its central directory first (ZipLimits: files,
//     uncompressed bytes, compression ratio) and refused when over the
//     limits, so a zip bomb costs neither memory nor hours of hashing.
//
// Each release is time-boxed (Fetcher.Timeout, default 30 minutes), so a
// stalling server costs a failed version, not the run.
//
// Asset names are tried with the bare version first and then with a
// leading "v", as the OpenTofu registry does.
package release
