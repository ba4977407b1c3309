package ghtest

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// objectsPrefix is where WithAssetRedirects sends release downloads, like
// github.com's objects.githubusercontent.com.
const objectsPrefix = "/ghtest-objects/"

// serveDownload answers /owner/repo/releases/download/<tag>/<asset>. The
// tag may contain slashes; the asset name is the last path segment.
func (s *Server) serveDownload(w http.ResponseWriter, r *http.Request, repo *Repo, rest string) {
	i := strings.LastIndexByte(rest, '/')
	if i <= 0 {
		s.notFound(w, r)
		return
	}
	tag, name := rest[:i], rest[i+1:]
	s.mu.Lock()
	var a *asset
	for _, rel := range repo.releases {
		if rel.tag != tag || rel.draft {
			continue
		}
		for _, x := range rel.assets {
			if x.name == name {
				a = x
			}
		}
	}
	s.mu.Unlock()
	if a == nil {
		s.notFound(w, r)
		return
	}
	if s.cfg.assetRedirects {
		http.Redirect(w, r, s.URL+objectsPrefix+strconv.FormatInt(a.id, 10)+"?filename="+url.QueryEscape(name), http.StatusFound)
		return
	}
	serveAsset(w, r, a)
}

// serveObject answers a redirected asset download.
func (s *Server) serveObject(w http.ResponseWriter, r *http.Request, rest string) {
	id, err := strconv.ParseInt(rest, 10, 64)
	s.mu.Lock()
	a := s.objects[id]
	s.mu.Unlock()
	if err != nil || a == nil {
		s.notFound(w, r)
		return
	}
	serveAsset(w, r, a)
}

// serveAsset writes an asset the way GitHub's storage does: octet-stream,
// attachment, with Range and HEAD support.
func serveAsset(w http.ResponseWriter, r *http.Request, a *asset) {
	w.Header().Set("Content-Type", a.contentType)
	w.Header().Set("Content-Disposition", "attachment; filename="+a.name)
	http.ServeContent(w, r, a.name, a.modTime, bytes.NewReader(a.data))
}
