package auth

import (
	"errors"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// UnauthorizedBody is the body of every 401 answer, in the registry error
// shape.
const UnauthorizedBody = `{"errors":["401 Unauthorized"]}` + "\n"

// DefaultRealm is the realm of the WWW-Authenticate challenge.
const DefaultRealm = "regen"

// reloadEvery bounds how often the tokens file is checked for changes.
const reloadEvery = time.Second

// Options configure a Middleware.
type Options struct {
	// File is the tokens file (see ParseTokens). It is read by New and
	// re-read when its size or modification time changes (checked at most
	// once a second), so tokens can be added and revoked without a
	// restart; a file that no longer parses keeps the previous tokens (and
	// logs an error).
	File string
	// Realm names the registry in the WWW-Authenticate challenge
	// (default DefaultRealm).
	Realm string
	// Public reports whether a request path is served without a token
	// (default PublicPath).
	Public func(urlPath string) bool
	// Logger receives reload errors and, at debug level, refused
	// requests. Nil logs nothing.
	Logger *slog.Logger
	// Now is the clock of reload checks (nil: time.Now).
	Now func() time.Time
}

// PublicPath is the default Options.Public: only service discovery,
// /.well-known/terraform.json, is public. It holds nothing secret (the
// API's base paths), and a client must read it to learn where to send its
// credentials.
func PublicPath(urlPath string) bool { return urlPath == "/.well-known/terraform.json" }

// Middleware requires a bearer token on every request but the public
// ones.
type Middleware struct {
	o      Options
	log    *slog.Logger
	tokens atomic.Pointer[Tokens]

	mu        sync.Mutex // serialises reloads
	checked   atomic.Int64
	size      int64
	modTime   time.Time
	challenge string
}

// New loads the tokens file and returns the middleware.
func New(o Options) (*Middleware, error) {
	if o.File == "" {
		return nil, errors.New("auth: no tokens file given")
	}
	if o.Realm == "" {
		o.Realm = DefaultRealm
	}
	if o.Public == nil {
		o.Public = PublicPath
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	m := &Middleware{o: o, log: o.Logger, challenge: `Bearer realm=` + strconv.Quote(o.Realm)}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	fi, err := os.Stat(o.File)
	if err != nil {
		return nil, errors.New("auth: " + err.Error())
	}
	t, err := LoadTokens(o.File)
	if err != nil {
		return nil, err
	}
	m.tokens.Store(t)
	m.size, m.modTime = fi.Size(), fi.ModTime()
	m.checked.Store(o.Now().UnixNano())
	return m, nil
}

// Tokens returns the tokens currently accepted.
func (m *Middleware) Tokens() *Tokens { return m.tokens.Load() }

// reload re-reads the tokens file when it changed, at most once per
// reloadEvery.
func (m *Middleware) reload() {
	now := m.o.Now().UnixNano()
	last := m.checked.Load()
	if now-last < int64(reloadEvery) || !m.checked.CompareAndSwap(last, now) {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	fi, err := os.Stat(m.o.File)
	if err != nil {
		m.log.Error("checking tokens file; keeping the tokens loaded", "file", m.o.File, "err", err)
		return
	}
	if fi.Size() == m.size && fi.ModTime().Equal(m.modTime) {
		return
	}
	t, err := LoadTokens(m.o.File)
	if err != nil {
		m.log.Error("reloading tokens file; keeping the tokens loaded", "err", err)
		return
	}
	m.tokens.Store(t)
	m.size, m.modTime = fi.Size(), fi.ModTime()
	m.log.Info("tokens reloaded", "file", m.o.File, "tokens", t.Len())
}

// bearer returns the token of an "Authorization: Bearer <token>" header.
func bearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

// Wrap returns next behind the token check. CORS preflights (OPTIONS) and
// public paths pass without a token. Other requests without an accepted
// token get 401 with a WWW-Authenticate: Bearer challenge and
// UnauthorizedBody. Authorized answers are marked private (Cache-Control
// "public" becomes "private", and Vary: Authorization is added) so that
// shared caches do not hand them to others.
func (m *Middleware) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions || m.o.Public(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		m.reload()
		tok, ok := bearer(r.Header.Get("Authorization"))
		if ok {
			if _, ok = m.tokens.Load().Lookup(tok); ok {
				next.ServeHTTP(&privateWriter{ResponseWriter: w}, r)
				return
			}
		}
		challenge := m.challenge
		if tok != "" {
			challenge += `, error="invalid_token"`
		}
		m.log.LogAttrs(r.Context(), slog.LevelDebug, "refused", slog.String("path", r.URL.Path), slog.Bool("token_given", tok != ""))
		hdr := w.Header()
		hdr.Set("WWW-Authenticate", challenge)
		hdr.Set("Content-Type", "application/json")
		hdr.Set("Cache-Control", "no-store")
		hdr.Set("Access-Control-Allow-Origin", "*")
		hdr.Set("Access-Control-Expose-Headers", "WWW-Authenticate")
		hdr.Set("Content-Length", strconv.Itoa(len(UnauthorizedBody)))
		w.WriteHeader(http.StatusUnauthorized)
		if r.Method != http.MethodHead {
			_, _ = w.Write([]byte(UnauthorizedBody))
		}
	})
}

// privateWriter turns a public Cache-Control into a private one.
type privateWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *privateWriter) fix() {
	if w.wrote {
		return
	}
	w.wrote = true
	h := w.Header()
	if cc := h.Get("Cache-Control"); strings.Contains(cc, "public") {
		h.Set("Cache-Control", strings.Replace(cc, "public", "private", 1))
	}
	h.Add("Vary", "Authorization")
}

func (w *privateWriter) WriteHeader(code int) {
	w.fix()
	w.ResponseWriter.WriteHeader(code)
}

func (w *privateWriter) Write(p []byte) (int, error) {
	w.fix()
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *privateWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
