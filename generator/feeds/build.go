package feeds

import (
	"bytes"
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/regdata/events"
)

// Tree paths of the feeds.
const (
	ReleasesPath     = "feeds/releases.atom"
	NamespaceFeedDir = "feeds/releases" // <ns>.atom, namespace lower-cased
	ChangesPath      = "feeds/changes.ndjson"
)

// Defaults of Options.
const (
	DefaultMaxEntries          = 100
	DefaultNamespaceMaxEntries = 50
	DefaultChangesWindow       = 30 * 24 * time.Hour
	DefaultTitle               = "regen registry"
)

// Options configure Build.
type Options struct {
	// Now is the build's clock: the changes feed keeps the events of
	// ChangesWindow before it.
	Now time.Time
	// BaseURL is the registry's absolute URL without trailing slash
	// ("https://registry.example.com"); empty leaves links out.
	BaseURL string
	// Title names the registry in feed titles (default DefaultTitle).
	Title string
	// MaxEntries and NamespaceMaxEntries bound the registry-wide and the
	// per-namespace release feeds (0: the defaults).
	MaxEntries          int
	NamespaceMaxEntries int
	// ChangesWindow is how far back the changes feed goes (0: 30 days).
	ChangesWindow time.Duration
	// Published reports whether a release event's version is still
	// published (not revoked, blacklisted or deleted since); nil keeps
	// every release.
	Published func(events.Event) bool
}

func (o *Options) title() string {
	if o.Title == "" {
		return DefaultTitle
	}
	return o.Title
}

// File is one feed of the built tree.
type File struct {
	Path string
	Data []byte
}

// Build renders the feeds of an event log (oldest event first, as
// events.Read returns it):
//
//	feeds/releases.atom          the newest releases of the registry
//	feeds/releases/<ns>.atom     the newest releases of each namespace that
//	                             has released anything still published
//	feeds/changes.ndjson         every event of the last ChangesWindow, oldest
//	                             first, one log line each
//
// The output depends only on the events and the options, so an unchanged
// log gives unchanged files.
func Build(evs []events.Event, o Options) ([]File, error) {
	o.BaseURL = strings.TrimSuffix(o.BaseURL, "/")
	var releases []events.Event
	for _, e := range evs {
		if e.Type != events.ModuleVersionReleased && e.Type != events.ProviderVersionReleased {
			continue
		}
		if o.Published != nil && !o.Published(e) {
			continue
		}
		releases = append(releases, e)
	}
	releases = dedupe(releases)
	slices.SortStableFunc(releases, func(a, b events.Event) int {
		if c := b.Time.Compare(a.Time); c != 0 {
			return c
		}
		return cmp.Compare(entryID(a), entryID(b))
	})

	var files []File
	maxAll := cmp.Or(o.MaxEntries, DefaultMaxEntries)
	data, err := o.renderAtom(o.title()+": new releases", ReleasesPath, releases[:min(len(releases), maxAll)])
	if err != nil {
		return nil, err
	}
	files = append(files, File{Path: ReleasesPath, Data: data})

	byNS := map[string][]events.Event{}
	for _, e := range releases {
		ns := strings.ToLower(e.Namespace)
		byNS[ns] = append(byNS[ns], e)
	}
	maxNS := cmp.Or(o.NamespaceMaxEntries, DefaultNamespaceMaxEntries)
	for ns, list := range byNS {
		if !regdata.SafeSegment(ns) {
			continue // not a namespace a data folder can hold
		}
		p := path.Join(NamespaceFeedDir, ns+".atom")
		data, err := o.renderAtom(o.title()+": new releases in "+list[0].Namespace, p, list[:min(len(list), maxNS)])
		if err != nil {
			return nil, err
		}
		files = append(files, File{Path: p, Data: data})
	}

	data, err = changes(evs, o.Now.Add(-cmp.Or(o.ChangesWindow, DefaultChangesWindow)))
	if err != nil {
		return nil, err
	}
	files = append(files, File{Path: ChangesPath, Data: data})
	slices.SortFunc(files, func(a, b File) int { return cmp.Compare(a.Path, b.Path) })
	return files, nil
}

// dedupe keeps the first event of each release (an entry re-released
// after a revocation keeps its first date).
func dedupe(evs []events.Event) []events.Event {
	seen := map[string]bool{}
	out := evs[:0:0]
	for _, e := range evs {
		id := entryID(e)
		if seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, e)
	}
	return out
}

// changes renders the events at or after since, oldest first, as log
// lines.
func changes(evs []events.Event, since time.Time) ([]byte, error) {
	var keep []events.Event
	for _, e := range evs {
		if !e.Time.Before(since) {
			keep = append(keep, e)
		}
	}
	slices.SortStableFunc(keep, func(a, b events.Event) int { return a.Time.Compare(b.Time) })
	var b bytes.Buffer
	for _, e := range keep {
		line, err := e.MarshalLine()
		if err != nil {
			return nil, fmt.Errorf("rendering changes feed: %w", err)
		}
		b.Write(line)
	}
	return b.Bytes(), nil
}

// normalized returns a version's normalised form, or the version as
// written when it does not parse.
func normalized(v string) string {
	if n, err := regdata.NormalizeVersion(v); err == nil {
		return n
	}
	return v
}
