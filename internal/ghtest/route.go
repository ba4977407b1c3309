package ghtest

import (
	"fmt"
	"html"
	"net/http"
	"strings"
)

// serveHTTP records the request, applies pending faults, and dispatches on
// GitHub's URL layout.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	i := s.record(r)
	s.logf("%s %s", r.Method, r.URL.RequestURI())
	if f := s.takeFault(r.URL.Path); f != nil {
		if f.reset {
			s.setStatus(i, StatusReset)
			if err := resetConn(w); err != nil {
				s.logf("resetting connection for %s: %v", r.URL.Path, err)
			}
			return
		}
		f.handler(&statusWriter{ResponseWriter: w, s: s, index: i}, r)
		return
	}
	s.route(&statusWriter{ResponseWriter: w, s: s, index: i}, r)
}

// route dispatches one request.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/api/v3" || strings.HasPrefix(p, "/api/v3/"):
		s.serveAPI(w, r, strings.TrimPrefix(p, "/api/v3"))
		return
	case strings.HasPrefix(p, objectsPrefix):
		s.serveObject(w, r, strings.TrimPrefix(p, objectsPrefix))
		return
	}
	parts := strings.SplitN(strings.TrimPrefix(p, "/"), "/", 3)
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		s.notFound(w, r)
		return
	}
	ownerName, repoName, rest := parts[0], parts[1], ""
	if len(parts) == 3 {
		rest = parts[2]
	}
	dotGit := strings.HasSuffix(repoName, ".git")
	repoName = strings.TrimSuffix(repoName, ".git")
	if isGitPath(rest) {
		s.serveGit(w, r, ownerName, repoName, rest)
		return
	}
	repo := s.lookup(ownerName, repoName)
	if repo == nil || dotGit {
		s.notFound(w, r)
		return
	}
	switch {
	case rest == "":
		s.servePage(w, r, repo.FullName())
	case rest == "releases.atom":
		s.serveFeed(w, r, repo, releasesFeed)
	case rest == "tags.atom":
		s.serveFeed(w, r, repo, tagsFeed)
	case strings.HasPrefix(rest, "releases/download/"):
		s.serveDownload(w, r, repo, strings.TrimPrefix(rest, "releases/download/"))
	case strings.HasPrefix(rest, "releases/tag/"):
		tag := strings.TrimPrefix(rest, "releases/tag/")
		if !repo.hasTagOrRelease(tag) {
			s.notFound(w, r)
			return
		}
		s.servePage(w, r, repo.FullName()+" "+tag)
	default:
		s.notFound(w, r)
	}
}

// isGitPath reports whether the rest of a repository URL is a git smart
// HTTP (or dumb HTTP) path.
func isGitPath(rest string) bool {
	switch rest {
	case "info/refs", "git-upload-pack", "git-receive-pack", "HEAD":
		return true
	}
	return strings.HasPrefix(rest, "objects/")
}

// servePage answers a human-facing page with a minimal HTML document.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request, title string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<!DOCTYPE html>\n<html><head><title>%s</title></head><body><h1>%s</h1></body></html>\n",
		html.EscapeString(title), html.EscapeString(title))
}

// lookup finds a repository without regard to case, or returns nil.
func (s *Server) lookup(ownerName, repoName string) *Repo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.repos[key(ownerName, repoName)]
}
