package discovery

import (
	"bytes"
	"cmp"
	"fmt"

	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

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
type Collector struct {
	o         Options
	mu        sync.Mutex
	modules   []moduleSummary
	providers []providerSummary
}

// NewCollector returns an empty Collector.
func NewCollector(o Options) *Collector { return &Collector{o: o} }

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
	c.mu.Lock()
	c.modules = append(c.modules, s)
	c.mu.Unlock()
	return nil
}

// AddProvider records a provider. in.Downloads is not used: see
// Options.Downloads.
func (c *Collector) AddProvider(in ProviderInput) error {
	if len(in.Versions) == 0 {
		return fmt.Errorf("provider %s: no published versions", in.Addr)
	}
	s := providerSummary{row: in.searchProvider(), versions: in.docsProvider().Versions, warnings: in.Warnings}
	s.row.Downloads = 0
	c.mu.Lock()
	c.providers = append(c.providers, s)
	c.mu.Unlock()
	return nil
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
// rendered, in no particular order, so that the registry-wide documents
// (some are tens of MB) are not all held at once. It stops at put's first
// error.
func (c *Collector) FinishTo(put func(File) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	slices.SortFunc(c.modules, func(a, b moduleSummary) int { return strings.Compare(a.row.Key(), b.row.Key()) })
	slices.SortFunc(c.providers, func(a, b providerSummary) int { return strings.Compare(a.row.Key(), b.row.Key()) })
	for i := 1; i < len(c.modules); i++ {
		if c.modules[i].row.Key() == c.modules[i-1].row.Key() {
			return fmt.Errorf("discovery: module %s added twice (or two addresses differing only in case)", c.modules[i].row.Key())
		}
	}
	for i := 1; i < len(c.providers); i++ {
		if c.providers[i].row.Key() == c.providers[i-1].row.Key() {
			return fmt.Errorf("discovery: provider %s added twice (or two addresses differing only in case)", c.providers[i].row.Key())
		}
	}
	if c.o.Now.IsZero() {
		c.o.Now = c.dataClock()
	}
	downloads := map[string]stats.Summary{}
	if c.o.Downloads != nil {
		for i := range c.modules {
			d := c.o.Downloads(c.modules[i].key())
			downloads[c.modules[i].key()] = d
			c.modules[i].row.Downloads = d.Total
		}
		for i := range c.providers {
			d := c.o.Downloads(c.providers[i].key())
			c.providers[i].row.Downloads = d.Total
		}
	}

	seen := map[string]bool{}
	var putMu sync.Mutex
	var putErr error
	add := func(p string, data []byte, class manifest.Class) {
		putMu.Lock()
		defer putMu.Unlock()
		if putErr != nil {
			return
		}
		if seen[p] {
			putErr = fmt.Errorf("discovery: two documents at %s", p)
			return
		}
		seen[p] = true
		putErr = put(File{Path: p, Data: data, Class: class})
	}
	// The documents made from the search index and the others render in
	// parallel; put is called under a lock.
	var g errgroup.Group
	g.Go(func() error { return c.indexDocuments(add, downloads) })
	g.Go(func() error { return c.otherDocuments(add) })
	if err := g.Wait(); err != nil {
		return err
	}
	return putErr
}

// indexDocuments renders the search index, the listing pages answered
// from it and the downloads summaries.
func (c *Collector) indexDocuments(add func(string, []byte, manifest.Class), downloads map[string]stats.Summary) error {
	rows := make([]search.Module, len(c.modules))
	for i, m := range c.modules {
		rows[i] = m.row
	}
	provRows := make([]search.Provider, len(c.providers))
	for i, p := range c.providers {
		provRows[i] = p.row
	}
	ix := search.Build(rows, provRows, search.BuildOptions{Built: c.o.Now, ShardBytes: c.o.SearchShardBytes})
	idxFiles, err := ix.Files(c.o.DocShardSize)
	if err != nil {
		return err
	}
	for _, f := range idxFiles {
		add(f.Path, f.Data, manifest.ClassListing)
	}
	if err := c.listings(ix, add); err != nil {
		return err
	}
	for _, m := range c.modules {
		a := regdata.ModuleAddr{Namespace: m.row.Namespace, Name: m.row.Name, System: m.row.Provider}
		p, err := DownloadsSummaryPath(a)
		if err != nil {
			return err
		}
		data, err := RenderDownloadsSummary(a.String(), downloads[m.key()])
		if err != nil {
			return err
		}
		add(p, data, manifest.ClassListing)
	}
	return nil
}

// otherDocuments renders the OpenTofu docs indexes, the search feed and
// the release and change feeds.
func (c *Collector) otherDocuments(add func(string, []byte, manifest.Class)) error {
	if err := c.docsIndexes(add); err != nil {
		return err
	}
	feed, err := c.searchFeed()
	if err != nil {
		return err
	}
	add(search.FeedPath, feed, manifest.ClassListing)
	ff, err := feeds.Build(c.o.Events, feeds.Options{
		Now: c.o.Now, BaseURL: c.o.BaseURL, Title: c.o.Title, Published: c.published(),
	})
	if err != nil {
		return err
	}
	for _, f := range ff {
		add(f.Path, f.Data, manifest.ClassListing)
	}
	return nil
}

// listings renders the default pages of every listing.
func (c *Collector) listings(ix *search.Index, add func(string, []byte, manifest.Class)) error {
	page := func(urlPath string, q search.Query) error {
		data, err := RenderModuleList(urlPath, nil, 0, search.DefaultLimit, ix.Modules(q))
		if err != nil {
			return err
		}
		add(strings.TrimPrefix(urlPath, "/")+"/"+manifest.DirIndex, data, manifest.ClassListing)
		return nil
	}
	if err := page("/v1/modules", search.Query{}); err != nil {
		return err
	}
	seenNS, seenName := map[string]bool{}, map[string]bool{}
	for _, m := range c.modules {
		ns, name := strings.ToLower(m.row.Namespace), strings.ToLower(m.row.Name)
		if ns == "search" {
			// /v1/modules/search is the search endpoint; this namespace's
			// listing is answered only with parameters.
		} else if !seenNS[ns] {
			seenNS[ns] = true
			if err := page("/v1/modules/"+ns, search.Query{Namespace: ns}); err != nil {
				return err
			}
		}
		if k := ns + "/" + name; !seenName[k] {
			seenName[k] = true
			if err := page("/v1/modules/"+k, search.Query{Namespace: ns, Name: name}); err != nil {
				return err
			}
		}
	}
	ppage := func(urlPath, ns string) error {
		total, list := ix.Providers(ns, 0, search.DefaultLimit)
		data, err := RenderProviderList(urlPath, nil, 0, search.DefaultLimit, total, list)
		if err != nil {
			return err
		}
		add(strings.TrimPrefix(urlPath, "/")+"/"+manifest.DirIndex, data, manifest.ClassListing)
		return nil
	}
	if err := ppage("/v1/providers", ""); err != nil {
		return err
	}
	seenPNS := map[string]bool{}
	for _, p := range c.providers {
		if ns := strings.ToLower(p.row.Namespace); !seenPNS[ns] {
			seenPNS[ns] = true
			if err := ppage("/v1/providers/"+ns, ns); err != nil {
				return err
			}
		}
	}
	return nil
}

// docsIndexes renders the OpenTofu docs API's module and provider lists.
func (c *Collector) docsIndexes(add func(string, []byte, manifest.Class)) error {
	ml := DocsModuleList{Modules: make([]DocsModule, 0, len(c.modules))}
	for _, m := range c.modules {
		ml.Modules = append(ml.Modules, m.docsModule())
	}
	data, err := Marshal(ml)
	if err != nil {
		return err
	}
	add(DocsModulesIndex, data, manifest.ClassListing)
	pl := DocsProviderList{Providers: make([]DocsProvider, 0, len(c.providers))}
	for _, p := range c.providers {
		pl.Providers = append(pl.Providers, p.docsProvider())
	}
	data, err = Marshal(pl)
	if err != nil {
		return err
	}
	add(DocsProvidersIndex, data, manifest.ClassListing)
	return nil
}

// searchFeed renders registry/docs/search.ndjson: every module (and its
// submodules) and provider, and delete records for entries deleted within
// the deletion window that are not back.
func (c *Collector) searchFeed() ([]byte, error) {
	var items []search.FeedItem
	present := map[string]bool{}
	for _, m := range c.modules {
		for _, it := range search.ModuleFeedItems(m.row, m.submodules) {
			items = append(items, it)
			present[it.ID] = true
		}
	}
	for _, p := range c.providers {
		it := search.ProviderFeedItem(p.row, len(p.warnings))
		items = append(items, it)
		present[it.ID] = true
	}
	since := c.o.Now.Add(-cmp.Or(c.o.DeletionWindow, 30*24*time.Hour))
	deleted := map[string]time.Time{}
	for _, e := range c.o.Events {
		var id string
		switch e.Type {
		case events.ModuleDeleted:
			id = search.ModuleFeedID(e.Namespace, e.Name, e.Target)
		case events.ProviderDeleted:
			id = search.ProviderFeedID(e.Namespace, e.Name)
		default:
			continue
		}
		if e.Time.Before(since) || present[id] {
			continue
		}
		if t, ok := deleted[id]; !ok || e.Time.After(t) {
			deleted[id] = e.Time
		}
	}
	var dels []search.FeedDeletion
	for id, t := range deleted {
		dels = append(dels, search.FeedDeletion{ID: id, DeletedAt: t})
	}
	var b bytes.Buffer
	if err := search.WriteFeed(&b, c.o.Now, items, dels); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// published returns the feeds' test of whether a release is still
// published: its entry is in the registry and lists the version.
func (c *Collector) published() func(events.Event) bool {
	versions := map[string]map[string]bool{}
	addSet := func(key string, vs []DocsVersion) {
		set := make(map[string]bool, len(vs))
		for _, v := range vs {
			set[strings.TrimPrefix(v.ID, "v")] = true
		}
		versions[key] = set
	}
	for _, m := range c.modules {
		addSet(m.key(), m.versions)
	}
	for _, p := range c.providers {
		addSet(p.key(), p.versions)
	}
	return func(e events.Event) bool {
		kind := "provider/"
		if e.Type.IsModule() {
			kind = "module/"
		}
		n, err := regdata.NormalizeVersion(e.Version)
		return err == nil && versions[kind+strings.ToLower(e.Addr())][n]
	}
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

// dataClock is the newest time the collected data holds: the latest event
// or publication (the Unix epoch for an empty registry).
func (c *Collector) dataClock() time.Time {
	t := time.Unix(0, 0).UTC()
	for _, e := range c.o.Events {
		if e.Time.After(t) {
			t = e.Time
		}
	}
	for _, m := range c.modules {
		if m.row.PublishedAt.After(t) {
			t = m.row.PublishedAt
		}
	}
	for _, p := range c.providers {
		if p.row.PublishedAt.After(t) {
			t = p.row.PublishedAt
		}
	}
	return t.UTC()
}
