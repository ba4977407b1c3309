// Package client is a Go client for the Terraform/OpenTofu registry API, the
// counterpart of the `client.registry` module of HashiCorp's Python SDK.
//
// A [Client] talks to one registry, given by its base URL (where
// /.well-known/terraform.json lives) and an [*http.Client]:
//
//   - [Client.Discover]: service discovery, with relative service URLs
//     resolved against the discovery URL, a trailing "/" added to
//     modules.v1, and providers.v1 required to end with one;
//   - [Client.Modules], [Client.Search] and [Client.LatestByProvider]:
//     listings, as lazy iterators ([iter.Seq2]) that request page after page
//     by following meta.next_offset until it is absent;
//   - [Client.LatestModule] and [Client.Module]: module detail;
//   - [Client.ModuleVersions] and [Client.ProviderVersions];
//   - [Client.ModuleDownload]: the X-Terraform-Get header first, then the
//     body's "location" (status 200 or 204), relative locations resolved
//     against the download URL;
//   - [Client.ProviderDownload]: the provider package document, its URLs
//     resolved against the response URL;
//   - [Client.DownloadsSummary]: /v2/modules/<ns>/<name>/<provider>/downloads/summary;
//   - [Client.MirrorVersions] and [Client.MirrorArchives]: the provider
//     network mirror protocol;
//   - [Client.Get]: any document of the registry tree, raw, for tools such
//     as `regen verify`.
//
// Error responses become an [*APIError] (match it with errors.As) carrying
// the status and the messages of the registry's {"errors":[...]} body.
//
// # Credentials
//
// Bearer tokens are configured per hostname with [WithCredentials], as in
// Terraform's `credentials "host" { token = ... }` blocks. The token of a
// host is added to each request, including every hop of a redirect, only
// when that request goes to that very host (the port counts), and never
// over plain http to a host other than a loopback address. A redirect to
// another host therefore never carries the Authorization header, even where
// net/http would copy it (a subdomain, or the same name on another port).
//
// The Client does no logging and keeps no state beyond the result of
// service discovery; it is safe for concurrent use.
package client
