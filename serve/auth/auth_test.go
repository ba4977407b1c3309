package auth

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
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
// removed one stops working without a restart; a broken file keeps the
// previous tokens.
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
	if status("new") != 200 || m.Tokens().Len() != 1 {
		t.Error("a broken tokens file dropped the loaded tokens")
	}
	if _, err := New(Options{File: filepath.Join(t.TempDir(), "missing")}); err == nil {
		t.Error("missing tokens file accepted")
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
