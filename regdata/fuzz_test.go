package regdata

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

func FuzzParseModuleFile(f *testing.F) {
	f.Add([]byte(`{"versions":[{"version":"v1.0.0","commit":"` + strings.Repeat("a", 40) + `","discovered":"2026-01-01T00:00:00Z"}]}`))
	f.Add([]byte(`{"repository":"o/r","versions":[{"version":"v1.0","x":true}],"description":"d","verified":true}`))
	f.Add([]byte(`{"versions":null}`))
	f.Add([]byte(`{"versions":[{"version":1}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		mf, err := ParseModuleFile(data)
		if err != nil {
			return
		}
		out, err := mf.Encode()
		if err != nil {
			return
		}
		again, err := ParseModuleFile(out)
		if err != nil {
			t.Fatalf("re-parsing encoded file: %v\n%s", err, out)
		}
		if out2, _ := again.Encode(); !bytes.Equal(out, out2) {
			t.Fatalf("encoding not stable:\n%s\n%s", out, out2)
		}
		checkPublished(t, len(mf.Versions), func() ([]string, []Dropped) {
			pub, dropped := PublishedModuleVersions(ModuleAddr{"n", "m", "aws"}, mf, nil)
			var vs []string
			for _, p := range pub {
				vs = append(vs, p.Version)
				if len(ModuleVersionViolations("v", p.Entry)) > 0 {
					t.Errorf("published %+v breaks the rules", p.Entry)
				}
			}
			return vs, dropped
		})
	})
}

func FuzzParseBlacklist(f *testing.F) {
	f.Add([]byte(`{"providers":[{"namespace":"a","name":"b","version":"1.0.0","reason":"r"}],"modules":[{"namespace":"a","name":"b","target":"aws","version":"v1","reason":"r"}]}`))
	f.Add([]byte(`{"modules":[{"namespace":"a","name":"b","system":"aws","version":"1"},{"provider":"x"}],"extra":[1]}`))
	f.Add([]byte(`{"providers":{}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseBlacklist(data)
		if err != nil {
			return
		}
		out, err := b.Encode()
		if err != nil {
			return
		}
		again, err := ParseBlacklist(out)
		if err != nil {
			t.Fatalf("re-parsing encoded blacklist: %v\n%s", err, out)
		}
		if out2, _ := again.Encode(); !bytes.Equal(out, out2) {
			t.Fatalf("encoding not stable:\n%s\n%s", out, out2)
		}
		for _, p := range b.Providers {
			if n, err := NormalizeVersion(p.Version); err == nil {
				if blocked, _ := b.ProviderBlocked(ProviderAddr{strings.ToUpper(p.Namespace), p.Name}, n); !blocked {
					t.Errorf("entry %+v blocks nothing", p)
				}
			}
		}
	})
}

// checkPublished checks what publishing returns for a file of n versions:
// every version published or dropped exactly once at most (duplicates
// replace each other), published versions distinct and usable in paths.
func checkPublished(t *testing.T, n int, publish func() ([]string, []Dropped)) {
	t.Helper()
	pub, dropped := publish()
	if len(pub)+len(dropped) != n {
		t.Errorf("%d published + %d dropped for %d versions", len(pub), len(dropped), n)
	}
	seen := map[string]bool{}
	for _, v := range pub {
		if seen[v] {
			t.Errorf("version %s published twice", v)
		}
		seen[v] = true
		if !SafeSegment(strings.ReplaceAll(v, "+", "-")) {
			t.Errorf("published version %q is not a safe path segment", v)
		}
	}
	for _, d := range dropped {
		if d.Reason == "" || (d.Field == "" && !strings.HasPrefix(d.Reason, "blacklisted")) {
			t.Errorf("dropped %+v without a field or reason", d)
		}
	}
}

// FuzzRules: a value a rule accepts is one clients can use.
func FuzzRules(f *testing.F) {
	for _, s := range []string{"https://example.test/a.zip", "::not a url::", "http://x", "https://u:p@h/x", "xyz", "h1:abc",
		"h1:" + strings.Repeat("A", 43) + "=", strings.Repeat("a", 64), "1.0.0", "v1.0", "1.0.0-a~b", "o/r", "git::ssh://git@h/x.git", "javascript:alert(1)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if CheckURL(s) == "" {
			u, err := url.Parse(s)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || strings.ContainsAny(s, " \t\r\n") {
				t.Errorf("CheckURL accepts %q", s)
			}
		}
		if CheckSHA256Hex(s) == "" {
			if b, err := hex.DecodeString(s); err != nil || len(b) != 32 {
				t.Errorf("CheckSHA256Hex accepts %q", s)
			}
		}
		if CheckH1(s) == "" && s != "" {
			b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, "h1:"))
			if !strings.HasPrefix(s, "h1:") || err != nil || len(b) != 32 {
				t.Errorf("CheckH1 accepts %q", s)
			}
		}
		if n, msg := CheckVersion(s); msg == "" {
			if m, err := NormalizeVersion(s); err != nil || m != n || !SafeSegment(strings.ReplaceAll(n, "+", "-")) {
				t.Errorf("CheckVersion accepts %q as %q", s, n)
			}
		}
		if CheckRepository(s) == "" && s != "" && !IsRepositoryShorthand(s) {
			u, err := url.Parse(strings.TrimPrefix(s, "git::"))
			if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http" && u.Scheme != "ssh") {
				t.Errorf("CheckRepository accepts %q", s)
			}
		}
		for _, check := range []func(string) string{CheckPlatformName, CheckFileName} {
			if check(s) == "" && (s == "" || strings.ContainsAny(s, "/\\") || strings.HasPrefix(s, ".")) {
				t.Errorf("a path-like name %q is accepted", s)
			}
		}
	})
}

