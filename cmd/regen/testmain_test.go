package main

import (
	"os"
	"testing"
)

// envAsMain makes the test binary run as regen itself, so tests can put a
// real `regen` executable on PATH for shell scripts (the generated
// workflows) without building one: see regenOnPath.
const envAsMain = "REGEN_TEST_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(envAsMain) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}
