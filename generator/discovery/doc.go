// Package discovery renders registry.terraform.io's public discovery API
// and OpenTofu's docs API as static documents:
//
//   - module details: v1/modules/<ns>/<name>/<system> (latest) and
//     …/<version>, with root, submodules, examples, providers and versions;
//   - listings: v1/modules, v1/modules/<ns>, v1/modules/<ns>/<name>
//     (latest version per provider), v1/providers, v1/providers/<ns>, each
//     {"meta":{…},"modules"|"providers":[…]} with next_offset only when
//     more remain;
//   - downloads summaries: v2/modules/<ns>/<name>/<system>/downloads/summary;
//   - the OpenTofu docs tree under registry/docs/ and its search feed
//     registry/docs/search.ndjson;
//   - the search index (package search) and the feeds (package feeds).
//
// A document whose URL path is also a folder is stored at
// <path>/index.json (manifest.DirIndex); paths are lower-cased.
//
// The build drives it in two ways. Per data entry it calls the pure
// functions ModuleFiles and ProviderFiles, whose output depends only on
// their input (so an unchanged entry need not be re-rendered). For the
// registry-wide documents it feeds a Collector, which keeps a few hundred
// bytes per entry, and calls Finish once at the end: only the first page
// (offset 0, limit 10) of each listing is a static file; every other page,
// and every search, is answered from the search index by `regen serve`
// (serve/query) or an edge worker, using the same rendering functions
// (RenderModuleList, RenderProviderList), so a static page and a computed
// one are byte for byte the same.
//
// Module details work without extracted documentation: the root then has
// an empty README and empty lists. Descriptions come from the caller
// (ModuleInput.Description) or, failing that, from the first prose
// paragraph of the latest version's README (DescribeReadme).
//
// Download counts (package stats) appear in listings and details as
// "downloads" (the total) and in the summaries. Summaries are rendered by
// the Collector on every build, so they stay current without
// re-rendering entries; details show the counts of the build that last
// rendered their entry.
package discovery
