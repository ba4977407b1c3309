package ghtest

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"strings"
)

// fault is a pending injected failure for requests under a path prefix.
type fault struct {
	prefix  string
	left    int
	reset   bool
	handler http.HandlerFunc
}

// FailNext makes the next n requests whose path starts with pathPrefix
// fail with status (and a GitHub-like body) instead of being served.
// Faults are consumed in the order they were added; a request consumes at
// most one.
func (s *Server) FailNext(pathPrefix string, n, status int) {
	s.InjectNext(pathPrefix, n, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(status)
			fmt.Fprintf(w, "{\"message\":%q,\"documentation_url\":\"https://docs.github.com/rest\"}\n", http.StatusText(status))
			return
		}
		http.Error(w, http.StatusText(status), status)
	})
}

// InjectNext answers the next n requests whose path starts with pathPrefix
// with h instead of the real handler: a Retry-After header, a slow or
// truncated body, HTML where XML was expected.
func (s *Server) InjectNext(pathPrefix string, n int, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{prefix: pathPrefix, left: n, handler: h})
}

// ResetNext makes the next n requests whose path starts with pathPrefix end
// in a TCP reset (RST) before any response byte. Note that Go's
// http.Transport silently retries an idempotent request once when a
// reused keep-alive connection fails this way, so a client may see one
// reset as a single success after two recorded requests.
func (s *Server) ResetNext(pathPrefix string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{prefix: pathPrefix, left: n, reset: true})
}

// ClearFaults drops every pending FailNext, InjectNext and ResetNext.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault consumes and returns the first pending fault matching path.
func (s *Server) takeFault(path string) *fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.left > 0 && strings.HasPrefix(path, f.prefix) {
			f.left--
			if f.left == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
			return f
		}
	}
	return nil
}

// resetConn hijacks the connection and closes it with SO_LINGER 0 so the
// peer sees "connection reset by peer".
func resetConn(w http.ResponseWriter) error {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return fmt.Errorf("hijacking connection: %w", err)
	}
	raw := conn
	if tc, ok := conn.(*tls.Conn); ok {
		raw = tc.NetConn()
	}
	if tcp, ok := raw.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	return raw.Close()
}

// FeedFault is a way a repository's Atom feeds can be broken.
type FeedFault int

const (
	// FeedOK serves the real feed.
	FeedOK FeedFault = iota
	// FeedMalformed serves 200 with XML cut off mid-entry plus garbage.
	FeedMalformed
	// FeedEmpty serves a well-formed feed with no entries.
	FeedEmpty
	// FeedHTML serves 200 with an HTML page (GitHub's "unicorn" error page)
	// and Content-Type text/html.
	FeedHTML
)

// String names the fault.
func (f FeedFault) String() string {
	switch f {
	case FeedOK:
		return "ok"
	case FeedMalformed:
		return "malformed"
	case FeedEmpty:
		return "empty"
	case FeedHTML:
		return "html"
	}
	return fmt.Sprintf("FeedFault(%d)", int(f))
}
