// Package testtool is the one place tests decide what a missing external
// program means. The real components regen's tests run (terraform, git,
// git-http-backend, workerd, versitygw, actionlint) are skipped on a
// developer's machine that lacks them and fail the run in CI, so a CI run
// never passes by quietly skipping what it was meant to prove.
package testtool
