package github

import (
	"fmt"
	"net/url"
	"strings"
)

// Default base URLs.
const (
	DefaultWebURL = "https://github.com"
	DefaultAPIURL = "https://api.github.com"
)

// Endpoints derives every GitHub address from two base URLs: Web for
// pages, feeds, release downloads and git remotes, API for the REST API.
type Endpoints struct {
	web *url.URL
	api *url.URL
}

// NewEndpoints parses the two base URLs ("" picks the default). A base may
// carry a path prefix (GitHub Enterprise's API lives under /api/v3).
func NewEndpoints(web, api string) (Endpoints, error) {
	if web == "" {
		web = DefaultWebURL
	}
	if api == "" {
		api = DefaultAPIURL
	}
	w, err := parseBase(web)
	if err != nil {
		return Endpoints{}, fmt.Errorf("GitHub URL: %w", err)
	}
	a, err := parseBase(api)
	if err != nil {
		return Endpoints{}, fmt.Errorf("GitHub API URL: %w", err)
	}
	return Endpoints{web: w, api: a}, nil
}

func parseBase(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("%q is not an http(s) URL", s)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("%q: a base URL has no query, fragment or credentials", s)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// Web returns the web base URL without a trailing slash.
func (e Endpoints) Web() string { return e.web.String() }

// API returns the REST API base URL without a trailing slash.
func (e Endpoints) API() string { return e.api.String() }

// WebHost returns the host (with port) of the web base URL.
func (e Endpoints) WebHost() string { return e.web.Host }

// APIHost returns the host (with port) of the REST API base URL.
func (e Endpoints) APIHost() string { return e.api.Host }

// Repo names a GitHub repository.
type Repo struct {
	Owner string
	Name  string
}

// String returns "owner/name".
func (r Repo) String() string { return r.Owner + "/" + r.Name }

func (e Endpoints) web1(parts ...string) string {
	var b strings.Builder
	b.WriteString(e.Web())
	for _, p := range parts {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(p))
	}
	return b.String()
}

// RepoURL returns the repository's web page, <web>/owner/name.
func (e Endpoints) RepoURL(r Repo) string { return e.web1(r.Owner, r.Name) }

// GitURL returns the repository's git remote, <web>/owner/name.git.
func (e Endpoints) GitURL(r Repo) string { return e.web1(r.Owner, r.Name+".git") }

// ReleasesFeed returns the repository's releases.atom.
func (e Endpoints) ReleasesFeed(r Repo) string { return e.web1(r.Owner, r.Name, "releases.atom") }

// TagsFeed returns the repository's tags.atom.
func (e Endpoints) TagsFeed(r Repo) string { return e.web1(r.Owner, r.Name, "tags.atom") }

// ReleaseAsset returns the download address of a release asset:
// <web>/owner/name/releases/download/<tag>/<asset>.
func (e Endpoints) ReleaseAsset(r Repo, tag, asset string) string {
	return e.web1(r.Owner, r.Name, "releases", "download") + "/" + escapeTag(tag) + "/" + url.PathEscape(asset)
}

// escapeTag escapes a tag for a URL path, keeping the slashes of
// hierarchical tags ("release/v1.0.0") as GitHub writes them.
func escapeTag(tag string) string {
	parts := strings.Split(tag, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// OrgReposURL returns the first page of an organisation's repositories.
func (e Endpoints) OrgReposURL(org string) string {
	return e.API() + "/orgs/" + url.PathEscape(org) + "/repos?per_page=100&type=all"
}

// UserReposURL returns the first page of a user's repositories.
func (e Endpoints) UserReposURL(user string) string {
	return e.API() + "/users/" + url.PathEscape(user) + "/repos?per_page=100&type=owner"
}

// ParseRepo reads a repository reference as a data file or a command line
// gives it: "owner/name", or a URL on github.com or on the web base
// (https://github.com/owner/name, with or without ".git" or a trailing
// slash). A github.com URL names the same repository on the configured
// base, so data written against github.com works against a test server or
// an Enterprise host.
func (e Endpoints) ParseRepo(s string) (Repo, error) {
	orig := s
	if !strings.Contains(s, "://") {
		return repoFromPath(orig, s)
	}
	u, err := url.Parse(s)
	if err != nil {
		return Repo{}, fmt.Errorf("repository %q: %w", orig, err)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return Repo{}, fmt.Errorf("repository %q: want a plain repository URL without query, fragment or credentials", orig)
	}
	p := u.Path
	switch {
	case strings.EqualFold(u.Host, e.web.Host) && (e.web.Path == "" || strings.HasPrefix(p, e.web.Path+"/")):
		p = strings.TrimPrefix(p, e.web.Path)
	case strings.EqualFold(u.Hostname(), "github.com") || strings.EqualFold(u.Hostname(), "www.github.com"):
	default:
		return Repo{}, fmt.Errorf("repository %q is not on GitHub (%s)", orig, e.Web())
	}
	return repoFromPath(orig, p)
}

func repoFromPath(orig, p string) (Repo, error) {
	p = strings.Trim(p, "/")
	p = strings.TrimSuffix(p, ".git")
	parts := strings.Split(p, "/")
	if len(parts) != 2 || !validName(parts[0]) || !validName(parts[1]) {
		return Repo{}, fmt.Errorf("repository %q: want OWNER/NAME or a GitHub repository URL", orig)
	}
	return Repo{Owner: parts[0], Name: parts[1]}, nil
}

// validName reports whether s can be a GitHub owner or repository name.
func validName(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 100 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// Rebase maps an address on github.com to the same path on the web base
// (data files written against github.com, read in a test or against an
// Enterprise host); other addresses are returned unchanged.
func (e Endpoints) Rebase(s string) string {
	u, err := url.Parse(s)
	if err != nil || !strings.EqualFold(u.Hostname(), "github.com") {
		return s
	}
	if strings.EqualFold(e.web.Host, "github.com") && e.web.Path == "" {
		return s
	}
	u.Scheme = e.web.Scheme
	u.Host = e.web.Host
	u.Path = e.web.Path + u.Path
	if u.RawPath != "" {
		u.RawPath = e.web.Path + u.RawPath
	}
	return u.String()
}
