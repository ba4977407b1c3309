package uploadtest

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the server exit when the test process dies, even
// killed (a timeout, a panic), instead of lingering.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
