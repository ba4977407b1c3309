//go:build !unix

package safefile

const openFlags = 0

func isLoop(error) bool { return false }
