package ghtest

import (
	"crypto/tls"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regen-registry/regen/internal/testtool"
)

// Server is a loopback GitHub: git smart HTTP, Atom feeds, release
// downloads and the REST API, all under URL as github.com lays them out.
// It is safe for concurrent use; builders may be called while clients
// are talking to it.
type Server struct {
	// URL is the server root, e.g. "http://127.0.0.1:41234" (no trailing
	// slash). Configure clients with web base URL = URL and API base
	// URL = APIURL().
	URL string

	t      testing.TB
	cfg    config
	hs     *httptest.Server
	root   string // GIT_PROJECT_ROOT
	work   string // scratch space (zips for hashing, CA file)
	caFile string
	gitCGI string // the real git-http-backend program

	mu          sync.Mutex
	repos       map[string]*Repo // key: lower(owner)/lower(name)
	owners      map[string]*owner
	nextRepoID  int64
	nextOwnerID int64
	feeds       map[string]*feedState // key: request path, lower-cased
	log         []Request
	unknown     []string
	faults      []*fault
	apiUsed     int
	objects     map[int64]*asset
	nextAssetID int64
}

// owner is an organisation (or user) that owns repositories.
type owner struct {
	login string
	id    int64
}

// config holds the options given to New.
type config struct {
	tls            bool
	feedWindow     int
	token          string
	assetRedirects bool
	apiRateLimit   int
	verbose        bool
}

// Option configures a Server.
type Option func(*config)

// WithTLS serves HTTPS with httptest's self-signed certificate (valid for
// 127.0.0.1, ::1 and example.com). Use Client, CAPEM or CAFile to trust it.
func WithTLS() Option { return func(c *config) { c.tls = true } }

// WithFeedWindow sets how many entries releases.atom and tags.atom show
// (GitHub shows 10, the default).
func WithFeedWindow(n int) Option { return func(c *config) { c.feedWindow = n } }

// WithToken makes the REST API require this token, sent as
// "Authorization: Bearer TOKEN" or "Authorization: token TOKEN". Requests
// without it get 401 "Requires authentication", with another token 401
// "Bad credentials". Private repositories are listed only to requests
// carrying the token. Git and feeds stay anonymous.
func WithToken(token string) Option { return func(c *config) { c.token = token } }

// WithAssetRedirects makes release downloads answer 302 to a storage URL
// on the same server (/ghtest-objects/...), as github.com redirects to
// objects.githubusercontent.com. Without it assets are served directly.
func WithAssetRedirects() Option { return func(c *config) { c.assetRedirects = true } }

// WithAPIRateLimit allows n REST API requests; later ones get GitHub's 403
// "API rate limit exceeded" with X-RateLimit-Remaining: 0. The default is
// 5000. ResetCounts does not restore the budget.
func WithAPIRateLimit(n int) Option { return func(c *config) { c.apiRateLimit = n } }

// WithVerbose logs every request through t.Logf (and git http-backend's
// stderr), for debugging a failing test.
func WithVerbose() Option { return func(c *config) { c.verbose = true } }

// New starts a server that is closed when the test ends.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	cfg := config{feedWindow: 10, apiRateLimit: 5000}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.feedWindow <= 0 {
		t.Fatalf("ghtest: feed window must be positive, got %d", cfg.feedWindow)
	}
	// Repositories are served by the real git-http-backend: without it
	// the test is skipped (failed in CI), like every test needing a tool.
	gitCGI := testtool.GitHTTPBackend(t)
	dir := t.TempDir()
	s := &Server{
		t:           t,
		cfg:         cfg,
		gitCGI:      gitCGI,
		root:        filepath.Join(dir, "git"),
		work:        filepath.Join(dir, "work"),
		repos:       map[string]*Repo{},
		owners:      map[string]*owner{},
		feeds:       map[string]*feedState{},
		objects:     map[int64]*asset{},
		nextRepoID:  700000000,
		nextOwnerID: 9000000,
	}
	for _, d := range []string{s.root, s.work} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatalf("ghtest: creating %s: %v", d, err)
		}
	}
	s.hs = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	if cfg.tls {
		s.hs.StartTLS()
	} else {
		s.hs.Start()
	}
	s.URL = s.hs.URL
	t.Cleanup(s.hs.Close)
	if cfg.tls {
		s.caFile = filepath.Join(s.work, "ca.pem")
		if err := os.WriteFile(s.caFile, s.CAPEM(), 0o644); err != nil {
			t.Fatalf("ghtest: writing CA file: %v", err)
		}
	}
	return s
}

// APIURL is the REST API base to configure clients with: URL + "/api/v3",
// the GitHub Enterprise layout.
func (s *Server) APIURL() string { return s.URL + "/api/v3" }

// Client returns an HTTP client that trusts the server's certificate.
func (s *Server) Client() *http.Client { return s.hs.Client() }

// TLS reports whether the server speaks HTTPS.
func (s *Server) TLS() bool { return s.cfg.tls }

// CAPEM returns the PEM-encoded certificate a client must trust to talk
// to a WithTLS server (nil for plain HTTP).
func (s *Server) CAPEM() []byte {
	if !s.cfg.tls {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.hs.Certificate().Raw})
}

// CAFile returns the path of a file holding CAPEM, for SSL_CERT_FILE
// (Terraform) or GIT_SSL_CAINFO (git); "" for plain HTTP.
func (s *Server) CAFile() string { return s.caFile }

// TLSConfig returns a client TLS configuration trusting the server (nil for
// plain HTTP), e.g. for go-git's CABundle alternative.
func (s *Server) TLSConfig() *tls.Config {
	if !s.cfg.tls {
		return nil
	}
	return s.hs.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
}

// GitEnv returns environment entries that make the git CLI talk to this
// server without prompting or reading the user's configuration: append
// them to os.Environ() for exec.Cmd.Env.
func (s *Server) GitEnv() []string {
	env := []string{
		"GIT_TERMINAL_PROMPT=0",
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=" + os.DevNull,
		"GIT_ASKPASS=",
		"SSH_ASKPASS=",
	}
	if s.caFile != "" {
		env = append(env, "GIT_SSL_CAINFO="+s.caFile)
	}
	return env
}

// logf logs through the test when verbose.
func (s *Server) logf(format string, args ...any) {
	if s.cfg.verbose {
		s.t.Logf("ghtest: "+format, args...)
	}
}

// key normalises an owner/name pair the way GitHub matches them: without
// regard to case.
func key(owner, name string) string {
	return strings.ToLower(owner) + "/" + strings.ToLower(name)
}

// nextModTime returns a Last-Modified time after prev, in whole seconds.
func nextModTime(prev time.Time) time.Time {
	now := time.Now().UTC().Truncate(time.Second)
	if !now.After(prev) {
		return prev.Add(time.Second)
	}
	return now
}
