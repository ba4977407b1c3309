package ghtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// serveAPI answers the REST API under /api/v3 (p is the path after it):
//
//	GET /orgs/{org}/repos             list an organisation's repositories
//	GET /users/{user}/repos           the same for a user
//	GET /organizations/{id}/repos     where the Link header of /orgs points
//	GET /user/{id}/repos              where the Link header of /users points
//	GET /repos/{owner}/{repo}         one repository
//
// Listing honours per_page (default 30, max 100), page, type (all, public,
// private, forks, sources, member), sort (created, updated, pushed,
// full_name) and direction, and paginates with a Link header.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, p string) {
	authed, ok := s.apiAuth(w, r)
	if !ok {
		return
	}
	parts := strings.Split(strings.Trim(p, "/"), "/")
	switch {
	case len(parts) == 3 && (parts[0] == "orgs" || parts[0] == "users") && parts[2] == "repos":
		o := s.ownerByLogin(parts[1])
		if o == nil {
			s.apiNotFound(w, r)
			return
		}
		s.serveRepoList(w, r, o, authed, parts[0] == "users")
	case len(parts) == 3 && (parts[0] == "organizations" || parts[0] == "user") && parts[2] == "repos":
		id, err := strconv.ParseInt(parts[1], 10, 64)
		o := s.ownerByID(id)
		if err != nil || o == nil {
			s.apiNotFound(w, r)
			return
		}
		s.serveRepoList(w, r, o, authed, parts[0] == "user")
	case len(parts) == 3 && parts[0] == "repos":
		repo := s.lookup(parts[1], parts[2])
		if repo == nil || (repo.isPrivate() && !authed) {
			s.apiNotFound(w, r)
			return
		}
		s.mu.Lock()
		obj := repo.apiObject()
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, obj)
	default:
		s.apiNotFound(w, r)
	}
}

// apiAuth applies the rate limit and the token check, writing the error
// response itself when the request may not proceed. authed reports whether
// the request carried the configured token.
func (s *Server) apiAuth(w http.ResponseWriter, r *http.Request) (authed, ok bool) {
	s.mu.Lock()
	s.apiUsed++
	used := s.apiUsed
	s.mu.Unlock()
	limit := s.cfg.apiRateLimit
	remaining := max(limit-used, 0)
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Used", strconv.Itoa(min(used, limit)))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
	h.Set("X-RateLimit-Resource", "core")
	h.Set("X-GitHub-Media-Type", "github.v3; format=json")
	if used > limit {
		writeJSON(w, http.StatusForbidden, apiError("API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)"))
		return false, false
	}
	tok := bearer(r.Header.Get("Authorization"))
	if s.cfg.token == "" {
		return false, true
	}
	switch {
	case tok == "":
		writeJSON(w, http.StatusUnauthorized, apiError("Requires authentication"))
		return false, false
	case tok != s.cfg.token:
		writeJSON(w, http.StatusUnauthorized, apiError("Bad credentials"))
		return false, false
	}
	return true, true
}

// bearer extracts the token from "Bearer X" or "token X".
func bearer(auth string) string {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(auth), " ")
	if !ok || !(strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "token")) {
		return ""
	}
	return strings.TrimSpace(tok)
}

// apiError is GitHub's error body.
func apiError(msg string) map[string]string {
	return map[string]string{"message": msg, "documentation_url": "https://docs.github.com/rest"}
}

// apiNotFound answers 404 the way the API does and remembers the path.
func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	s.noteUnknown(r)
	writeJSON(w, http.StatusNotFound, apiError("Not Found"))
}

// writeJSON writes v as indented JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// ownerByLogin finds an owner without regard to case.
func (s *Server) ownerByLogin(login string) *owner {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.owners[strings.ToLower(login)]
}

// ownerByID finds an owner by numeric id.
func (s *Server) ownerByID(id int64) *owner {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.owners {
		if o.id == id {
			return o
		}
	}
	return nil
}

func (r *Repo) isPrivate() bool {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	return r.private
}

