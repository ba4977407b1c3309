package discovery

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"github.com/regen-registry/regen/internal/extsort"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/regen-registry/regen/generator/feeds"
	"github.com/regen-registry/regen/generator/search"
	"github.com/regen-registry/regen/manifest"
	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/regdata/events"
	"github.com/regen-registry/regen/stats"
)

// Options configure a Collector.
type Options struct {
	// Now is the build's clock: the search index's and search feed's
	// dates, and the window of the changes feed and of search-feed
	// deletions. Zero means the newest time the data holds (the latest
	// event or publication), so that the same data gives the same files.
	Now time.Time
	// BaseURL is the registry's absolute URL, for feed links ("" leaves
	// them out).
	BaseURL string
	// Title names the registry in feed titles.
	Title string
	// Events is the data folder's event log, oldest first (events.Read).
	Events []events.Event
	// Downloads returns the current download counts of an entry
	// ("module/<ns>/<name>/<system>" or "provider/<ns>/<type>",
	// lower-cased: stats.DownloadEntry's names); nil means none. Finish
	// applies them to every entry, restored ones included, so listings,
	// the search index and the summaries are current on every build.
	Downloads func(entry string) stats.Summary
	// DeletionWindow is how long a deleted entry stays in the search feed
	// as a delete record (0: 30 days).
	DeletionWindow time.Duration
	// SearchShardBytes and DocShardSize tune the search index (0: its
	// defaults).
	SearchShardBytes int
	DocShardSize     int
	// SpillDir is where the Collector keeps its sorted run files (a
	// scratch folder is made in it, removed by Close; "": the system's
	// temporary folder). Put it on the output's file system.
	SpillDir string

	// spillBytes, for tests, replaces the sorters' memory budget.
	spillBytes int
}

// moduleSummary is what the Collector keeps of a module: a few hundred
// bytes plus its version list. Its downloads are filled in by Finish.
type moduleSummary struct {
	row        search.Module
	submodules []string
	versions   []DocsVersion
}

// providerSummary is what the Collector keeps of a provider.
type providerSummary struct {
	row      search.Provider
	versions []DocsVersion
	warnings []string
}

func (m *moduleSummary) key() string   { return "module/" + m.row.Key() }
func (p *providerSummary) key() string { return "provider/" + p.row.Key() }

// Collector gathers small per-entry summaries while the build visits the
// data entries, then renders the registry-wide documents. Entries the
// build does not re-read (unchanged since the previous build) are restored
// from the previous build's saved state (WriteSaved, AddSaved). Its
// methods are safe for concurrent use; the output does not depend on the
// order of the Add calls.
//
// Its memory does not grow with the registry: each summary is encoded as
// it arrives and spilled, in sorted runs, to files in a scratch folder
// (Options.SpillDir); Finish merges the runs and renders every
// registry-wide document in one pass in key order, streaming the large
// ones, with a second sorted spill for the search index's popularity
// order and one for the search feed's id order. Close removes the
// scratch folder.
type Collector struct {
	o       Options
	mu      sync.Mutex
	entries *extsort.Sorter // saved lines by entry key
	clock   time.Time       // the newest publication added
	scratch string
	err     error // making the scratch folder
}

// NewCollector returns an empty Collector.
func NewCollector(o Options) *Collector {
	c := &Collector{o: o}
	c.entries = c.newSorter("entries")
	return c
}

func (c *Collector) newSorter(name string) *extsort.Sorter {
	return extsort.New(c.scratchDir, name, c.o.spillBytes)
}

// scratchDir makes the scratch folder on first use.
func (c *Collector) scratchDir() (string, error) {
	if c.scratch == "" && c.err == nil {
		c.scratch, c.err = os.MkdirTemp(c.o.SpillDir, "regen-discovery-")
		if c.err != nil {
			c.err = fmt.Errorf("discovery: making a scratch folder: %w", c.err)
		}
	}
	return c.scratch, c.err
}

// Close removes the Collector's scratch files.
func (c *Collector) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.scratch == "" {
		return nil
	}
	err := os.RemoveAll(c.scratch)
	c.scratch = ""
	return err
}

// add records an entry's saved line.
func (c *Collector) add(key string, line []byte, published time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if published.After(c.clock) {
		c.clock = published
	}
	return c.entries.Add(key, line)
}

