package auth

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/regen-registry/regen/internal/syncbuf"
)

func TestParseTokens(t *testing.T) {
	tok := "regen_secret"
	file := "# CI tokens\n\n" + HashToken(tok) + "  deploy bot\n" + strings.ToUpper(HashToken("other")) + "\n"
	ts, err := ParseTokens(strings.NewReader(file), "tokens")
	if err != nil {
		t.Fatal(err)
	}
	if name, ok := ts.Lookup(tok); !ok || name != "deploy bot" {
		t.Errorf("Lookup(tok) = %q, %v", name, ok)
	}
	if _, ok := ts.Lookup("other"); !ok {
		t.Error("upper-case hash not accepted")
	}
	if _, ok := ts.Lookup(HashToken(tok)); ok {
		t.Error("the hash itself works as a token")
	}
	if _, ok := ts.Lookup(""); ok {
		t.Error("empty token accepted")
	}
	for name, bad := range map[string]string{
		"plain token": "regen_abc\n",
		"short hash":  HashToken(tok)[:60] + "\n",
		"duplicate":   HashToken(tok) + "\n" + HashToken(tok) + " again\n",
	} {
		_, err := ParseTokens(strings.NewReader(bad), "tokens.txt")
		if err == nil || !strings.Contains(err.Error(), "tokens.txt:") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if a, b := NewToken(), NewToken(); a == b || !strings.HasPrefix(a, TokenPrefix) || len(a) != len(TokenPrefix)+64 {
		t.Errorf("NewToken: %q %q", a, b)
	}
}

func TestAppendToken(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tokens")
	if err := AppendToken(file, "a", "first"); err != nil {
		t.Fatal(err)
	}
	if err := AppendToken(file, "b", ""); err != nil {
		t.Fatal(err)
	}
	if err := AppendToken(file, "c", "two\nlines"); err == nil {
		t.Error("multi-line name accepted")
	}
	ts, err := LoadTokens(file)
	if err != nil || ts.Len() != 2 {
		t.Fatalf("%v %v", ts, err)
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
		t.Errorf("tokens file mode %v", fi.Mode().Perm())
	}
	os.WriteFile(file, []byte("garbage\n"), 0o600)
	if err := AppendToken(file, "d", ""); err == nil {
		t.Error("appended to an unparsable file")
	}
}

func newTestServer(t *testing.T, file string, now func() time.Time) (*httptest.Server, *Middleware) {
	t.Helper()
	m, err := New(Options{File: file, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=60")
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true}`))
	})
	ts := httptest.NewServer(m.Wrap(next))
	t.Cleanup(ts.Close)
	return ts, m
}

func get(t *testing.T, method, url, auth string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestMiddleware(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tokens")
	AppendToken(file, "good", "ci")
	ts, _ := newTestServer(t, file, nil)
	body := func(r *http.Response) string {
		defer r.Body.Close()
		var b strings.Builder
		buf := make([]byte, 512)
		for {
			n, err := r.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				return b.String()
			}
		}
	}
	for _, c := range []struct {
		method, path, auth string
		status             int
		challenge          string
	}{
		{"GET", "/v1/modules/a/b/c/versions", "", 401, `Bearer realm="regen"`},
		{"GET", "/v1/modules/a/b/c/versions", "Bearer bad", 401, `Bearer realm="regen", error="invalid_token"`},
		{"GET", "/v1/modules/a/b/c/versions", "Basic Z29vZA==", 401, `Bearer realm="regen"`},
		{"HEAD", "/v1/modules/a/b/c/versions", "", 401, `Bearer realm="regen"`},
		{"GET", "/v1/modules/a/b/c/versions", "Bearer good", 200, ""},
		{"GET", "/v1/modules/a/b/c/versions", "bearer   good ", 200, ""},
		{"GET", "/.well-known/terraform.json", "", 200, ""},
		{"GET", "/.well-known/terraform.json/x", "", 401, `Bearer realm="regen"`},
		{"OPTIONS", "/v1/modules/a/b/c/versions", "", 200, ""},
	} {
		resp := get(t, c.method, ts.URL+c.path, c.auth)
		b := body(resp)
		if resp.StatusCode != c.status || resp.Header.Get("WWW-Authenticate") != c.challenge {
			t.Errorf("%s %s (%q): %d %q", c.method, c.path, c.auth, resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
		if c.status == 401 {
			want := UnauthorizedBody
			if c.method == "HEAD" {
				want = ""
			}
			if b != want || resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Content-Type") != "application/json" {
				t.Errorf("401 answer: %q %v", b, resp.Header)
			}
		}
		if c.status == 200 && c.auth != "" {
			if cc := resp.Header.Get("Cache-Control"); cc != "private, max-age=60" || resp.Header.Get("Vary") != "Authorization" {
				t.Errorf("authorized answer cache headers: %q, vary %q", cc, resp.Header.Get("Vary"))
			}
		}
	}
}

// The tokens file is re-read when it changes: a new token works and a
// removed one stops working without a restart; a broken file accepts no
// token at all.
func TestMiddlewareReload(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tokens")
	AppendToken(file, "old", "")
	var clock atomic.Int64
	clock.Store(time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC).UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	ts, m := newTestServer(t, file, now)
	status := func(tok string) int {
		r := get(t, "GET", ts.URL+"/v1/x", "Bearer "+tok)
		r.Body.Close()
		return r.StatusCode
	}
	os.WriteFile(file, []byte(HashToken("new")+" rotated\n"), 0o600)
	os.Chtimes(file, now().Add(time.Minute), now().Add(time.Minute))
	if status("old") != 200 {
		t.Error("reloaded before a second passed")
	}
	clock.Add(int64(2 * time.Second))
	if status("new") != 200 || status("old") != 401 {
		t.Error("rotation not picked up")
	}
	os.WriteFile(file, []byte("not a hash\n"), 0o600)
	os.Chtimes(file, now().Add(2*time.Minute), now().Add(2*time.Minute))
	clock.Add(int64(2 * time.Second))
	if status("new") != 503 || m.Tokens() != nil {
		t.Error("a broken tokens file kept the tokens it had")
	}
	if _, err := New(Options{File: filepath.Join(t.TempDir(), "missing")}); err == nil {
		t.Error("missing tokens file accepted")
	}
}

// Regression (issue 10, item 2): deleting the tokens file kept the old
// tokens valid until a restart.
func TestMissingTokensFileDenies(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "tokens")
	AppendToken(file, "good", "ci")
	var clock atomic.Int64
	clock.Store(time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC).UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	var logs syncbuf.Buffer
	m, err := New(Options{File: file, Now: now, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(m.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })))
	t.Cleanup(ts.Close)
	do := func(path, auth string) (int, string) {
		r := get(t, "GET", ts.URL+path, auth)
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(b)
	}
	if code, _ := do("/v1/x", "Bearer good"); code != 200 {
		t.Fatalf("before: %d", code)
	}
	for name, breakIt := range map[string]func(){
		"deleted":    func() { os.Remove(file) },
		"unreadable": func() { os.Remove(file); os.Mkdir(file, 0o700) }, // a folder cannot be read as a file
	} {
		breakIt()
		clock.Add(int64(2 * time.Second))
		if code, body := do("/v1/x", "Bearer good"); code != http.StatusServiceUnavailable || body != UnavailableBody {
			t.Errorf("tokens file %s: %d %q, want 503", name, code, body)
		}
		if code, _ := do("/v1/x", ""); code != http.StatusServiceUnavailable {
			t.Errorf("tokens file %s, no token: %d, want 503", name, code)
		}
		if code, _ := do("/.well-known/terraform.json", ""); code != 200 {
			t.Errorf("tokens file %s: discovery %d, want 200", name, code)
		}
		if !strings.Contains(logs.String(), "tokens file unavailable") {
			t.Errorf("tokens file %s: no log line; log:\n%s", name, logs.String())
		}
		// Back: tokens work again, old ones only if listed.
		os.RemoveAll(file)
		AppendToken(file, "other", "")
		clock.Add(int64(2 * time.Second))
		if code, _ := do("/v1/x", "Bearer other"); code != 200 {
			t.Errorf("after the file came back (%s): %d", name, code)
		}
		if code, _ := do("/v1/x", "Bearer good"); code != 401 {
			t.Errorf("a token not in the new file (%s): %d, want 401", name, code)
		}
		os.Remove(file)
		AppendToken(file, "good", "ci")
		clock.Add(int64(2 * time.Second))
		logs.Reset()
	}
}

// The same content written to a new file (an editor's save, mv) with the
// same size and time is still re-read: identity counts too.
func TestReplacedTokensFileIsReread(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "tokens")
	os.WriteFile(file, []byte(HashToken("aaaa")+"\n"), 0o600)
	var clock atomic.Int64
	clock.Store(time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC).UnixNano())
	m, err := New(Options{File: file, Now: func() time.Time { return time.Unix(0, clock.Load()) }})
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(file)
	other := filepath.Join(dir, "new")
	os.WriteFile(other, []byte(HashToken("bbbb")+"\n"), 0o600) // same size
	os.Chtimes(other, fi.ModTime(), fi.ModTime())
	os.Rename(other, file)
	clock.Add(int64(2 * time.Second))
	r := httptest.NewRequest("GET", "/v1/x", nil)
	r.Header.Set("Authorization", "Bearer bbbb")
	if d := m.Authorize(r); !d.Allowed {
		t.Errorf("replaced file not re-read: %+v", d)
	}
}

func FuzzParseTokens(f *testing.F) {
	f.Add("# c\n" + HashToken("x") + " name\n")
	f.Add("zz\n")
	f.Fuzz(func(t *testing.T, s string) {
		ts, err := ParseTokens(strings.NewReader(s), "f")
		if err != nil {
			return
		}
		if _, ok := ts.Lookup(""); ok {
			t.Fatal("empty token accepted")
		}
	})
}

func TestTokenHashInContext(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tokens")
	AppendToken(file, "good", "")
	m, err := New(Options{File: file})
	if err != nil {
		t.Fatal(err)
	}
	var got string
	var ok bool
	h := m.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got, ok = TokenHash(r.Context()) }))
	r := httptest.NewRequest("GET", "/v1/x", nil)
	r.Header.Set("Authorization", "Bearer good")
	h.ServeHTTP(httptest.NewRecorder(), r)
	if !ok || got != HashToken("good") {
		t.Errorf("TokenHash = %q, %v", got, ok)
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/.well-known/terraform.json", nil))
	if _, ok := TokenHash(context.Background()); ok {
		t.Error("TokenHash without a token")
	}
}
