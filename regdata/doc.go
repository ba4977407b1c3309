// Package regdata is the model of a registry data folder in the OpenTofu
// registry layout, shared by ingest (which writes it) and the generator
// (which reads it):
//
//	providers/<c>/<namespace>/<type>.json          one provider, its versions and targets
//	modules/<c>/<namespace>/<name>/<system>.json   one module, its versions (tags) and commits
//	keys/<c>/<namespace>/*.asc                     signing keys for the whole namespace
//	keys/<c>/<namespace>/<type>/*.asc              signing keys for one provider
//	versions_blacklist.json                        versions hidden from every response
//
// where <c> is the lower-cased first character of the namespace.
//
// Reading accepts every quirk of real OpenTofu data (files without h1/size,
// versions_errors, tags with and without "v", two-part versions, unsorted
// lists, mixed-case namespaces). Writing is atomic (temp file + rename),
// deterministic (fixed key order, two-space indentation, newest version
// first) and keeps JSON fields regen does not know.
//
// Case: data paths keep the namespace's case as the folder has it
// (providers/a/Azure/…), while API paths are lower-cased (see
// ProviderAddr.APIPath and ModuleAddr.APIPath), as OpenTofu does and as
// clients normalise provider addresses. Two data files whose addresses differ
// only in case are a validation error.
package regdata