// AddModule records a module. in.Latest (the docs of the latest version,
// LatestVersion, if any) gives the description when in.Description is
// empty and the submodule names of the search feed. in.Downloads is not
// used: see Options.Downloads.
func (c *Collector) AddModule(in ModuleInput) error {
	if err := in.check(); err != nil {
		return err
	}
	s := moduleSummary{row: in.searchModule(LatestVersion(in.Versions)), versions: in.docsModule().Versions}
	s.row.Downloads = 0
	if in.Latest != nil {
		for _, m := range in.Latest.Submodules {
			if n := m.Name(); regdata.SafeSegment(n) {
				s.submodules = append(s.submodules, n)
			}
		}
	}
	line, err := s.savedLine()
	if err != nil {
		return err
	}
	return c.add(s.key(), line, s.row.PublishedAt)
}

// AddProvider records a provider. in.Downloads is not used: see
// Options.Downloads.
func (c *Collector) AddProvider(in ProviderInput) error {
	if len(in.Versions) == 0 {
		return fmt.Errorf("provider %s: no published versions", in.Addr)
	}
	s := providerSummary{row: in.searchProvider(), versions: in.docsProvider().Versions, warnings: in.Warnings}
	s.row.Downloads = 0
	line, err := s.savedLine()
	if err != nil {
		return err
	}
	return c.add(s.key(), line, s.row.PublishedAt)
}

// Sink receives the registry-wide documents: Put a small one, Stream a
// large one, whose bytes write hands to the writer it is given. The
// Collector calls them from one goroutine at a time, and may Put other
// documents from within a write.
type Sink interface {
	Put(File) error
	Stream(path string, class manifest.Class, write func(io.Writer) error) error
}

// funcSink is a Sink over a put function: streamed documents are
// gathered in memory.
type funcSink func(File) error

func (f funcSink) Put(file File) error { return f(file) }

func (f funcSink) Stream(p string, class manifest.Class, write func(io.Writer) error) error {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return err
	}
	return f(File{Path: p, Data: b.Bytes(), Class: class})
}

// Finish renders the registry-wide documents, sorted by path:
//
//	v1/modules/index.json                          first page of all modules
//	v1/modules/<ns>/index.json                     first page of each namespace
//	v1/modules/<ns>/<name>/index.json              latest version per provider
//	v1/providers/index.json                        first page of all providers
//	v1/providers/<ns>/index.json                   first page of each namespace
//	v2/modules/<ns>/<name>/<system>/downloads/summary
//	v1/search-index/…                              the search index (package search)
//	registry/docs/modules/index.json               OpenTofu docs module list
//	registry/docs/providers/index.json             OpenTofu docs provider list
//	registry/docs/search.ndjson                    OpenTofu search feed
//	feeds/…                                        release and change feeds (package feeds)
//
// Listing pages hold search.DefaultLimit items; every other page is
// answered from the search index (serve/query, an edge worker).
func (c *Collector) Finish() ([]File, error) {
	var files []File
	if err := c.FinishTo(func(f File) error { files = append(files, f); return nil }); err != nil {
		return nil, err
	}
	sortFiles(files)
	return files, nil
}

// FinishTo is Finish handing each document to put as soon as it is
// rendered, in no particular order. It stops at put's first error.
func (c *Collector) FinishTo(put func(File) error) error {
	return c.FinishStream(funcSink(put))
}

// FinishStream is Finish handing small documents to the sink as they are
// rendered and streaming the large ones (the OpenTofu docs lists, the
// search feed), so that no registry-sized document is held in memory. It
// stops at the sink's first error.
func (c *Collector) FinishStream(sink Sink) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.o.Now.IsZero() {
		c.o.Now = c.dataClock()
	}
	seen := map[string]bool{} // the few documents not named after an entry
	once := func(p string) error {
		if seen[p] {
			return fmt.Errorf("discovery: two documents at %s", p)
		}
		seen[p] = true
		return nil
	}
	f := &finisher{c: c, sink: sink, once: once}
	if err := f.init(); err != nil {
		return err
	}
	defer f.close()
	if err := f.keyPass(); err != nil {
		return err
	}
	if err := f.searchIndex(); err != nil {
		return err
	}
	if err := f.searchFeed(); err != nil {
		return err
	}
	ff, err := feeds.Build(c.o.Events, feeds.Options{
		Now: c.o.Now, BaseURL: c.o.BaseURL, Title: c.o.Title, Published: f.pub.published,
	})
	if err != nil {
		return err
	}
	for _, fd := range ff {
		if err := f.put(fd.Path, fd.Data); err != nil {
			return err
		}
	}
	return nil
}

