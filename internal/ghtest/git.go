package ghtest

import (
	"io"
	"net/http"
	"net/http/cgi"
	"os"
	"path/filepath"
	"strings"
)

// serveGit answers a git smart HTTP request for owner/name with the real
// git http-backend. Both /owner/name.git/... and /owner/name/... work, in
// any letter case, as on github.com. A repository that does not exist gets
// 401 with a Basic challenge, which is what github.com answers (it cannot
// tell a missing repository from a private one).
func (s *Server) serveGit(w http.ResponseWriter, r *http.Request, ownerName, repoName, rest string) {
	repo := s.lookup(ownerName, repoName)
	if repo == nil {
		s.noteUnknown(r)
		w.Header().Set("WWW-Authenticate", `Basic realm="GitHub"`)
		http.Error(w, "Repository not found.", http.StatusUnauthorized)
		return
	}
	repo.gitMu.RLock()
	defer repo.gitMu.RUnlock()

	rel, err := filepath.Rel(s.root, repo.dir)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path = "/" + filepath.ToSlash(rel) + "/" + rest
	r2.URL.RawPath = ""

	var stderr io.Writer = io.Discard
	if s.cfg.verbose {
		stderr = logWriter{s}
	}
	h := &cgi.Handler{
		Path: s.gitCGI,
		Dir:  s.root,
		Env: []string{
			"GIT_PROJECT_ROOT=" + s.root,
			"GIT_HTTP_EXPORT_ALL=1",
			"GIT_CONFIG_NOSYSTEM=1",
			"GIT_CONFIG_GLOBAL=" + os.DevNull,
			"HOME=" + s.work,
		},
		Stderr: stderr,
	}
	h.ServeHTTP(w, r2)
}

// logWriter sends git http-backend's stderr to the test log.
type logWriter struct{ s *Server }

func (l logWriter) Write(b []byte) (int, error) {
	l.s.logf("git http-backend: %s", strings.TrimSpace(string(b)))
	return len(b), nil
}
