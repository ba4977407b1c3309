// Package generator turns the registry data model (package regdata) into
// every registry API response, as pure functions from data to bytes:
//
//	Discovery(opts)                                .well-known/terraform.json
//	Provider(addr, file, keys, blacklist, opts)    v1/providers/<ns>/<type>/versions,
//	                                               v1/providers/<ns>/<type>/<v>/download/<os>/<arch>,
//	                                               <mirror-prefix><host without port>/<ns>/<type>/index.json and <v>.json
//	Module(addr, file, blacklist, opts)            v1/modules/<ns>/<name>/<system>/versions,
//	                                               .../<v>/download and the latest-version .../download
//
// Nothing here reads or writes files: the sinks are separate. Package
// generator/build writes a whole tree (with a build manifest, staging and
// incremental rebuilds) and generator/live answers one request path
// straight from a data folder for `regen serve --data`.
//
// Every document is deterministic: sorted keys and lists, two-space
// indentation, no HTML escaping, a trailing newline. API paths are
// lower-cased (regdata APIPath); version path segments are the normalised
// version ("v1.0" is served at 1.0.0), and only the versions
// regdata.PublishedProviderVersions / PublishedModuleVersions publish appear
// anywhere (blacklisted, unparsable and duplicate versions are left out and
// returned as regdata.Dropped for the caller to log).
//
// Provider download documents carry the signing keys that apply
// (namespace and provider keys) and the "packages" map OpenTofu ≥ 1.12
// reads to fill lock files for every platform:
//
//	"packages": {"linux_amd64": {"hashes": ["h1:…", "zh:…"], "package_size": 123}}
//
// (internal/getproviders/registry_client.go in OpenTofu; the RFC is
// rfc/20251027-provider-registry-hashes.md). OpenTofu rejects a download
// whose own platform is missing from a non-empty map, has no positive
// package_size, or whose zh: hash differs from "shasum", so a platform is
// listed only when its target has a size and a shasum, and the map is left
// out of a document whose own target does not qualify.
package generator
