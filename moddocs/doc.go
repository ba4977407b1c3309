// Package moddocs extracts, stores and renders module documentation: for
// each module version, the README, inputs, outputs, resources, provider
// requirements and module calls of the root module, of every submodule
// (modules/*) and of every example (examples/*), plus the licences of the
// repository's top-level licence files.
//
// # Extraction
//
// Extractor.Extract works on any fs.FS (os.DirFS, fstest.MapFS, or a
// commit's tree written to disk by modsource.Fetch, which fetches one
// commit with go-git into bounded on-disk storage). Configuration is read with hashicorp/terraform-config-inspect;
// nothing is executed, no symbolic link or submodule is followed, and file
// sizes are capped (Limits). A module whose configuration does not parse
// still gets a Doc, with the parser's diagnostics in Module.Error and
// whatever parsed kept: its versions are published all the same.
//
// Licences are detected with google/licenseclassifier/v2 (its embedded
// corpus; see LicenseDetector for the cost) and reported as SPDX ids. A
// Policy (an allowlist of SPDX ids) decides, as the OpenTofu registry does,
// whether the documentation may be republished: at least one licence found
// and all of them allowed. Otherwise the Doc is withheld: READMEs and
// schemas are not read and not stored, only the structure remains.
//
// # Storage
//
// Extracted Docs live in a content-addressed Store (see Store for the
// layout): gzipped canonical JSON named by its sha256, plus one small index
// per module mapping each version to its object (or to the error that
// stopped extraction) and the extraction time. `regen build` reads only the
// Store, so it stays offline and deterministic; ingest extracts only the
// versions the Store does not have (Store.Has), so extraction is
// incremental.
//
// The Store is deliberately not in the data folder's git repository:
// READMEs are large (tens of KiB each, tens of thousands of module
// versions: gigabytes over time) and every new version would add to git
// history forever. By default it is a "registry-docs" folder beside the
// data folder (DefaultDir), which needs no .gitignore and survives
// re-clones of the data repository, and it is mirrored to the registry's
// bucket under BucketPrefix (".regen/docs/", never served): objects are
// immutable and uploaded once, index files are small and replaced. A CI run
// restores the folder from the bucket, ingests new versions, and uploads
// what changed. The cost of this choice is that the docs are not
// reviewable in pull requests and a lost bucket means re-extracting from
// the module repositories, which is always possible because every version
// records its commit.
//
// # Rendering
//
// RenderRegistry produces registry.terraform.io's module detail members
// (root, submodules, examples) and RenderRegistryVersion the per-version
// dependency summary; RenderOpenTofu produces the OpenTofu docs API's
// version index.json and OpenTofuReadmes its README.md files. All are pure
// functions of a Doc.
package moddocs
