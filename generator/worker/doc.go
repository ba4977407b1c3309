// Package worker writes regen's edge worker (package
// github.com/regen-registry/regen/worker: a Cloudflare Worker that serves
// the tree from an R2 bucket, adds X-Terraform-Get to module downloads,
// answers searches from the static index and applies tokens) into a
// build's output, under .regen/worker/:
//
//	.regen/worker/src/*.js                the worker's ES modules (main: src/index.js)
//	.regen/worker/src/build.js            its build settings: access public or private
//	                                      (worker.BuildJS; regen build --access)
//	.regen/worker/wrangler.toml.example   a starting wrangler configuration
//
// They go under .regen/ because everything there is regen's own: neither
// `regen serve` nor the worker serves it, and `regen upload` publishes only
// the files the build manifest lists, so the worker's source never becomes
// part of the registry's API or of the bucket. Deploy it from that folder
// (or a copy) with `wrangler deploy`.
package worker
