package testtool

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// InCI reports whether the tests run in CI: the CI environment variable is
// set to anything but "", "0" or "false" (GitHub Actions and .ci/run set it).
func InCI() bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv("CI"))) {
	case "", "0", "false":
		return false
	}
	return true
}

// Missing ends the test because a real component it needs is not here: a
// failure in CI, a skip elsewhere. The message says what is missing and how
// to get it.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if InCI() {
		t.Fatalf("required in CI: %s", msg)
	}
	t.Skip(msg)
}

// Require returns the path of the program name, from the environment
// variable env when it is set and non-empty (pass "" for none), else from
// PATH. A program that cannot be found is Missing.
func Require(t testing.TB, name, env string) string {
	t.Helper()
	if env != "" {
		if p := os.Getenv(env); p != "" {
			if _, err := os.Stat(p); err != nil {
				Missing(t, "%s=%s: %v", env, p, err)
			}
			return p
		}
	}
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, "%s is not installed (not on PATH)", name)
	}
	return p
}

// GitHTTPBackend returns the path of git's smart-HTTP server program,
// git-http-backend, from the installed git.
func GitHTTPBackend(t testing.TB) string {
	t.Helper()
	git := Require(t, "git", "")
	out, err := exec.Command(git, "--exec-path").Output()
	if err != nil {
		Missing(t, "git --exec-path: %v", err)
	}
	p := filepath.Join(strings.TrimSpace(string(out)), "git-http-backend")
	if _, err := os.Stat(p); err != nil {
		Missing(t, "git-http-backend: %v", err)
	}
	return p
}
