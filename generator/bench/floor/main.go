// Command floor measures the disk floor of `regen build`: it writes a
// zero-filled file of the same path and size for every file in a build
// manifest, with the build's write path and parallelism and nothing else
// (see build.Floor), and prints the seconds the writing took. Used by
// generator/bench/bench-build.sh.
//
//	floor -manifest OUT/.regen/manifest.ndjson -out FLOOR_DIR [-jobs N]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"

	"github.com/regen-registry/regen/generator/build"
)

func main() {
	mf := flag.String("manifest", "", "build manifest listing the files to write (required)")
	out := flag.String("out", "", "folder to write, must not exist (required)")
	jobs := flag.Int("jobs", runtime.GOMAXPROCS(0)*4, "files written at once (entries in parallel), as regen build --jobs")
	flag.Parse()
	if *mf == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "floor: -manifest and -out are required")
		os.Exit(2)
	}
	r, err := build.Floor(context.Background(), *mf, *out, *jobs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	fmt.Printf("floor: %d files, %d bytes, %.3f s\n", r.Files, r.Bytes, r.Duration.Seconds())
}