// dataClock is the newest time the collected data holds: the latest event
// or publication (the Unix epoch for an empty registry).
func (c *Collector) dataClock() time.Time {
	t := time.Unix(0, 0).UTC()
	for _, e := range c.o.Events {
		if e.Time.After(t) {
			t = e.Time
		}
	}
	if c.clock.After(t) {
		t = c.clock
	}
	return t.UTC()
}

// finisher is the state of one Finish.
type finisher struct {
	c    *Collector
	sink Sink
	once func(string) error
	it   *extsort.Merger

	popular *extsort.Sorter // module index rows by popularity
	feed    *extsort.Sorter // search feed "add" records by id
	index   *search.IndexWriter
	pub     *publishedSet
	deleted map[string]time.Time // search feed deletions (present entries removed)

	modules, providers int
	topModules         topRows           // v1/modules
	nsGroup, nameGroup moduleGroup       // the namespace and name being listed
	topProviders       []search.Provider // v1/providers
	provNS             providerGroup
}

// put hands a listing-class document to the sink.
func (f *finisher) put(p string, data []byte) error {
	return f.sink.Put(File{Path: p, Data: data, Class: manifest.ClassListing})
}

func (f *finisher) init() error {
	c := f.c
	f.popular = c.newSorter("popular")
	f.feed = c.newSorter("feed")
	f.pub = newPublishedSet(c.o.Events)
	f.deleted = deletedIDs(c.o.Events, c.o.Now.Add(-cmp.Or(c.o.DeletionWindow, 30*24*time.Hour)))
	var err error
	if f.it, err = c.entries.Iter(); err != nil {
		return err
	}
	return nil
}

func (f *finisher) close() {
	if f.it != nil {
		f.it.Close()
	}
}

// keyPass reads every summary in key order (modules, then providers) and
// renders what is made entry by entry or namespace by namespace: the
// OpenTofu docs lists (streamed), the downloads summaries and the
// listings; it feeds the search index's and the search feed's sorters.
func (f *finisher) keyPass() error {
	last := ""
	next := func(prefix string) (extsort.Record, bool, error) {
		rec, ok, err := f.it.Next()
		if err != nil || !ok {
			return extsort.Record{}, false, err
		}
		if !strings.HasPrefix(rec.Key, prefix) {
			f.it.Unread(rec)
			return extsort.Record{}, false, nil
		}
		if rec.Key == last {
			return extsort.Record{}, false, fmt.Errorf("discovery: %s added twice (or two addresses differing only in case)", rec.Key)
		}
		last = rec.Key
		return rec, true, nil
	}
	err := f.sink.Stream(DocsModulesIndex, manifest.ClassListing, func(w io.Writer) error {
		if _, err := io.WriteString(w, `{"modules":[`); err != nil {
			return err
		}
		for {
			rec, ok, err := next("module/")
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			m, _, err := decodeSaved(rec.Val)
			if err != nil || m == nil {
				return fmt.Errorf("discovery: spilled summary of %s: %v", rec.Key, err)
			}
			if err := f.module(w, m); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, "]}\n")
		return err
	})
	if err != nil {
		return err
	}
	if err := f.endModules(); err != nil {
		return err
	}
	err = f.sink.Stream(DocsProvidersIndex, manifest.ClassListing, func(w io.Writer) error {
		if _, err := io.WriteString(w, `{"providers":[`); err != nil {
			return err
		}
		for {
			rec, ok, err := next("provider/")
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			_, p, err := decodeSaved(rec.Val)
			if err != nil || p == nil {
				return fmt.Errorf("discovery: spilled summary of %s: %v", rec.Key, err)
			}
			if err := f.provider(w, p); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, "]}\n")
		return err
	})
	if err != nil {
		return err
	}
	if rec, ok, err := f.it.Next(); err != nil {
		return err
	} else if ok {
		return fmt.Errorf("discovery: summary of unknown kind %q", rec.Key)
	}
	return f.endProviders()
}

