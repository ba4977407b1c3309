//go:build !linux

package uploadtest

import "os/exec"

// dieWithParent is only possible on Linux; elsewhere the test cleanup
// stops the server.
func dieWithParent(*exec.Cmd) {}
