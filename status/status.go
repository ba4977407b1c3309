package status

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/regen-registry/regen/ingest"
	"github.com/regen-registry/regen/ingest/pollstate"
	"github.com/regen-registry/regen/regdata"
)

// Options configure Run.
type Options struct {
	// Data is the registry data folder.
	Data string
	// Summary, when set, is the JSON summary of the last ingest run
	// (regen ingest --json > FILE); its failures are reported as of the
	// file's modification time.
	Summary string
	// Failing keeps only entries with a failure.
	Failing bool
	// Now returns the current time (default time.Now).
	Now func() time.Time
}

// Report is the health of a data folder.
type Report struct {
	// Now is when the report was made.
	Now time.Time `json:"now"`
	// Providers and Modules count the entries of the folder.
	Providers int `json:"providers"`
	Modules   int `json:"modules"`
	// Failing counts entries with at least one failure.
	Failing int `json:"failing"`
	// NeverListed counts entries ingest has not listed yet.
	NeverListed int `json:"never_listed"`
	// Entries lists the entries (all, or the failing ones), sorted by key.
	Entries []Entry `json:"entries"`
	// Problems lists files that could not be read.
	Problems []string `json:"problems,omitempty"`
}

// Entry is the health of one provider or module.
type Entry struct {
	// Key is "provider/ns/type" or "module/ns/name/system".
	Key string `json:"key"`
	// Versions counts the published versions; Latest is the newest.
	Versions int    `json:"versions"`
	Latest   string `json:"latest,omitempty"`
	// LastNewVersion is when the most recently discovered version was
	// discovered (zero: unknown).
	LastNewVersion time.Time `json:"last_new_version,omitzero"`
	// LastFull is when ingest last listed the repository's tags in full
	// (zero: never).
	LastFull time.Time `json:"last_full,omitzero"`
	// Failures lists what fails: the whole entry first, then by version.
	Failures []Failure `json:"failures,omitempty"`
	// NextRetry is the earliest retry of a failing version (zero: none
	// scheduled, i.e. at the next run).
	NextRetry time.Time `json:"next_retry,omitzero"`
	// Warnings are the data file's warnings (moved or deleted tags …).
	Warnings []string `json:"warnings,omitempty"`
}

// Failure is one failing version, or the whole entry (Version empty).
type Failure struct {
	Version string `json:"version,omitempty"`
	Message string `json:"message"`
	// Since is when the failure was first recorded (zero: unknown).
	Since time.Time `json:"since,omitzero"`
	// Attempts is how many times in a row it failed (0: unknown).
	Attempts int `json:"attempts,omitempty"`
	// NextRetry is when ingest tries again (zero: at the next run).
	NextRetry time.Time `json:"next_retry,omitzero"`
}

// Run reads the data folder's health.
func Run(ctx context.Context, o Options) (*Report, error) {
	if o.Data == "" {
		return nil, errors.New("no data folder given")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if _, err := os.Stat(o.Data); err != nil {
		return nil, fmt.Errorf("reading the data folder: %w", err)
	}
	rep := &Report{Now: o.Now().UTC()}
	dir := regdata.Dir{Root: o.Data}
	state, problems, err := pollstate.Load(o.Data)
	if err != nil {
		return nil, err
	}
	for _, p := range problems {
		rep.Problems = append(rep.Problems, p.Error())
	}
	entryFailures, err := readSummary(o.Summary)
	if err != nil {
		return nil, err
	}
	provs, bad, err := dir.Providers()
	if err != nil {
		return nil, err
	}
	rep.Problems = append(rep.Problems, layoutProblems(bad)...)
	mods, bad, err := dir.Modules()
	if err != nil {
		return nil, err
	}
	rep.Problems = append(rep.Problems, layoutProblems(bad)...)
	rep.Providers, rep.Modules = len(provs), len(mods)

	var entries []Entry
	for _, a := range provs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		e := Entry{Key: a.Key()}
		f, err := dir.ReadProvider(a)
		if err != nil {
			rep.Problems = append(rep.Problems, err.Error())
		} else {
			vs := make([]string, len(f.Versions))
			var disc []string
			for i, v := range f.Versions {
				vs[i], disc = v.Version, append(disc, v.Discovered)
			}
			e.summarise(vs, disc)
			e.Warnings = f.Warnings
			for _, ve := range f.VersionsErrors {
				since, _ := time.Parse(time.RFC3339Nano, ve.UTCTime)
				e.Failures = append(e.Failures, Failure{Version: ve.Version, Message: ve.Message, Since: since.UTC()})
			}
		}
		entries = append(entries, e.withState(state.Get(a.Key()), entryFailures[a.Key()]))
	}
	for _, a := range mods {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		e := Entry{Key: a.Key()}
		f, err := dir.ReadModule(a)
		if err != nil {
			rep.Problems = append(rep.Problems, err.Error())
		} else {
			vs := make([]string, len(f.Versions))
			var disc []string
			for i, v := range f.Versions {
				vs[i], disc = v.Version, append(disc, v.Discovered)
			}
			e.summarise(vs, disc)
			e.Warnings = f.Warnings
		}
		entries = append(entries, e.withState(state.Get(a.Key()), entryFailures[a.Key()]))
	}
	slices.SortFunc(entries, func(a, b Entry) int { return cmp.Compare(a.Key, b.Key) })
	for _, e := range entries {
		if len(e.Failures) > 0 {
			rep.Failing++
		}
		if e.LastFull.IsZero() {
			rep.NeverListed++
		}
		if !o.Failing || len(e.Failures) > 0 {
			rep.Entries = append(rep.Entries, e)
		}
	}
	if rep.Entries == nil {
		rep.Entries = []Entry{}
	}
	return rep, nil
}

