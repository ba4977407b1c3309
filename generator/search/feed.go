package search

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// FeedPath is where the OpenTofu-style search feed lives in a built tree.
const FeedPath = "registry/docs/search.ndjson"

// FeedItem types (OpenTofu's search index types).
const (
	FeedTypeModule    = "module"
	FeedTypeSubmodule = "module/submodule"
	FeedTypeProvider  = "provider"
)

// FeedItem is one "add" record of the search feed, with the members of
// OpenTofu's registry (registry-ui searchtypes.IndexItem). Popularity is
// the entry's total download count (OpenTofu's registry uses GitHub stars);
// a submodule has its module's. Warnings is how many warnings the
// provider's data file gives (OpenTofu's search ranks those lower); 0
// for modules, as in OpenTofu's registry.
type FeedItem struct {
	ID          string            `json:"id"`
	Type        string            `json:"type"`
	Addr        string            `json:"addr"`
	Version     string            `json:"version"`
	Title       string            `json:"title"`
	Description string            `json:"description"`
	Link        map[string]string `json:"link"`
	ParentID    string            `json:"parent_id"`
	LastUpdated time.Time         `json:"last_updated,omitzero"` // left out when the data has no date
	Popularity  int64             `json:"popularity"`
	Warnings    int               `json:"warnings"`
}

// FeedDeletion is one "delete" record: an item that existed and was
// removed.
type FeedDeletion struct {
	ID        string    `json:"id"`
	DeletedAt time.Time `json:"deleted_at"`
}

// ModuleFeedID and ProviderFeedID are the feed ids of an entry; deletions
// use them too.
func ModuleFeedID(namespace, name, target string) string {
	return "modules/" + strings.ToLower(namespace+"/"+name+"/"+target)
}

// ProviderFeedID returns a provider's feed id.
func ProviderFeedID(namespace, typ string) string {
	return "providers/" + strings.ToLower(namespace+"/"+typ)
}

// ModuleFeedItems returns the feed records of a module: the module itself
// and one per submodule name, all at its latest version. As in OpenTofu's
// registry, the module's title is its target system (the namespace and
// name are in addr), a submodule's title is its name, and submodules have
// the module's description and popularity.
func ModuleFeedItems(m Module, submodules []string) []FeedItem {
	ns, name, target := strings.ToLower(m.Namespace), strings.ToLower(m.Name), strings.ToLower(m.Provider)
	addr := ns + "/" + name + "/" + target
	version := "v" + m.Version
	link := func() map[string]string {
		return map[string]string{"namespace": ns, "name": name, "target_system": target, "version": version}
	}
	mod := FeedItem{
		ID: ModuleFeedID(ns, name, target), Type: FeedTypeModule, Addr: addr, Version: version,
		Title: target, Description: clipDescription(m.Description), Link: link(),
		LastUpdated: m.PublishedAt.UTC(), Popularity: m.Downloads,
	}
	out := []FeedItem{mod}
	for _, s := range submodules {
		l := link()
		l["submodule"] = s
		out = append(out, FeedItem{
			ID: mod.ID + "/" + s, Type: FeedTypeSubmodule, Addr: addr, Version: version,
			Title: s, Description: mod.Description, Link: l, ParentID: mod.ID,
			LastUpdated: mod.LastUpdated, Popularity: mod.Popularity,
		})
	}
	return out
}

// ProviderFeedItem returns the feed record of a provider at its latest
// version; warnings is the number of warnings of its data file. As in
// OpenTofu's registry, the title is the type and the description is
// empty (OpenTofu's search matches provider descriptions through their
// resources' pages, which regen does not extract).
func ProviderFeedItem(p Provider, warnings int) FeedItem {
	ns, typ := strings.ToLower(p.Namespace), strings.ToLower(p.Type)
	return FeedItem{
		ID: ProviderFeedID(ns, typ), Type: FeedTypeProvider, Addr: ns + "/" + typ, Version: "v" + p.Version,
		Title:       typ,
		Link:        map[string]string{"namespace": ns, "name": typ, "version": "v" + p.Version},
		LastUpdated: p.PublishedAt.UTC(), Popularity: p.Downloads, Warnings: warnings,
	}
}

type feedLine struct {
	Type     string        `json:"type"`
	Header   *feedHeader   `json:"header,omitempty"`
	Addition *FeedItem     `json:"addition,omitempty"`
	Deletion *FeedDeletion `json:"deletion,omitempty"`
}

type feedHeader struct {
	LastUpdated time.Time `json:"last_updated"`
}

// WriteFeed writes the search feed in OpenTofu's generated-index format:
// a "header" line, then "delete" records (sorted by id), then "add"
// records (sorted by id), one JSON object per line.
func WriteFeed(w io.Writer, updated time.Time, items []FeedItem, deletions []FeedDeletion) error {
	bw := bufio.NewWriter(w)
	if err := WriteFeedHead(bw, updated, deletions); err != nil {
		return err
	}
	adds := slices.Clone(items)
	slices.SortFunc(adds, func(a, b FeedItem) int { return cmp.Compare(a.ID, b.ID) })
	for i := range adds {
		line, err := FeedAddLine(adds[i])
		if err != nil {
			return err
		}
		bw.Write(line)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing search feed: %w", err)
	}
	return nil
}

// WriteFeedHead writes the feed's header line and its "delete" records
// (sorted by id); the "add" lines (FeedAddLine), sorted by id, follow.
func WriteFeedHead(w io.Writer, updated time.Time, deletions []FeedDeletion) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(feedLine{Type: "header", Header: &feedHeader{LastUpdated: updated.UTC()}}); err != nil {
		return fmt.Errorf("writing search feed: %w", err)
	}
	dels := slices.Clone(deletions)
	slices.SortFunc(dels, func(a, b FeedDeletion) int { return cmp.Compare(a.ID, b.ID) })
	for i := range dels {
		dels[i].DeletedAt = dels[i].DeletedAt.UTC()
		if err := enc.Encode(feedLine{Type: "delete", Deletion: &dels[i]}); err != nil {
			return fmt.Errorf("writing search feed: %w", err)
		}
	}
	return nil
}

// FeedAddLine renders an item's "add" record, with its newline.
func FeedAddLine(it FeedItem) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(feedLine{Type: "add", Addition: &it}); err != nil {
		return nil, fmt.Errorf("writing search feed: %w", err)
	}
	return b.Bytes(), nil
}
