// Package pipeline is the operator pipeline's glue between regen's stages,
// so that a CI workflow is a short list of regen commands:
//
//	regen ingest --shard a-b      (one job per shard, in parallel)
//	regen shard pack              package the shard's changes (data files,
//	                              new events, extracted module docs, module
//	                              packages of archive mode)
//	regen shard apply PACK…       one publish job applies every shard's pack
//	regen validate
//	regen commit --push           commit the data folder, push, rebase and
//	                              retry when the branch moved
//	regen build / regen upload
//
// A pack carries whole files, never patches, and only files of its shard's
// part of the data folder (providers/<c>/…, modules/<c>/… with c in the
// shard). The change log (events/<month>.ndjson), which every shard appends
// to, is carried as events and merged by Apply, so shards never write the
// same file and applying one pack never depends on another. The stores
// beside the data folder (module docs, archive mode's module packages) are
// carried as the files the shard's ingest wrote into them: content-addressed
// objects, checked against their names, and the indexes of the shard's own
// modules.
package pipeline
