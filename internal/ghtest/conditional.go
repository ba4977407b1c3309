package ghtest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// feedState remembers a feed's validators so unchanged content keeps its
// ETag and Last-Modified.
type feedState struct {
	etag     string
	modified time.Time
}

// serveCached writes body with a weak ETag (derived from the body, as
// GitHub's are) and a Last-Modified that moves only when the body changes,
// answering 304 Not Modified to a matching If-None-Match or, without one,
// to an If-Modified-Since not older than Last-Modified.
func (s *Server) serveCached(w http.ResponseWriter, r *http.Request, cacheKey string, body []byte, contentType string) {
	sum := sha256.Sum256(body)
	etag := `W/"` + hex.EncodeToString(sum[:16]) + `"`
	s.mu.Lock()
	st := s.feeds[cacheKey]
	if st == nil || st.etag != etag {
		var prev time.Time
		if st != nil {
			prev = st.modified
		}
		st = &feedState{etag: etag, modified: nextModTime(prev)}
		s.feeds[cacheKey] = st
	}
	modified := st.modified
	s.mu.Unlock()

	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Last-Modified", modified.Format(http.TimeFormat))
	h.Set("Cache-Control", "max-age=0, private, must-revalidate")
	h.Set("Vary", "Accept-Encoding, Accept")
	if (r.Method == http.MethodGet || r.Method == http.MethodHead) && notModified(r, etag, modified) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// notModified evaluates the conditional request headers (RFC 9110 §13.2.2:
// If-None-Match wins over If-Modified-Since; ETags compare weakly).
func notModified(r *http.Request, etag string, modified time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, c := range strings.Split(inm, ",") {
			c = strings.TrimSpace(c)
			if c == "*" || strings.TrimPrefix(c, "W/") == strings.TrimPrefix(etag, "W/") {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !modified.After(t)
	}
	return false
}
