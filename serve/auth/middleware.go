package auth

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/regen-registry/regen/serve"
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
	// re-read when its size, modification time or identity changes
	// (checked at most once a second), so tokens can be added and revoked
	// without a restart. While the file is missing, unreadable or does not
	// parse, no token is accepted: requests that need one are refused
	// with 503 (and an error is logged) until a readable file is back —
	// the tokens of a deleted or broken file are never remembered.
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
	// Packages, when set, signs the module package locations of download
	// answers to authorized requests and lets requests for packages with a
	// valid signature through without a token (archive mode; see
	// PackageURLs for why).
	Packages *PackageURLs
}

// PublicPath is the default Options.Public: only service discovery,
// /.well-known/terraform.json, is public. It holds nothing secret (the
// API's base paths), and a client must read it to learn where to send its
// credentials.
func PublicPath(urlPath string) bool { return urlPath == "/.well-known/terraform.json" }

// UnavailableBody is the body of the 503 answer given while the tokens
// file cannot be read.
const UnavailableBody = `{"errors":["503 Service Unavailable: the registry's tokens cannot be read"]}` + "\n"

// Middleware requires a bearer token on every request but the public
// ones.
type Middleware struct {
	o   Options
	log *slog.Logger
	// tokens are the accepted tokens; nil while the file cannot be read.
	tokens atomic.Pointer[Tokens]

	mu        sync.Mutex // serialises reloads
	checked   atomic.Int64
	loaded    os.FileInfo // the file the tokens came from; nil after a failure
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
	m.loaded = fi
	m.checked.Store(o.Now().UnixNano())
	return m, nil
}

// Tokens returns the tokens currently accepted; nil while the tokens file
// cannot be read (no token is accepted then).
func (m *Middleware) Tokens() *Tokens { return m.tokens.Load() }

// reload re-reads the tokens file when it changed, at most once per
// reloadEvery. A file that is gone, unreadable or broken drops every
// token.
func (m *Middleware) reload() {
	now := m.o.Now().UnixNano()
	last := m.checked.Load()
	if now-last < int64(reloadEvery) || !m.checked.CompareAndSwap(last, now) {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	fi, err := os.Stat(m.o.File)
	if err == nil && m.loaded != nil && sameFile(fi, m.loaded) {
		return
	}
	var t *Tokens
	if err == nil {
		t, err = LoadTokens(m.o.File)
	}
	if err != nil {
		if m.loaded != nil {
			m.log.Error("tokens file unavailable: refusing every request that needs a token until it is back", "file", m.o.File, "err", err)
		}
		m.tokens.Store(nil)
		m.loaded = nil
		return
	}
	m.tokens.Store(t)
	m.loaded = fi
	m.log.Info("tokens loaded", "file", m.o.File, "tokens", t.Len())
}

// sameFile reports whether a and b describe the same, unchanged file.
func sameFile(a, b os.FileInfo) bool {
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// Decision is what Authorize decided about a request.
type Decision struct {
	// Allowed: the request may be answered.
	Allowed bool
	// Token: a valid token was presented (the answer must then be marked
	// private); TokenName is its name in the tokens file.
	Token     bool
	TokenName string
	// Status is the refusal's status when not Allowed: 401 (no or unknown
	// token) or 503 (the tokens file cannot be read).
	Status int
	// Presented: an Authorization: Bearer token was given.
	Presented bool
}

// Authorize decides whether r may be answered: the one place that does.
// CORS preflights and public paths pass without a token; other requests
// need a bearer token the tokens file lists.
func (m *Middleware) Authorize(r *http.Request) Decision {
	if r.Method == http.MethodOptions || m.o.Public(r.URL.Path) {
		return Decision{Allowed: true}
	}
	m.reload()
	tok, presented := bearer(r.Header.Get("Authorization"))
	tokens := m.tokens.Load()
	if tokens == nil {
		return Decision{Status: http.StatusServiceUnavailable, Presented: presented}
	}
	if presented {
		if name, ok := tokens.Lookup(tok); ok {
			return Decision{Allowed: true, Token: true, TokenName: name, Presented: true}
		}
	}
	return Decision{Status: http.StatusUnauthorized, Presented: presented}
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

// Wrap returns next behind the token check (Authorize). Requests without
// an accepted token get 401 with a WWW-Authenticate: Bearer challenge and
// UnauthorizedBody; while the tokens file cannot be read, 503 with
// UnavailableBody. Authorized answers are marked private (Cache-Control
// "public" becomes "private", and Vary: Authorization is added) so that
// shared caches do not hand them to others.
func (m *Middleware) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := m.Authorize(r)
		switch {
		case d.Allowed && d.Token:
			tok, _ := bearer(r.Header.Get("Authorization"))
			r = r.WithContext(context.WithValue(r.Context(), tokenKey{}, HashToken(tok)))
			if m.o.Packages != nil {
				r = r.WithContext(serve.WithLocationSigner(r.Context(), m.o.Packages.Sign))
			}
			next.ServeHTTP(&privateWriter{ResponseWriter: w}, r)
			return
		case d.Allowed:
			next.ServeHTTP(w, r)
			return
		}
		if m.o.Packages != nil && d.Status == http.StatusUnauthorized && m.o.Packages.Valid(r) {
			// A module package with a valid signed URL (see PackageURLs).
			next.ServeHTTP(&privateWriter{ResponseWriter: w}, r)
			return
		}
		hdr := w.Header()
		body := UnauthorizedBody
		if d.Status == http.StatusServiceUnavailable {
			m.log.LogAttrs(r.Context(), slog.LevelDebug, "refused: tokens file unavailable", slog.String("path", r.URL.Path), slog.String("file", m.o.File))
			body = UnavailableBody
			hdr.Set("Retry-After", "10")
		} else {
			challenge := m.challenge
			if d.Presented {
				challenge += `, error="invalid_token"`
			}
			m.log.LogAttrs(r.Context(), slog.LevelDebug, "refused", slog.String("path", r.URL.Path), slog.Bool("token_given", d.Presented))
			hdr.Set("WWW-Authenticate", challenge)
			hdr.Set("Access-Control-Expose-Headers", "WWW-Authenticate")
		}
		hdr.Set("Content-Type", "application/json")
		hdr.Set("Cache-Control", "no-store")
		hdr.Set("Access-Control-Allow-Origin", "*")
		hdr.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(d.Status)
		if r.Method != http.MethodHead {
			_, _ = w.Write([]byte(body))
		}
	})
}

type tokenKey struct{}

// TokenHash returns the hex SHA-256 of the token a request passed Wrap
// with (its line in the tokens file), and whether there was one: who the
// client is, for counting downloads.
func TokenHash(ctx context.Context) (string, bool) {
	h, ok := ctx.Value(tokenKey{}).(string)
	return h, ok
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
