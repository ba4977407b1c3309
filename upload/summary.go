package upload

import (
	"fmt"
	"strings"
	"time"
)

// Summary reports what an upload did (or, with DryRun, would do).
type Summary struct {
	Target   string `json:"target"`
	DryRun   bool   `json:"dry_run,omitempty"`
	NoChange bool   `json:"no_change,omitempty"` // the remote manifest equalled the build's
	Verified bool   `json:"verified,omitempty"`  // planned from a listing of the target
	Uploaded int64  `json:"uploaded"`
	Skipped  int64  `json:"skipped"` // objects already up to date
	Deleted  int64  `json:"deleted"`
	Purged   int64  `json:"purged"` // URLs purged from the CDN
	Bytes    int64  `json:"bytes"`  // bytes uploaded
	// Resumed is how many objects a previous, interrupted run had already
	// sent (found in its journal) and this one did not send again.
	Resumed int64 `json:"resumed,omitempty"`
	// Unowned counts objects of the target outside the build that regen
	// did not publish; UnownedKeys lists (the first 1000 of) them. They
	// were left alone, unless UnownedDeleted (Options.DeleteUnowned),
	// when they are part of Deleted.
	Unowned        int64         `json:"unowned,omitempty"`
	UnownedKeys    []string      `json:"unowned_keys,omitempty"`
	UnownedDeleted bool          `json:"unowned_deleted,omitempty"`
	Retries        int64         `json:"retries"` // retried requests (S3 targets)
	Duration       time.Duration `json:"duration_ns"`
}

// String formats the summary for people.
func (s Summary) String() string {
	var b strings.Builder
	verb := func(done, would string) string {
		if s.DryRun {
			return would
		}
		return done
	}
	if s.NoChange {
		fmt.Fprintf(&b, "%s is up to date (no change) in %s", s.Target, s.Duration.Round(time.Millisecond))
		return b.String()
	}
	fmt.Fprintf(&b, "%s: %s %d objects (%s), skipped %d, %s %d, %s %d URLs",
		s.Target, verb("uploaded", "would upload"), s.Uploaded, formatBytes(s.Bytes), s.Skipped,
		verb("deleted", "would delete"), s.Deleted, verb("purged", "would purge"), s.Purged)
	if s.Resumed > 0 {
		fmt.Fprintf(&b, ", %d already sent by an interrupted run", s.Resumed)
	}
	if s.Unowned > 0 {
		if s.UnownedDeleted {
			fmt.Fprintf(&b, ", %d of the deleted not published by regen", s.Unowned)
		} else {
			fmt.Fprintf(&b, ", left %d objects regen did not publish", s.Unowned)
		}
	}
	if s.Retries > 0 {
		fmt.Fprintf(&b, ", %d retries", s.Retries)
	}
	if s.Verified {
		b.WriteString(", verified against a listing")
	}
	fmt.Fprintf(&b, " in %s", s.Duration.Round(time.Millisecond))
	return b.String()
}

func formatBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}