// serveRepoList answers one page of an owner's repositories.
// The Link header addresses the owner by id, as GitHub's does.
func (s *Server) serveRepoList(w http.ResponseWriter, r *http.Request, o *owner, authed, user bool) {
	q := r.URL.Query()
	perPage, page := 30, 1
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeJSON(w, http.StatusUnprocessableEntity, apiError("Invalid per_page "+strconv.Quote(v)))
			return
		}
		perPage = min(n, 100)
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeJSON(w, http.StatusUnprocessableEntity, apiError("Invalid page "+strconv.Quote(v)))
			return
		}
		page = n
	}
	typ := q.Get("type")
	if typ == "" {
		typ = "all"
	}
	sortBy := q.Get("sort")
	if sortBy == "" {
		sortBy = "created"
	}
	dir := q.Get("direction")
	if dir == "" {
		dir = "desc"
		if sortBy == "full_name" {
			dir = "asc"
		}
	}

	s.mu.Lock()
	var repos []*Repo
	for _, repo := range s.repos {
		if repo.ownerID != o.id || (repo.private && !authed) {
			continue
		}
		switch typ {
		case "public":
			if repo.private {
				continue
			}
		case "private":
			if !repo.private {
				continue
			}
		case "forks":
			if !repo.fork {
				continue
			}
		case "sources":
			if repo.fork {
				continue
			}
		}
		repos = append(repos, repo)
	}
	sort.Slice(repos, func(i, j int) bool {
		a, b := repos[i], repos[j]
		if dir == "desc" {
			a, b = b, a
		}
		if sortBy == "full_name" {
			return strings.ToLower(a.FullName()) < strings.ToLower(b.FullName())
		}
		return a.id < b.id
	})
	last := max((len(repos)+perPage-1)/perPage, 1)
	objs := []map[string]any{}
	for i := (page - 1) * perPage; i < len(repos) && i < page*perPage; i++ {
		objs = append(objs, repos[i].apiObject())
	}
	s.mu.Unlock()

	link := func(n int, rel string) string {
		v := url.Values{}
		for k, vals := range q {
			v[k] = vals
		}
		v.Set("per_page", strconv.Itoa(perPage))
		v.Set("page", strconv.Itoa(n))
		base := "organizations"
		if user {
			base = "user"
		}
		return fmt.Sprintf("<%s/%s/%d/repos?%s>; rel=%q", s.APIURL(), base, o.id, v.Encode(), rel)
	}
	var links []string
	if page > 1 {
		links = append(links, link(min(page-1, last), "prev"))
	}
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	writeJSON(w, http.StatusOK, objs)
}

// apiObject is the repository as the REST API shows it; callers hold
// Server.mu.
func (r *Repo) apiObject() map[string]any {
	api := r.s.APIURL() + "/repos/" + r.FullName()
	visibility := "public"
	if r.private {
		visibility = "private"
	}
	topics := r.topics
	if topics == nil {
		topics = []string{}
	}
	var description any
	if r.description != "" {
		description = r.description
	}
	host := strings.TrimPrefix(strings.TrimPrefix(r.s.URL, "https://"), "http://")
	ts := r.created.Format(time.RFC3339)
	return map[string]any{
		"id":        r.id,
		"node_id":   fmt.Sprintf("R_ghtest%d", r.id),
		"name":      r.name,
		"full_name": r.FullName(),
		"private":   r.private,
		"owner": map[string]any{
			"login":    r.owner,
			"id":       r.ownerID,
			"type":     "Organization",
			"html_url": r.s.URL + "/" + r.owner,
			"url":      r.s.APIURL() + "/users/" + r.owner,
		},
		"html_url":          r.HTMLURL(),
		"description":       description,
		"fork":              r.fork,
		"url":               api,
		"releases_url":      api + "/releases{/id}",
		"tags_url":          api + "/tags",
		"git_url":           "git://" + host + "/" + r.FullName() + ".git",
		"ssh_url":           "git@" + host + ":" + r.FullName() + ".git",
		"clone_url":         r.CloneURL(),
		"svn_url":           r.HTMLURL(),
		"homepage":          nil,
		"size":              0,
		"stargazers_count":  0,
		"watchers_count":    0,
		"forks_count":       0,
		"open_issues_count": 0,
		"language":          "HCL",
		"archived":          r.archived,
		"disabled":          false,
		"visibility":        visibility,
		"is_template":       false,
		"topics":            topics,
		"default_branch":    DefaultBranch,
		"created_at":        ts,
		"updated_at":        ts,
		"pushed_at":         ts,
	}
}
