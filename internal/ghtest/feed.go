package ghtest

import (
	"fmt"
	"html"
	"net/http"
	"sort"
	"strings"
	"time"
)

// feedKind selects releases.atom or tags.atom.
type feedKind string

const (
	releasesFeed feedKind = "releases"
	tagsFeed     feedKind = "tags"
)

// atomContentType is what github.com sends for its feeds.
const atomContentType = "application/atom+xml; charset=utf-8"

// atomEntry is one <entry> of a GitHub feed.
type atomEntry struct {
	tag     string
	updated time.Time
	title   string
	// content is the entry's HTML; typed says whether <content> carries
	// type="html" (tags.atom leaves it bare for lightweight tags).
	content string
	typed   bool
	author  string
}

// serveFeed answers releases.atom or tags.atom for repo.
func (s *Server) serveFeed(w http.ResponseWriter, r *http.Request, repo *Repo, kind feedKind) {
	body, fault, err := s.renderFeed(repo, kind)
	if err != nil {
		http.Error(w, fmt.Sprintf("rendering %s feed of %s: %v", kind, repo.FullName(), err), http.StatusInternalServerError)
		return
	}
	switch fault {
	case FeedMalformed:
		cut := body[:len(body)*2/3]
		w.Header().Set("Content-Type", atomContentType)
		_, _ = w.Write(append(cut, "<entry><title>unterminated & <"...))
		return
	case FeedHTML:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<!DOCTYPE html>\n<html><head><title>Unicorn! &middot; GitHub</title></head>" +
			"<body><p>This page is taking too long to load.</p></body></html>\n"))
		return
	}
	s.serveCached(w, r, key(repo.owner, repo.name)+"/"+string(kind), body, atomContentType)
}

// renderFeed builds the feed document in GitHub's exact layout and reports
// the repository's feed fault.
func (s *Server) renderFeed(repo *Repo, kind feedKind) ([]byte, FeedFault, error) {
	repo.gitMu.RLock()
	defer repo.gitMu.RUnlock()
	var tags []TagInfo
	if kind == tagsFeed {
		var err error
		if tags, err = repo.tagsLocked(); err != nil {
			return nil, FeedOK, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fault := repo.feedFault
	var entries []atomEntry
	if fault != FeedEmpty {
		if kind == releasesFeed {
			entries = repo.releaseEntries()
		} else {
			entries = tagEntries(tags)
		}
	}
	if len(entries) > s.cfg.feedWindow {
		entries = entries[:s.cfg.feedWindow]
	}
	return repo.writeFeed(kind, entries), fault, nil
}

// releaseEntries lists published releases, newest first; callers hold
// Server.mu.
func (r *Repo) releaseEntries() []atomEntry {
	var rels []*release
	for _, rel := range r.releases {
		if !rel.draft {
			rels = append(rels, rel)
		}
	}
	sort.SliceStable(rels, func(i, j int) bool {
		if !rels[i].published.Equal(rels[j].published) {
			return rels[i].published.After(rels[j].published)
		}
		return rels[i].seq > rels[j].seq
	})
	out := make([]atomEntry, 0, len(rels))
	for _, rel := range rels {
		title := rel.title
		if title == "" {
			title = rel.tag
		}
		out = append(out, atomEntry{
			tag:     rel.tag,
			updated: rel.published,
			title:   title,
			content: bodyHTML(rel.body),
			typed:   true,
			author:  rel.author,
		})
	}
	return out
}

// tagEntries lists tags newest first (tagger date, or commit date for
// lightweight tags; ties by name, descending). An annotated tag's entry
// is titled "name: first line of the message", as github.com shows it.
func tagEntries(tags []TagInfo) []atomEntry {
	tags = append([]TagInfo(nil), tags...)
	sort.SliceStable(tags, func(i, j int) bool {
		if !tags[i].Date.Equal(tags[j].Date) {
			return tags[i].Date.After(tags[j].Date)
		}
		return tags[i].Name > tags[j].Name
	})
	out := make([]atomEntry, 0, len(tags))
	for _, t := range tags {
		e := atomEntry{tag: t.Name, updated: t.Date, title: t.Name, author: t.Author}
		if t.Annotated {
			subject, _, _ := strings.Cut(strings.TrimSpace(t.Message), "\n")
			if subject != "" {
				e.title = t.Name + ": " + subject
			}
			e.content = "<pre>" + html.EscapeString(strings.TrimSpace(t.Message)) + "</pre>"
			e.typed = true
		}
		out = append(out, e)
	}
	return out
}

// bodyHTML renders release notes as HTML paragraphs, as GitHub's markdown
// renderer does for plain text.
func bodyHTML(body string) string {
	var paras []string
	for _, p := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			paras = append(paras, "<p>"+html.EscapeString(p)+"</p>")
		}
	}
	return strings.Join(paras, "\n")
}

// writeFeed lays the document out exactly as github.com does; callers hold
// Server.mu.
func (r *Repo) writeFeed(kind feedKind, entries []atomEntry) []byte {
	esc := html.EscapeString
	base := r.HTMLURL()
	updated := r.created
	if len(entries) > 0 {
		updated = entries[0].updated
	}
	title := "Release notes from " + r.name
	if kind == tagsFeed {
		title = "Tags from " + r.name
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/" xml:lang="en-US">` + "\n")
	// github.com uses the releases addresses in tags.atom's header too.
	fmt.Fprintf(&b, "  <id>tag:github.com,2008:%s/releases</id>\n", esc(base))
	fmt.Fprintf(&b, "  <link type=\"text/html\" rel=\"alternate\" href=\"%s/releases\"/>\n", esc(base))
	fmt.Fprintf(&b, "  <link type=\"application/atom+xml\" rel=\"self\" href=\"%s/releases.atom\"/>\n", esc(base))
	fmt.Fprintf(&b, "  <title>%s</title>\n", esc(title))
	fmt.Fprintf(&b, "  <updated>%s</updated>\n", updated.Format(time.RFC3339))
	for _, e := range entries {
		b.WriteString("  <entry>\n")
		fmt.Fprintf(&b, "    <id>tag:github.com,2008:Repository/%d/%s</id>\n", r.id, esc(e.tag))
		fmt.Fprintf(&b, "    <updated>%s</updated>\n", e.updated.Format(time.RFC3339))
		fmt.Fprintf(&b, "    <link rel=\"alternate\" type=\"text/html\" href=\"%s/releases/tag/%s\"/>\n", esc(base), esc(escapeTag(e.tag)))
		fmt.Fprintf(&b, "    <title>%s</title>\n", esc(e.title))
		if e.typed {
			fmt.Fprintf(&b, "    <content type=\"html\">%s</content>\n", esc(e.content))
		} else {
			b.WriteString("    <content></content>\n")
		}
		fmt.Fprintf(&b, "    <author>\n      <name>%s</name>\n    </author>\n", esc(e.author))
		fmt.Fprintf(&b, "    <media:thumbnail height=\"30\" width=\"30\" url=\"%s\"/>\n",
			esc(fmt.Sprintf("%s/avatars/u/%d?s=60&v=4", r.s.URL, r.ownerID)))
		b.WriteString("  </entry>\n")
	}
	b.WriteString("</feed>\n")
	return []byte(b.String())
}
