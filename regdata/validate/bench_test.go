package validate

import (
	"context"
	"os"
	"testing"

	"github.com/regen-registry/regen/regdata"
)

// BenchmarkRun validates the folder named by REGEN_VALIDATE_BENCH_DIR (for
// example a synth-registry -scale 1.0 tree) or, without it, the sample.
//
//	go build -C ../shared/tools/synth-registry -o "$PWD/bin/synth" .
//	bin/synth -out /tmp/synth -scale 1.0
//	REGEN_VALIDATE_BENCH_DIR=/tmp/synth go test -run '^$' -bench Run -benchtime 1x ./regdata/validate/
func BenchmarkRun(b *testing.B) {
	dir := os.Getenv("REGEN_VALIDATE_BENCH_DIR")
	if dir == "" {
		dir = sampleDir
	}
	for b.Loop() {
		rep, err := Run(context.Background(), regdata.Dir{Root: dir}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if !rep.OK() {
			b.Fatalf("%s", rep.Summary())
		}
	}
}
