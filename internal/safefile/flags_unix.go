//go:build unix

package safefile

import (
	"errors"
	"syscall"
)

// openFlags refuse a symbolic link swapped in after the check and keep
// the open of a FIFO swapped in from blocking (it is then refused as not
// regular).
const openFlags = syscall.O_NOFOLLOW | syscall.O_NONBLOCK

func isLoop(err error) bool { return errors.Is(err, syscall.ELOOP) }
