#!/usr/bin/env bash
# bench-build.sh: times `regen build` at public-registry scale. Not run by CI.
#
#   generator/bench/bench-build.sh [WORKDIR]        (default /work/tmp/regen-bench)
#
# Environment: SCALE (synth-registry -scale, default 1.0 = 4,500 providers,
# 25,000 modules, ~1.07M provider download documents, ~6 GiB of output),
# BUMP (default 50), JOBS (default: regen's own default, GOMAXPROCS*4),
# KEEP=1 to keep the trees afterwards, BUILD_FLAGS for extra `regen build`
# flags (e.g. --no-discovery for the install protocols alone). Needs ~15 GB free in WORKDIR at
# scale 1.0, go, and GNU time (/usr/bin/time -v) for peak RSS.
#
# Steps, all in WORKDIR:
#   1. build regen, the floor tool and synth-registry; generate data/ with the
#      sample's signing keys (so download documents carry real keys);
#   2. full build: regen build --data data --out out (wall time, peak RSS);
#   3. synth-registry -bump $BUMP (one new version for BUMP providers and
#      BUMP modules), then an incremental regen build (wall time, files
#      written): the hourly case, right after a build;
#   4. if /proc/sys/vm/drop_caches is writable (root): another bump and a
#      rebuild with the page cache dropped first (the worst case);
#   5. disk floor: floor writes a zero-filled file of the same path and size
#      for every file in out's manifest, with the build's write code and
#      parallelism and no computation (generator/build.Floor). It runs last
#      so its 6 GiB do not evict the build's caches before the rebuild.
# Targets: build <= 1.25 x floor; peak RSS < 128 MB with no soft memory
# limit (GOMEMLIMIT=off unless set); rebuild < 3% of build.
# `sync` runs before each timed step so earlier writes are not flushed
# during it. Timings on a shared machine are noisy: run it twice.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-${WORK:-/work/tmp/regen-bench}}
scale=${SCALE:-1.0}
bump=${BUMP:-50}
synth_src=${SYNTH:-$repo/../shared/tools/synth-registry}
keys_src=${KEYS:-$repo/testdata/opentofu-sample/keys}
jobs_flag=()
floor_jobs=()
if [ -n "${JOBS:-}" ]; then
	jobs_flag=(--jobs "$JOBS")
	floor_jobs=(-jobs "$JOBS")
fi

# Peak RSS is measured without a soft memory limit: regen build sets one
# unless GOMEMLIMIT is set, and "off" leaves the Go runtime's default.
export GOMEMLIMIT=${GOMEMLIMIT:-off}

mkdir -p "$work"
cd "$work"
echo "== tools"
go build -C "$repo" -o "$work/regen" ./cmd/regen
go build -C "$repo" -o "$work/floor" ./generator/bench/floor
go build -C "$synth_src" -o "$work/synth" .

echo "== data (scale $scale)"
rm -rf data out floor-tree keys
mkdir keys
find "$keys_src" -name '*.asc' -exec cp {} keys/ \;
./synth -out data -scale "$scale" -keys keys

# seconds prints the wall time a /usr/bin/time -v report holds.
seconds() { awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$1"; }
rss_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }
cpu() { awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "user %.1f s, sys %.1f s", u, s }' "$1"; }
field() { grep -o "\"$2\":[0-9]*" "$1" | cut -d: -f2; }

build() {
	/usr/bin/time -v ./regen build --data data --out out --base-url https://registry.example.test \
		"${jobs_flag[@]}" ${BUILD_FLAGS:-} --json -q >"$1.json" 2>"$1.time"
}

echo "== full build"
sync
build full
full_s=$(seconds full.time)
full_rss=$(rss_mb full.time)
cat full.json
cp out/.regen/manifest.ndjson full-manifest.ndjson # the floor writes what the full build wrote

echo "== bump $bump, incremental rebuild"
./synth -out data -bump "$bump" >bumped.txt
sync
build rebuild
re_s=$(seconds rebuild.time)
re_rss=$(rss_mb rebuild.time)
cat rebuild.json

cold_s=""
if [ -w /proc/sys/vm/drop_caches ]; then
	echo "== bump $bump again, rebuild with cold caches"
	./synth -out data -bump "$bump" -seed 2 >bumped-cold.txt
	sync
	echo 3 >/proc/sys/vm/drop_caches
	build cold
	cold_s=$(seconds cold.time)
	cat cold.json
fi

echo "== disk floor"
sync
/usr/bin/time -v ./floor -manifest full-manifest.ndjson -out floor-tree "${floor_jobs[@]}" >floor.txt 2>floor.time
cat floor.txt
floor_s=$(awk '{ print $(NF-1) }' floor.txt)

echo
echo "== results"
awk -v f="$floor_s" -v b="$full_s" -v r="$re_s" -v brss="$full_rss" -v rrss="$re_rss" \
	-v files="$(field full.json written)" -v bytes="$(field full.json bytes)" \
	-v rw="$(field rebuild.json written)" -v rd="$(field rebuild.json deleted)" -v rr="$(field rebuild.json regenerated)" -v c="$cold_s" 'BEGIN {
	printf "files %d, %.2f GiB\n", files, bytes / 1073741824
	printf "disk floor       %8.1f s\n", f
	printf "full build       %8.1f s   %.2f x floor (target <= 1.25)   peak RSS %d MB (target < 128)\n", b, b / f, brss
	printf "rebuild (bump)   %8.2f s   %.2f%% of full build (target < 3%%)   peak RSS %d MB\n", r, 100 * r / b, rrss
	printf "rebuild wrote %d files, deleted %d, regenerated %d entries\n", rw, rd, rr
	if (c != "") printf "cold rebuild     %8.2f s   %.2f%% of full build (page cache dropped first)\n", c, 100 * c / b
}'
echo "cpu: floor $(cpu floor.time) (includes reading the manifest); build $(cpu full.time); rebuild $(cpu rebuild.time)"

if [ "${KEEP:-0}" != 1 ]; then
	echo "== cleaning up (removing the trees takes a while)"
	rm -rf floor-tree out data full-manifest.ndjson
fi
