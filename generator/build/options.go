package build

import (
	"fmt"
	"github.com/regen-registry/regen/worker"
	"log/slog"
	"time"

	"github.com/regen-registry/regen/generator"
)

// Options configure a build.
type Options struct {
	// Data is the registry data folder to read.
	Data string
	// Out is the tree to write (created or updated in place).
	Out string
	// Generator shapes the responses (base URL, GitHub URL, mirror).
	Generator generator.Options
	// Jobs bounds the entries processed at once; default GOMAXPROCS*4
	// (the work is mostly file-system calls).
	Jobs int
	// Full regenerates and rewrites every entry even when a previous
	// manifest says it is unchanged.
	Full bool
	// Discovery adds the public registry's discovery API (module details,
	// listings, downloads summaries), OpenTofu's docs API, the search
	// index and the feeds (package generator/discovery).
	Discovery bool
	// DocsDir is the module docs store read by Discovery (default
	// moddocs.DefaultDir(Data)); a missing store means no docs.
	DocsDir string
	// Archives turns on archive mode (nil: off): module versions with a
	// package in the archive store download it from the registry.
	Archives *ArchiveOptions
	// StatsDir holds the download counts read by Discovery (default
	// stats.DataDir(Data)); a missing folder means no counts.
	StatsDir string
	// Now is the clock of the search index and the feeds; zero means the
	// newest time in the data, so that equal data gives equal files.
	Now time.Time
	// Title names the registry in feeds (default: the host name).
	Title string
	// Access is who may read the registry (worker.Public by default): the
	// edge worker written under .regen/worker/ for worker.Private refuses
	// to serve without its tokens secret.
	Access worker.Access
	// Progress is told how many entries there are and when each is done
	// (internal/progress's Reporter fits); nil reports nothing.
	Progress Progress
	// Logger receives warnings (versions left out, files outside the data
	// layout) and progress; nil logs nothing.
	Logger *slog.Logger

	// spillAt overrides spillFiles (tests).
	spillAt int
}

// Progress receives a build's progress, entry by entry.
type Progress interface {
	Start(total int)
	Done()
	Finish()
}

type nopProgress struct{}

func (nopProgress) Start(int) {}
func (nopProgress) Done()     {}
func (nopProgress) Finish()   {}

// Summary counts what a build did.
type Summary struct {
	Full        bool          `json:"full"`        // everything was regenerated
	Entries     int           `json:"entries"`     // data entries plus the global entry
	Regenerated int           `json:"regenerated"` // entries generated this run
	Reused      int           `json:"reused"`      // entries copied through from the previous manifest
	Removed     int           `json:"removed"`     // entries whose data file is gone
	Written     int           `json:"written"`     // files written (new or changed)
	Unchanged   int           `json:"unchanged"`   // files left as they were
	Deleted     int           `json:"deleted"`     // stale files removed
	Bytes       int64         `json:"bytes"`       // bytes written
	Dropped     int           `json:"dropped"`     // versions or targets left out (logged as warnings)
	Duration    time.Duration `json:"duration_ns"` // wall time
}

// String is the one-line summary `regen build` prints.
func (s Summary) String() string {
	mode := "incremental"
	if s.Full {
		mode = "full"
	}
	return fmt.Sprintf("built %d entries (%s: %d regenerated, %d unchanged, %d removed); files: %d written, %d unchanged, %d deleted; %s written; %d versions left out; %s",
		s.Entries, mode, s.Regenerated, s.Reused, s.Removed, s.Written, s.Unchanged, s.Deleted, humanBytes(s.Bytes), s.Dropped, s.Duration.Round(time.Millisecond))
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
