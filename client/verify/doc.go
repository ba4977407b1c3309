// Package verify compares a deployed registry with the build it was made
// from: `regen verify`, a post-deploy smoke test.
//
// [Run] reads the build manifest of a local tree (.regen/manifest.ndjson),
// fetches every file it lists that a registry serves (or a seeded random
// sample of them) from the deployed registry through [client.Client.Get],
// with bounded concurrency, and checks each:
//
//   - the status is 200 (404 and 410 are reported as missing; any other
//     status, a redirect or a network failure as failed, after retrying
//     429, 5xx and network errors);
//   - the SHA-256 of the body and its size match the manifest;
//   - the Content-Type has the manifest's media type;
//   - a module version download (v1/modules/ns/name/system/version/download)
//     carries an X-Terraform-Get header equal to its body's "location", as
//     `regen serve` and the edge worker send it. Plain static hosting
//     cannot send it: its absence is a warning (Terraform will not find
//     the module; OpenTofu will), or a mismatch with RequireTerraformGet;
//   - the latest-version download (v1/modules/ns/name/system/download) is
//     either the file itself (static hosting) or a redirect to the download
//     of the version the file names (`regen serve`).
//
// When the manifest lists the discovery document, service discovery is
// also run through the client, which checks its Content-Type and service
// URLs as Terraform does.
//
// Problems are reported with their tree paths, sorted; [Report.Err] is
// non-nil when there is any.
package verify
