package modsource

import (
	"errors"
	"fmt"
	"time"

	"github.com/regen-registry/regen/internal/positive"
)

// Limits bound what Fetch reads and writes for one commit. Zero fields take
// the defaults.
type Limits struct {
	// MaxFileBytes caps each git object, hence each file (default 32 MiB).
	// go-git holds one object in memory while indexing a pack, so this is
	// also what bounds memory.
	MaxFileBytes int64
	// MaxTotalBytes caps the inflated size of all the commit's objects
	// together, hence the bytes written to disk (default 256 MiB).
	MaxTotalBytes int64
	// MaxPackBytes caps the pack downloaded from the server (default
	// 256 MiB).
	MaxPackBytes int64
	// MaxFiles caps the files written (default 20,000).
	MaxFiles int
	// MaxObjects caps the objects in the pack: files, folders and the
	// commit (default 2×MaxFiles+64).
	MaxObjects int
	// Timeout bounds the whole fetch and checkout (default 2 minutes).
	Timeout time.Duration
}

// Default limits.
const (
	DefaultMaxFileBytes  = 32 << 20
	DefaultMaxTotalBytes = 256 << 20
	DefaultMaxPackBytes  = 256 << 20
	DefaultMaxFiles      = 20000
	DefaultTimeout       = 2 * time.Minute
)

// WithDefaults returns l with zero fields set to the defaults.
func (l Limits) WithDefaults() Limits {
	l.MaxFileBytes = positive.Or(l.MaxFileBytes, DefaultMaxFileBytes)
	l.MaxTotalBytes = positive.Or(l.MaxTotalBytes, DefaultMaxTotalBytes)
	l.MaxPackBytes = positive.Or(l.MaxPackBytes, DefaultMaxPackBytes)
	l.MaxFiles = positive.Or(l.MaxFiles, DefaultMaxFiles)
	l.MaxObjects = positive.Or(l.MaxObjects, 2*l.MaxFiles+64)
	l.Timeout = positive.Or(l.Timeout, DefaultTimeout)
	return l
}

// LimitError says that a commit's source exceeds one of the Limits. It is
// permanent for that commit: retrying gives the same answer.
type LimitError struct {
	// What names the limit ("a file", "the pack", "the time box", …).
	What string
	// Got and Limit are the measured value and the cap, in Unit.
	Got, Limit int64
	Unit       string
}

func (e *LimitError) Error() string {
	if e.Unit == "" {
		return fmt.Sprintf("%s exceeds the limit", e.What)
	}
	if e.Got > 0 {
		return fmt.Sprintf("%s: %d %s exceeds the limit of %d %s", e.What, e.Got, e.Unit, e.Limit, e.Unit)
	}
	return fmt.Sprintf("%s exceeds the limit of %d %s", e.What, e.Limit, e.Unit)
}

// IsLimit reports whether err is (or wraps) a *LimitError.
func IsLimit(err error) bool {
	var le *LimitError
	return errors.As(err, &le)
}
