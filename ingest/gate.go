package ingest

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/regen-registry/regen/ingest/feed"
	"github.com/regen-registry/regen/ingest/pollstate"
	"github.com/regen-registry/regen/regdata"
)

// gateResult is what the feed stage saw.
type gateResult struct {
	// unchanged is set when the feed answered 304.
	unchanged bool
	// entries of a feed that changed.
	entries []feed.Entry
	// validators to remember once the entry is done.
	validators feed.Validators
	// broken is set when the feed could not be used (error status, not
	// Atom); the entry falls back to listing and a warning is reported.
	broken error
}

// gate requests an entry's feed with the validators remembered for it.
func (r *runner) gate(ctx context.Context, url string, st pollstate.Entry) gateResult {
	old := feed.Validators{ETag: st.ETag, LastModified: st.LastModified}
	if st.Feed != url {
		old = feed.Validators{} // the repository moved: start over
	}
	res, err := feed.Fetch(ctx, r.gh, url, old)
	if err != nil {
		return gateResult{validators: old, broken: err}
	}
	return gateResult{unchanged: res.NotModified, entries: res.Entries, validators: res.Validators}
}

// verdict decides whether a feed that is not unchanged calls for a full
// tag listing, and why: when it shows a semver tag that is not settled,
// when it is empty while versions are known (a glitch, or everything
// deleted: either way look), or when it could not be used.
func (g gateResult) verdict(settled func(tag string) bool, known int) (bool, string) {
	switch {
	case g.broken != nil:
		return true, "feed unusable"
	case g.unchanged:
		return false, ""
	}
	var fresh []string
	for _, e := range g.entries {
		if regdata.IsStrictSemver(e.Tag) && !settled(e.Tag) {
			fresh = append(fresh, e.Tag)
		}
	}
	switch {
	case len(fresh) > 0:
		return true, "feed shows " + strings.Join(fresh, ", ")
	case len(g.entries) == 0 && known > 0:
		return true, fmt.Sprintf("feed is empty but %d versions are known", known)
	}
	return false, ""
}

// keepValidators records the feed's validators in the entry's state.
func (g gateResult) keepValidators(st *pollstate.Entry, url string) {
	st.Feed, st.ETag, st.LastModified = url, g.validators.ETag, g.validators.LastModified
}

// retries reports whether any failed version of the entry is due for a
// retry, and how many are still waiting.
func retries(st pollstate.Entry, now time.Time) (due bool, waiting int) {
	for v := range st.Retries {
		if st.Due(v, now) {
			due = true
		} else {
			waiting++
		}
	}
	return due, waiting
}

// dataPath returns a data file's path on disk.
func (r *runner) dataPath(rel string) string {
	return filepath.Join(r.dir.Root, filepath.FromSlash(rel))
}
