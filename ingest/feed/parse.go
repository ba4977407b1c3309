package feed

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/mmcdole/gofeed/atom"
)

// Entry is one feed entry: a release (releases.atom) or a tag (tags.atom).
type Entry struct {
	// Tag is the git tag the entry is about.
	Tag string
	// Updated is the entry's <updated> time (zero when missing or bad).
	Updated time.Time
}

// Parse reads a GitHub Atom feed. A document that is not an Atom feed, or
// an entry whose tag cannot be found, is an error: a gate must not mistake
// a broken feed for an empty one.
func Parse(data []byte) ([]Entry, error) {
	if !looksLikeAtom(data) {
		return nil, errors.New("not an Atom feed (no <feed> root element)")
	}
	f, err := (&atom.Parser{}).Parse(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("parsing Atom feed: %w", err)
	}
	entries := make([]Entry, 0, len(f.Entries))
	for i, e := range f.Entries {
		if e == nil {
			continue
		}
		var links []string
		for _, l := range e.Links {
			if l != nil && (l.Rel == "" || l.Rel == "alternate") {
				links = append(links, l.Href)
			}
		}
		tag, ok := EntryTag(links, e.ID)
		if !ok {
			return nil, fmt.Errorf("feed entry %d (id %q): no tag in its link or id", i+1, e.ID)
		}
		en := Entry{Tag: tag}
		if e.UpdatedParsed != nil {
			en.Updated = *e.UpdatedParsed
		}
		entries = append(entries, en)
	}
	return entries, nil
}

// looksLikeAtom reports whether the document's root element is <feed>
// (GitHub's error pages are HTML served with status 200).
func looksLikeAtom(data []byte) bool {
	s := data
	for {
		s = bytes.TrimLeft(s, " \t\r\n\ufeff")
		switch {
		case bytes.HasPrefix(s, []byte("<?")):
			i := bytes.Index(s, []byte("?>"))
			if i < 0 {
				return false
			}
			s = s[i+2:]
		case bytes.HasPrefix(s, []byte("<!--")):
			i := bytes.Index(s, []byte("-->"))
			if i < 0 {
				return false
			}
			s = s[i+3:]
		default:
			name := s
			if !bytes.HasPrefix(name, []byte("<")) {
				return false
			}
			name = name[1:]
			if i := bytes.IndexAny(name, " \t\r\n/>"); i >= 0 {
				name = name[:i]
			}
			if j := bytes.IndexByte(name, ':'); j >= 0 {
				name = name[j+1:]
			}
			return string(name) == "feed"
		}
	}
}

// EntryTag finds an entry's tag: from the first link with a
// /releases/tag/<tag> path, else from a GitHub entry id
// "tag:github.com,2008:Repository/<repo id>/<tag>".
func EntryTag(links []string, id string) (string, bool) {
	for _, l := range links {
		if t, ok := tagFromLink(l); ok {
			return t, true
		}
	}
	return tagFromID(id)
}

func tagFromLink(link string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil {
		return "", false
	}
	p := u.EscapedPath()
	const marker = "/releases/tag/"
	i := strings.LastIndex(p, marker)
	if i < 0 {
		return "", false
	}
	tag, err := url.PathUnescape(p[i+len(marker):])
	if err != nil || !validTag(tag) {
		return "", false
	}
	return tag, true
}

func tagFromID(id string) (string, bool) {
	id = strings.TrimSpace(id)
	const prefix = "Repository/"
	i := strings.Index(id, prefix)
	if !strings.HasPrefix(id, "tag:") || i < 0 {
		return "", false
	}
	rest := id[i+len(prefix):]
	repoID, tag, ok := strings.Cut(rest, "/")
	if !ok || repoID == "" || strings.Trim(repoID, "0123456789") != "" || !validTag(tag) {
		return "", false
	}
	return tag, true
}

// validTag applies the parts of git's ref-name rules that matter here: not
// empty, no control characters, spaces or the characters git forbids, no
// "..", no leading "-" or trailing "/" or ".".
func validTag(t string) bool {
	if t == "" || len(t) > 255 || strings.Contains(t, "..") || strings.Contains(t, "//") ||
		strings.HasPrefix(t, "-") || strings.HasPrefix(t, "/") || strings.HasSuffix(t, "/") ||
		strings.HasSuffix(t, ".") || strings.HasSuffix(t, ".lock") || strings.Contains(t, "@{") {
		return false
	}
	for _, r := range t {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(" ~^:?*[\\", r) {
			return false
		}
	}
	return true
}