// summarise sets the version count, the newest version and when the
// newest discovery happened.
func (e *Entry) summarise(versions, discovered []string) {
	e.Versions = len(versions)
	for _, v := range versions {
		if e.Latest == "" || regdata.CompareVersions(v, e.Latest) > 0 {
			e.Latest = v
		}
	}
	for _, d := range discovered {
		if t, err := time.Parse(time.RFC3339Nano, d); err == nil && t.After(e.LastNewVersion) {
			e.LastNewVersion = t.UTC()
		}
	}
}

// withState adds what the poll state knows: the last full listing, and
// the back-off of failing versions (matched to versions_errors by
// normalised version; a retry without a recorded error is still a
// failure).
func (e Entry) withState(st pollstate.Entry, whole []Failure) Entry {
	e.LastFull = st.LastFull.UTC()
	if st.LastFull.IsZero() {
		e.LastFull = time.Time{}
	}
	matched := map[string]bool{}
	for i := range e.Failures {
		n, err := regdata.NormalizeVersion(e.Failures[i].Version)
		if err != nil {
			n = e.Failures[i].Version
		}
		if r, ok := st.Retries[n]; ok {
			e.Failures[i].Attempts, e.Failures[i].NextRetry = r.Attempts, r.Next.UTC()
			matched[n] = true
		}
	}
	for _, v := range slices.Sorted(mapsKeys(st.Retries)) {
		if !matched[v] {
			r := st.Retries[v]
			e.Failures = append(e.Failures, Failure{Version: v, Message: "failed (no message recorded)", Attempts: r.Attempts, NextRetry: r.Next.UTC()})
		}
	}
	e.Failures = append(e.Failures, whole...)
	// Whole-entry failures first, then by version.
	slices.SortStableFunc(e.Failures, func(a, b Failure) int {
		if (a.Version == "") != (b.Version == "") {
			if a.Version == "" {
				return -1
			}
			return 1
		}
		return regdata.CompareVersions(a.Version, b.Version)
	})
	for _, f := range e.Failures {
		if !f.NextRetry.IsZero() && (e.NextRetry.IsZero() || f.NextRetry.Before(e.NextRetry)) {
			e.NextRetry = f.NextRetry
		}
	}
	return e
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// readSummary reads an ingest run's JSON summary and returns its
// failures by entry key, dated by the file's modification time.
func readSummary(name string) (map[string][]Failure, error) {
	if name == "" {
		return nil, nil
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("reading the ingest summary: %w", err)
	}
	fi, err := os.Stat(name)
	if err != nil {
		return nil, fmt.Errorf("reading the ingest summary: %w", err)
	}
	var sum ingest.Summary
	if err := json.Unmarshal(data, &sum); err != nil {
		return nil, fmt.Errorf("reading the ingest summary %s (want the output of regen ingest --json): %w", name, err)
	}
	out := map[string][]Failure{}
	for _, f := range sum.Failures {
		if f.Version != "" {
			continue // versions are in versions_errors and the poll state
		}
		out[entryKey(f.Entry)] = append(out[entryKey(f.Entry)], Failure{Message: f.Error, Since: fi.ModTime().UTC().Truncate(time.Second)})
	}
	return out, nil
}

// entryKey turns a summary's entry ("provider Azure/azapi") into a key
// ("provider/azure/azapi").
func entryKey(entry string) string {
	kind, addr, ok := strings.Cut(entry, " ")
	if !ok {
		return entry
	}
	return kind + "/" + strings.ToLower(addr)
}

func layoutProblems(bad []string) []string {
	out := make([]string, len(bad))
	for i, b := range bad {
		out[i] = b + ": does not fit the data layout"
	}
	return out
}
