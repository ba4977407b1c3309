package ghtest

import (
	"net/http"
	"strings"
)

// Request is one request the server received, recorded before any response
// byte is written, so a client that has its answer always finds it here.
type Request struct {
	Method   string
	Path     string // decoded path, as sent
	RawQuery string
	Header   http.Header
	// Status is the status code written: 0 while the handler runs,
	// StatusReset when the connection was reset on purpose.
	Status int
}

// StatusReset is Request.Status for a request answered by a connection
// reset (ResetNext).
const StatusReset = -1

// Conditional reports whether the request carried If-None-Match or
// If-Modified-Since.
func (r Request) Conditional() bool {
	return r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != ""
}

// Requests returns how many requests the server received since it started
// or since ResetCounts.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.log)
}

// RequestCount returns how many requests had a path starting with prefix,
// e.g. "/acme/widgets/releases.atom" or "/api/v3/". The prefix is matched
// case-sensitively against the path as the client sent it.
func (s *Server) RequestCount(pathPrefix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.log {
		if strings.HasPrefix(r.Path, pathPrefix) {
			n++
		}
	}
	return n
}

// RequestLog returns a copy of every request recorded, oldest first.
func (s *Server) RequestLog() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.log))
	copy(out, s.log)
	return out
}

// UnknownPaths returns, oldest first, the path (with "?query" when there
// was one) of every request that named nothing the server has: a path no
// GitHub route matches, or a repository, release, tag or asset that does
// not exist. Those get 404 (401 for git paths of missing repositories, as
// github.com answers). Faults injected on purpose are not listed.
func (s *Server) UnknownPaths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.unknown...)
}

// CheckNoUnknownPaths fails the test if any request named something the
// server does not have.
func (s *Server) CheckNoUnknownPaths() {
	s.t.Helper()
	if u := s.UnknownPaths(); len(u) > 0 {
		s.t.Errorf("ghtest: unexpected requests for unknown paths: %q", u)
	}
}

// ResetCounts forgets every recorded request and unknown path. Pending
// faults, ETags and the API rate-limit budget are kept.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
	s.unknown = nil
}

// record appends r to the log and returns its index.
func (s *Server) record(r *http.Request) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, Request{
		Method:   r.Method,
		Path:     r.URL.Path,
		RawQuery: r.URL.RawQuery,
		Header:   r.Header.Clone(),
	})
	return len(s.log) - 1
}

// setStatus fills in the status of logged request i. ResetCounts may have
// emptied the log in between, which is harmless.
func (s *Server) setStatus(i, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i < len(s.log) && s.log[i].Status == 0 {
		s.log[i].Status = status
	}
}

// notFound answers a request for something that does not exist and
// remembers its path.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.noteUnknown(r)
	http.Error(w, "Not Found", http.StatusNotFound)
}

// noteUnknown remembers the path of a request for something missing.
func (s *Server) noteUnknown(r *http.Request) {
	p := r.URL.Path
	if r.URL.RawQuery != "" {
		p += "?" + r.URL.RawQuery
	}
	s.mu.Lock()
	s.unknown = append(s.unknown, p)
	s.mu.Unlock()
}

// statusWriter records the status code in the request log when the
// handler writes its header, before any byte reaches the client.
type statusWriter struct {
	http.ResponseWriter
	s     *Server
	index int
	wrote bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		w.s.setStatus(w.index, code)
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Flush lets streaming handlers (git http-backend) flush.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap exposes the underlying writer to http.ResponseController.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
