// Package syncbuf is a byte buffer safe for concurrent writers: what a
// child process prints on stdout and stderr at once, or what a logger
// writes from several goroutines, collected to be read afterwards.
package syncbuf

import (
	"bytes"
	"strings"
	"sync"
)

// Buffer collects writes under a lock. The zero value is an empty buffer
// ready to use; a Buffer must not be copied after first use.
type Buffer struct {
	// Max, when positive, bounds what is kept: writes that would take the
	// buffer past Max bytes are dropped (and reported as written), so a
	// chatty child process cannot fill memory.
	Max int

	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p, or drops it when the buffer holds Max bytes already.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.Max > 0 && b.b.Len() > b.Max {
		return len(p), nil
	}
	return b.b.Write(p)
}

// String returns what was written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Contains reports whether what was written so far contains sub.
func (b *Buffer) Contains(sub string) bool { return strings.Contains(b.String(), sub) }

// Reset empties the buffer.
func (b *Buffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.b.Reset()
}
