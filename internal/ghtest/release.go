package ghtest

import (
	"net/url"
	"strings"
	"time"
)

// Release describes a GitHub release to publish with AddRelease.
type Release struct {
	// Tag is the git tag; created on Commit (or a new commit) when missing,
	// as GitHub does when a release is published.
	Tag string
	// Title is the release name shown as the feed entry's title; GitHub
	// shows the tag when it is empty.
	Title string
	// Body is the release notes, shown (as HTML paragraphs) in the feed.
	Body string
	// Author is the login shown in the feed; default "ghtest-bot".
	Author string
	// Published is the release time; zero takes the repository clock.
	Published time.Time
	// Draft releases are not in the feed, not downloadable and create no tag.
	Draft bool
	// Prerelease is shown like any other release, as on GitHub.
	Prerelease bool
	// Commit is the commit to tag when Tag does not exist yet; "" commits a
	// VERSION file on the default branch and tags that. If Tag exists and
	// Commit is set, they must agree.
	Commit string
	// Assets are published as /owner/repo/releases/download/Tag/Name.
	Assets []Asset
}

// Asset is a file attached to a release.
type Asset struct {
	Name string
	Data []byte
	// ContentType defaults to application/octet-stream.
	ContentType string
}

// PublishedRelease is what AddRelease published.
type PublishedRelease struct {
	Tag       string
	Title     string
	Commit    string // the commit the tag peels to ("" for drafts)
	Published time.Time
	// HTMLURL is the release page, the feed entry's link:
	// URL/owner/repo/releases/tag/Tag.
	HTMLURL string
	// AssetURLs maps asset name to download URL.
	AssetURLs map[string]string
}

// release is a stored release; guarded by Server.mu.
type release struct {
	seq        int
	tag        string
	title      string
	body       string
	author     string
	published  time.Time
	draft      bool
	prerelease bool
	commit     string
	assets     []*asset
}

// asset is a stored release asset; guarded by Server.mu.
type asset struct {
	id          int64
	name        string
	data        []byte
	contentType string
	modTime     time.Time
}

// AddRelease publishes a release in owner/repo, creating the repository and
// the tag as needed, and adds it to releases.atom.
func (s *Server) AddRelease(ownerName, repoName string, rel Release) PublishedRelease {
	s.t.Helper()
	return s.repoOrNew(ownerName, repoName).AddRelease(rel)
}

// AddRelease publishes a release in this repository; see Server.AddRelease.
func (r *Repo) AddRelease(rel Release) PublishedRelease {
	r.s.t.Helper()
	if rel.Tag == "" {
		r.s.t.Fatalf("ghtest: release in %s has no tag", r.FullName())
	}
	if !rel.Draft {
		r.ensureTag(rel.Tag, rel.Commit)
	}
	r.gitMu.RLock()
	defer r.gitMu.RUnlock()
	s := r.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, old := range r.releases {
		if old.tag == rel.Tag {
			s.t.Fatalf("ghtest: %s already has a release for tag %s", r.FullName(), rel.Tag)
		}
	}
	if rel.Published.IsZero() {
		rel.Published = r.clock()
	}
	if rel.Author == "" {
		rel.Author = "ghtest-bot"
	}
	r.nextSeq++
	st := &release{
		seq:        r.nextSeq,
		tag:        rel.Tag,
		title:      rel.Title,
		body:       rel.Body,
		author:     rel.Author,
		published:  rel.Published,
		draft:      rel.Draft,
		prerelease: rel.Prerelease,
	}
	if !rel.Draft {
		tags, err := r.tagsLocked()
		if err != nil {
			s.t.Fatalf("ghtest: reading tags of %s: %v", r.FullName(), err)
		}
		for _, t := range tags {
			if t.Name == rel.Tag {
				st.commit = t.Commit
			}
		}
	}
	out := PublishedRelease{
		Tag:       rel.Tag,
		Title:     rel.Title,
		Commit:    st.commit,
		Published: rel.Published,
		HTMLURL:   r.HTMLURL() + "/releases/tag/" + escapeTag(rel.Tag),
		AssetURLs: map[string]string{},
	}
	seen := map[string]bool{}
	for _, a := range rel.Assets {
		if a.Name == "" || strings.Contains(a.Name, "/") || seen[a.Name] {
			s.t.Fatalf("ghtest: release %s of %s: invalid or duplicate asset name %q", rel.Tag, r.FullName(), a.Name)
		}
		seen[a.Name] = true
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		s.nextAssetID++
		sa := &asset{id: s.nextAssetID, name: a.Name, data: append([]byte(nil), a.Data...), contentType: ct, modTime: rel.Published}
		s.objects[sa.id] = sa
		st.assets = append(st.assets, sa)
		out.AssetURLs[a.Name] = r.downloadURL(rel.Tag, a.Name)
	}
	r.releases = append(r.releases, st)
	return out
}

// DeleteRelease removes the release for tag (the tag itself stays, as on
// GitHub). It fails the test if there is no such release.
func (r *Repo) DeleteRelease(tag string) {
	r.s.t.Helper()
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	for i, rel := range r.releases {
		if rel.tag == tag {
			for _, a := range rel.assets {
				delete(r.s.objects, a.id)
			}
			r.releases = append(r.releases[:i:i], r.releases[i+1:]...)
			return
		}
	}
	r.s.t.Fatalf("ghtest: %s has no release for tag %s", r.FullName(), tag)
}

// ensureTag makes sure tag exists, on commit if given.
func (r *Repo) ensureTag(tag, commit string) {
	r.s.t.Helper()
	for _, t := range r.Tags() {
		if t.Name != tag {
			continue
		}
		if commit != "" && !strings.EqualFold(commit, t.Commit) {
			r.s.t.Fatalf("ghtest: tag %s of %s is on %s, not %s", tag, r.FullName(), t.Commit, commit)
		}
		return
	}
	if commit == "" {
		commit = r.Commit(map[string]string{"VERSION": strings.TrimPrefix(tag, "v") + "\n"}, "Release "+tag)
	}
	r.Tag(tag, commit)
}

// downloadURL is where GitHub serves a release asset.
func (r *Repo) downloadURL(tag, name string) string {
	return r.HTMLURL() + "/releases/download/" + escapeTag(tag) + "/" + url.PathEscape(name)
}

// escapeTag escapes a tag for a URL path, keeping its slashes.
func escapeTag(tag string) string {
	parts := strings.Split(tag, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// hasTagOrRelease reports whether tag names a git tag or a published
// release.
func (r *Repo) hasTagOrRelease(tag string) bool {
	r.s.mu.Lock()
	for _, rel := range r.releases {
		if rel.tag == tag && !rel.draft {
			r.s.mu.Unlock()
			return true
		}
	}
	r.s.mu.Unlock()
	r.gitMu.RLock()
	defer r.gitMu.RUnlock()
	tags, err := r.tagsLocked()
	if err != nil {
		return false
	}
	for _, t := range tags {
		if t.Name == tag {
			return true
		}
	}
	return false
}
