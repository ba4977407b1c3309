package upload

import (
	"errors"
	"log/slog"
	"time"
)

// Options configures Run.
type Options struct {
	// Dir is the built tree; its manifest is Dir/.regen/manifest.ndjson.gz.
	Dir string
	// Store is the publishing target.
	Store Store
	// Jobs is the number of concurrent requests (default 32).
	Jobs int
	// DryRun plans and reports without writing anything.
	DryRun bool
	// MaxDelete refuses an upload deleting more objects than this (zero:
	// any deletion); a negative value removes the limit. The CLI's default
	// is 1000.
	MaxDelete int
	// Verify plans against a full listing of the target instead of the
	// remote manifest (done anyway when the target has no manifest).
	Verify bool
	// DeleteUnowned deletes, too, objects of the target that are not in
	// the build and that regen did not publish (no manifest or journal of
	// regen's lists them). Without it they are left alone and reported
	// (Summary.Unowned): a first upload to a bucket or folder that holds
	// other files deletes none of them. Objects under .regen/ are never
	// deleted. MaxDelete applies either way.
	DeleteUnowned bool
	// State, when set, holds regen's upload state (last manifest, its
	// checksum, the journal) at its root instead of the target's hidden
	// folder .regen/state-<random>/: another bucket, a prefix the CDN does
	// not serve, a local folder.
	State Store
	// Cache is the Cache-Control policy; zero fields take the defaults.
	Cache CachePolicy
	// Purger, when set, purges the public URLs of objects whose content
	// changed in place or that were deleted. PublicURL is then required.
	Purger Purger
	// PublicURL is the base URL the tree is served at
	// (https://registry.example.com), for purging.
	PublicURL string
	// Progress receives progress; nil reports none.
	Progress Progress
	// Logger receives the upload's log; nil discards it.
	Logger *slog.Logger
	// TempDir holds the plan's spool files (default os.TempDir()).
	TempDir string
	// CheckpointEvery and CheckpointInterval bound the work a crash can
	// make the next run repeat: a journal checkpoint is written after that
	// many uploaded objects or that much time (defaults 5000 and 10 s).
	CheckpointEvery    int
	CheckpointInterval time.Duration
}

func (o *Options) check() error {
	if o.Dir == "" {
		return errors.New("upload: no build folder")
	}
	if o.Store == nil {
		return errors.New("upload: no target")
	}
	if o.Purger != nil && o.PublicURL == "" {
		return errors.New("upload: purging needs the public URL of the registry")
	}
	if o.Jobs <= 0 {
		o.Jobs = 32
	}
	if o.CheckpointEvery <= 0 {
		o.CheckpointEvery = 5000
	}
	if o.CheckpointInterval <= 0 {
		o.CheckpointInterval = 10 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Progress == nil {
		o.Progress = nopProgress{}
	}
	o.Cache = o.Cache.withDefaults()
	return nil
}
