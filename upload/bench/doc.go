// Package bench holds the upload benchmarks. They run against a real
// S3-compatible server on loopback (versitygw, found like the tests find
// it: $REGEN_VERSITYGW, PATH, or where .ci/install-versitygw puts it) and
// report:
//
//   - BenchmarkFirstUpload: a full upload of a registry into an empty
//     bucket with --jobs 64 (objects/s);
//   - BenchmarkNoChangeUpload: the wall time and request count of an
//     upload with nothing to do (targets: under 5 s, fewer than 10
//     requests; the benchmark fails at 10 requests or more);
//   - BenchmarkBumpUpload: an upload after a round of new versions and a
//     rebuild; it fails unless the objects sent equal the objects that
//     changed;
//   - BenchmarkDiff: the plan of an upload of a build of
//     $REGEN_BENCH_DIFF_FILES files (default 1,000,000) against a target
//     holding it with 1,000 files changed, with the peak heap (target:
//     well under 256 MB).
//
// Run them with:
//
//	.ci/install-versitygw
//	go test -run '^$' -bench . -benchtime 1x -timeout 60m ./upload/bench/
//
// The registry is synthetic (uploadtest.Synthetic), about 12,000 files by
// default; REGEN_BENCH_SCALE=full makes one the size of the public registry
// (about 1.4 million files: several GB of disk and a long first upload).
// To measure a real build instead, set REGEN_BENCH_DIST to the folder
// written by `regen build` (and, for BenchmarkBumpUpload,
// REGEN_BENCH_DIST2 to a later build of the same registry).
// REGEN_BENCH_JOBS overrides --jobs (default 64).
package bench