// FuzzProviderKeys lists the keys of a provider in a folder whose keys/
// holds files and folders of fuzzed names: only regular *.asc files of the
// provider's namespace folder and type folder are returned.
func FuzzProviderKeys(f *testing.F) {
	f.Add("acme", "widget", "keys/a/acme/k.asc\nkeys/a/ACME/widget/k2.asc\nkeys/a/acme/other/k3.asc\nkeys/a/acme/.hidden.asc\nkeys/a/acme/notes.txt")
	f.Add("Acme", "w", "keys/a/acme/w/x.asc/y.asc\nkeys/b/acme/k.asc")
	key := armorKeys(f, newTestKey(f, "fuzz"))
	f.Fuzz(func(t *testing.T, ns, typ, names string) {
		if !SafeSegment(ns) || !SafeSegment(typ) {
			return
		}
		root := t.TempDir()
		for _, name := range strings.Split(names, "\n") {
			p := path.Clean(name)
			if !strings.HasPrefix(p, "keys/") || strings.Contains(p, "..") || len(p) > 200 {
				continue
			}
			full := filepath.Join(root, filepath.FromSlash(p))
			if os.MkdirAll(filepath.Dir(full), 0o755) != nil {
				continue
			}
			_ = os.WriteFile(full, []byte(key), 0o644)
		}
		keys, err := Dir{Root: root}.ProviderKeys(ProviderAddr{Namespace: ns, Type: typ})
		if err != nil {
			return
		}
		for _, k := range keys {
			parts := strings.Split(k.Path, "/")
			ok := len(parts) >= 4 && parts[0] == "keys" && parts[1] == shard(ns) && strings.EqualFold(parts[2], ns) &&
				strings.HasSuffix(k.Path, ".asc") && (len(parts) == 4 || len(parts) == 5 && strings.EqualFold(parts[3], typ))
			if !ok {
				t.Errorf("key %s does not apply to %s/%s", k.Path, ns, typ)
			}
		}
	})
}