// module renders what one module contributes in key order.
func (f *finisher) module(w io.Writer, m *moduleSummary) error {
	c := f.c
	var d stats.Summary
	if c.o.Downloads != nil {
		d = c.o.Downloads(m.key())
	}
	m.row.Downloads = d.Total
	if err := writeItem(w, f.modules, m.docsModule()); err != nil {
		return err
	}
	f.modules++
	a := regdata.ModuleAddr{Namespace: m.row.Namespace, Name: m.row.Name, System: m.row.Provider}
	p, err := DownloadsSummaryPath(a)
	if err != nil {
		return err
	}
	data, err := RenderDownloadsSummary(a.String(), d)
	if err != nil {
		return err
	}
	if err := f.put(p, data); err != nil {
		return err
	}
	f.pub.mark(m.key(), m.versions)
	for _, it := range search.ModuleFeedItems(m.row, m.submodules) {
		if err := f.addFeed(it); err != nil {
			return err
		}
	}
	row := m.row.Indexed()
	raw, err := json.Marshal(row)
	if err != nil {
		return fmt.Errorf("discovery: %w", err)
	}
	if err := f.popular.Add(popularityKey(row), raw); err != nil {
		return err
	}
	return f.listModule(row)
}

// provider renders what one provider contributes in key order.
func (f *finisher) provider(w io.Writer, p *providerSummary) error {
	c := f.c
	if c.o.Downloads != nil {
		p.row.Downloads = c.o.Downloads(p.key()).Total
	}
	if err := writeItem(w, f.providers, p.docsProvider()); err != nil {
		return err
	}
	f.providers++
	f.pub.mark(p.key(), p.versions)
	if err := f.addFeed(search.ProviderFeedItem(p.row, len(p.warnings))); err != nil {
		return err
	}
	if f.index == nil {
		if err := f.newIndex(); err != nil {
			return err
		}
	}
	row := p.row.Indexed()
	if err := f.index.AddProvider(row); err != nil {
		return err
	}
	return f.listProvider(row)
}

func (f *finisher) newIndex() error {
	dir, err := f.c.scratchDir()
	if err != nil {
		return err
	}
	idx, err := os.MkdirTemp(dir, "index-")
	if err != nil {
		return fmt.Errorf("discovery: %w", err)
	}
	f.index = search.NewIndexWriter(idx, search.BuildOptions{
		Built: f.c.o.Now, ShardBytes: f.c.o.SearchShardBytes, DocShardSize: f.c.o.DocShardSize,
	})
	return nil
}

// writeItem writes the i-th element of a JSON list.
func writeItem(w io.Writer, i int, v any) error {
	data, err := Marshal(v)
	if err != nil {
		return err
	}
	if i > 0 {
		if _, err := io.WriteString(w, ","); err != nil {
			return err
		}
	}
	_, err = w.Write(bytes.TrimSuffix(data, []byte("\n")))
	return err
}

// addFeed records a search feed item for the feed's id order.
func (f *finisher) addFeed(it search.FeedItem) error {
	if _, ok := f.deleted[it.ID]; ok {
		delete(f.deleted, it.ID) // back since: no delete record
	}
	line, err := search.FeedAddLine(it)
	if err != nil {
		return err
	}
	return f.feed.Add(it.ID, line)
}

// popularityKey orders module rows as the search index does: downloads
// descending, then Key.
func popularityKey(m search.Module) string {
	return fmt.Sprintf("%016x/%s", ^uint64(max(m.Downloads, 0)), m.Key())
}

// searchIndex writes the search index from the module rows in popularity
// order and the provider rows added in the key pass.
func (f *finisher) searchIndex() error {
	if f.index == nil {
		if err := f.newIndex(); err != nil {
			return err
		}
	}
	it, err := f.popular.Iter()
	if err != nil {
		return err
	}
	defer it.Close()
	for {
		rec, ok, err := it.Next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		var m search.Module
		if err := json.Unmarshal(rec.Val, &m); err != nil {
			return fmt.Errorf("discovery: spilled index row: %w", err)
		}
		if err := f.index.AddModule(m); err != nil {
			return err
		}
	}
	return f.index.Finish(func(sf search.File) error { return f.put(sf.Path, sf.Data) })
}

