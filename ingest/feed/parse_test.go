package feed

import (
	"slices"
	"testing"
)

const githubFeed = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/" xml:lang="en-US">
  <id>tag:github.com,2008:https://github.com/acme/terraform-provider-widget/releases</id>
  <link type="text/html" rel="alternate" href="https://github.com/acme/terraform-provider-widget/releases"/>
  <link type="application/atom+xml" rel="self" href="https://github.com/acme/terraform-provider-widget/releases.atom"/>
  <title>Release notes from terraform-provider-widget</title>
  <updated>2026-11-01T10:00:00Z</updated>
  <entry>
    <id>tag:github.com,2008:Repository/700000001/v1.2.0</id>
    <updated>2026-11-01T10:00:00Z</updated>
    <link rel="alternate" type="text/html" href="https://github.com/acme/terraform-provider-widget/releases/tag/v1.2.0"/>
    <title>Widgets galore (v1.1.9 was broken)</title>
    <content type="html">&lt;p&gt;notes&lt;/p&gt;</content>
    <author><name>octocat</name></author>
  </entry>
  <entry>
    <id>tag:github.com,2008:Repository/700000001/release/2.0</id>
    <updated>2026-10-01T10:00:00Z</updated>
    <link rel="alternate" type="text/html" href="https://github.com/acme/terraform-provider-widget/releases/tag/release%2F2.0"/>
    <title>release/2.0</title>
  </entry>
  <entry>
    <id>tag:github.com,2008:Repository/700000001/v1.0.0</id>
    <updated>2026-09-01T10:00:00Z</updated>
    <title>v1.0.0: the title is not the tag</title>
  </entry>
</feed>
`

func TestParse(t *testing.T) {
	entries, err := Parse([]byte(githubFeed))
	if err != nil {
		t.Fatal(err)
	}
	var tags []string
	for _, e := range entries {
		tags = append(tags, e.Tag)
	}
	if want := []string{"v1.2.0", "release/2.0", "v1.0.0"}; !slices.Equal(tags, want) {
		t.Errorf("tags %q, want %q (from links, then ids; never titles)", tags, want)
	}
	if entries[0].Updated.Format("2006-01-02") != "2026-11-01" {
		t.Errorf("updated %v", entries[0].Updated)
	}
}

func TestParseRejects(t *testing.T) {
	for name, doc := range map[string]string{
		"html":      "<!DOCTYPE html>\n<html><body>Unicorn!</body></html>",
		"truncated": githubFeed[:len(githubFeed)*2/3] + "<entry><title>unterminated & <",
		"rss":       `<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>`,
		"no tag":    `<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>urn:x</id><link href="https://x/y"/></entry></feed>`,
		"empty":     "",
	} {
		if _, err := Parse([]byte(doc)); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
	entries, err := Parse([]byte(`<?xml version="1.0"?><!-- c --><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>`))
	if err != nil || len(entries) != 0 {
		t.Errorf("empty feed: %v %v", entries, err)
	}
}

func TestEntryTag(t *testing.T) {
	for _, c := range []struct {
		links []string
		id    string
		want  string
		ok    bool
	}{
		{[]string{"https://github.com/a/b/releases/tag/v1.0.0"}, "", "v1.0.0", true},
		{[]string{"https://github.com/a/b/releases/tag/v1.0.0%2Bbuild"}, "", "v1.0.0+build", true},
		{[]string{"https://github.com/a/b"}, "tag:github.com,2008:Repository/12/v2.0.0", "v2.0.0", true},
		{nil, "tag:github.com,2008:Repository/12/feature/x", "feature/x", true},
		{nil, "tag:github.com,2008:Repository/abc/v1", "", false},
		{nil, "urn:uuid:1", "", false},
		{[]string{"https://github.com/a/b/releases/tag/"}, "", "", false},
		{[]string{"https://github.com/a/b/releases/tag/..%2F..%2Fetc"}, "", "", false},
		{[]string{"https://github.com/a/b/releases/tag/bad%20tag"}, "", "", false},
	} {
		got, ok := EntryTag(c.links, c.id)
		if got != c.want || ok != c.ok {
			t.Errorf("EntryTag(%q, %q) = %q, %v; want %q, %v", c.links, c.id, got, ok, c.want, c.ok)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(githubFeed))
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"></feed>`))
	f.Add([]byte("<!DOCTYPE html><html></html>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := Parse(data)
		if err != nil {
			return
		}
		for _, e := range entries {
			if !validTag(e.Tag) {
				t.Fatalf("invalid tag %q accepted", e.Tag)
			}
		}
	})
}

func FuzzEntryTag(f *testing.F) {
	f.Add("https://github.com/a/b/releases/tag/v1.0.0", "tag:github.com,2008:Repository/1/v1.0.0")
	f.Add("", "tag:github.com,2008:Repository/1/a/b")
	f.Add("https://github.com/a/b/releases/tag/%zz", "")
	f.Fuzz(func(t *testing.T, link, id string) {
		tag, ok := EntryTag([]string{link}, id)
		if ok != (tag != "") {
			t.Fatalf("ok %v with tag %q", ok, tag)
		}
		if ok && !validTag(tag) {
			t.Fatalf("invalid tag %q", tag)
		}
	})
}
