package feeds

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"time"

	"github.com/regen-registry/regen/regdata/events"
)

// atomFeed is an Atom 1.0 feed (RFC 4287).
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	Title     string         `xml:"title"`
	ID        string         `xml:"id"`
	Updated   string         `xml:"updated"`
	Published string         `xml:"published"`
	Links     []atomLink     `xml:"link"`
	Category  []atomCategory `xml:"category"`
	Summary   string         `xml:"summary"`
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// kind returns "module" or "provider" for an event.
func kind(e events.Event) string {
	if e.Type.IsModule() {
		return "module"
	}
	return "provider"
}

// entryID returns a release's permanent Atom id. Versions are normalised
// so that a tag spelled "v1.0" and "1.0.0" is one release.
func entryID(e events.Event) string {
	return "urn:regen:" + kind(e) + ":" + strings.ToLower(e.Addr()) + ":" + normalized(e.Version)
}

// apiLink returns the registry document of a release: the module version
// detail, or the provider's versions list.
func (o *Options) apiLink(e events.Event) string {
	if o.BaseURL == "" {
		return ""
	}
	if e.Type.IsModule() {
		return o.BaseURL + "/v1/modules/" + strings.ToLower(e.Addr()) + "/" + normalized(e.Version)
	}
	return o.BaseURL + "/v1/providers/" + strings.ToLower(e.Addr()) + "/versions"
}

func (o *Options) entry(e events.Event) atomEntry {
	ent := atomEntry{
		Title:     e.Addr() + " " + e.Version,
		ID:        entryID(e),
		Updated:   stamp(e.Time),
		Published: stamp(e.Time),
		Category:  []atomCategory{{Term: kind(e)}},
	}
	if l := o.apiLink(e); l != "" {
		ent.Links = append(ent.Links, atomLink{Rel: "alternate", Href: l, Type: "application/json"})
	}
	if e.URL != "" {
		ent.Links = append(ent.Links, atomLink{Rel: "related", Href: e.URL})
	}
	var sum strings.Builder
	what := "Provider"
	if e.Type.IsModule() {
		what = "Module"
	}
	fmt.Fprintf(&sum, "%s %s released version %s", what, e.Addr(), e.Version)
	if e.Commit != "" {
		fmt.Fprintf(&sum, " (commit %s)", e.Commit)
	}
	sum.WriteString(".")
	ent.Summary = sum.String()
	return ent
}

// renderAtom renders a feed of the given releases (already sorted and
// cut), whose own path in the tree is self.
func (o *Options) renderAtom(title, self string, evs []events.Event) ([]byte, error) {
	f := atomFeed{
		Title:  title,
		ID:     "urn:regen:feed:" + self,
		Author: atomPerson{Name: o.title()},
	}
	if o.BaseURL != "" {
		f.Links = []atomLink{{Rel: "self", Href: o.BaseURL + "/" + self, Type: "application/atom+xml"}}
	}
	// The newest release dates the feed, so that an unchanged log renders
	// an unchanged file; a feed without entries is dated by the Unix epoch.
	f.Updated = stamp(time.Unix(0, 0))
	if len(evs) > 0 {
		f.Updated = stamp(evs[0].Time)
	}
	for _, e := range evs {
		f.Entries = append(f.Entries, o.entry(e))
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("encoding feed %s: %w", self, err)
	}
	b.WriteString("\n")
	return b.Bytes(), nil
}