// searchFeed streams registry/docs/search.ndjson: the header, the delete
// records of entries deleted within the deletion window that are not
// back, then every module (and its submodules) and provider in id order.
func (f *finisher) searchFeed() error {
	var dels []search.FeedDeletion
	for id, t := range f.deleted {
		dels = append(dels, search.FeedDeletion{ID: id, DeletedAt: t})
	}
	it, err := f.feed.Iter()
	if err != nil {
		return err
	}
	defer it.Close()
	return f.sink.Stream(search.FeedPath, manifest.ClassListing, func(w io.Writer) error {
		if err := search.WriteFeedHead(w, f.c.o.Now, dels); err != nil {
			return err
		}
		for {
			rec, ok, err := it.Next()
			if err != nil {
				return err
			}
			if !ok {
				return nil
			}
			if _, err := w.Write(rec.Val); err != nil {
				return err
			}
		}
	})
}

// deletedIDs returns the search feed ids of the entries the events log
// deleted since the given time, with the latest deletion time.
func deletedIDs(evs []events.Event, since time.Time) map[string]time.Time {
	deleted := map[string]time.Time{}
	for _, e := range evs {
		var id string
		switch e.Type {
		case events.ModuleDeleted:
			id = search.ModuleFeedID(e.Namespace, e.Name, e.Target)
		case events.ProviderDeleted:
			id = search.ProviderFeedID(e.Namespace, e.Name)
		default:
			continue
		}
		if e.Time.Before(since) {
			continue
		}
		if t, ok := deleted[id]; !ok || e.Time.After(t) {
			deleted[id] = e.Time
		}
	}
	return deleted
}

// publishedSet answers the feeds' question of whether a release is still
// published (its entry is in the registry and lists the version) for the
// releases the events log names, marked while the summaries stream by.
type publishedSet struct {
	wanted map[string]map[string]bool // entry key → normalised version → published
}

func newPublishedSet(evs []events.Event) *publishedSet {
	s := &publishedSet{wanted: map[string]map[string]bool{}}
	for _, e := range evs {
		key, v, ok := releaseOf(e)
		if !ok {
			continue
		}
		if s.wanted[key] == nil {
			s.wanted[key] = map[string]bool{}
		}
		s.wanted[key][v] = false
	}
	return s
}

// releaseOf returns the entry key and normalised version an event names.
func releaseOf(e events.Event) (key, version string, ok bool) {
	kind := "provider/"
	if e.Type.IsModule() {
		kind = "module/"
	}
	n, err := regdata.NormalizeVersion(e.Version)
	if err != nil {
		return "", "", false
	}
	return kind + strings.ToLower(e.Addr()), n, true
}

// mark records the published versions of an entry.
func (s *publishedSet) mark(key string, versions []DocsVersion) {
	set := s.wanted[key]
	if set == nil {
		return
	}
	for _, v := range versions {
		if _, ok := set[strings.TrimPrefix(v.ID, "v")]; ok {
			set[strings.TrimPrefix(v.ID, "v")] = true
		}
	}
}

func (s *publishedSet) published(e events.Event) bool {
	key, v, ok := releaseOf(e)
	return ok && s.wanted[key][v]
}

// docsModule returns the module's entry of the OpenTofu docs module list.
func (m *moduleSummary) docsModule() DocsModule {
	return DocsModule{
		Addr: DocsAddr{
			Display:   m.row.Namespace + "/" + m.row.Name + "/" + m.row.Provider,
			Namespace: strings.ToLower(m.row.Namespace),
			Name:      strings.ToLower(m.row.Name),
			Target:    strings.ToLower(m.row.Provider),
		},
		Description: m.row.Description,
		Versions:    m.versions,
		Popularity:  m.row.Downloads,
	}
}

// docsProvider returns the provider's entry of the OpenTofu docs provider
// list.
func (p *providerSummary) docsProvider() DocsProvider {
	return newDocsProvider(p.row, p.versions, p.warnings)
}
