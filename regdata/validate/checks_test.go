package validate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regen-registry/regen/regdata"
)

// want is an expected problem; msg need only be part of the message.
type want struct {
	sev   Severity
	path  string
	field string
	msg   string
}

func (w want) matches(p Problem) bool {
	return p.Severity == w.sev && p.Path == w.path && p.Field == w.field && strings.Contains(p.Message, w.msg)
}

// checkCase is a valid folder (baseFiles) with files changed, added or
// removed, and every problem validation must report: no more, no fewer.
type checkCase struct {
	name   string
	files  map[string]string
	remove []string
	strict bool
	want   []want
}

func (c checkCase) run(t *testing.T) {
	files := baseFiles(t)
	for _, r := range c.remove {
		delete(files, r)
	}
	for k, v := range c.files {
		files[k] = v
	}
	rep := validateDir(t, folder(t, files), Options{Strict: c.strict})
	assertProblems(t, rep, c.want)
}

func assertProblems(t *testing.T, rep Report, wants []want) {
	t.Helper()
	for _, w := range wants {
		found := false
		for _, p := range rep.Problems {
			if w.matches(p) {
				found = true
			}
		}
		if !found {
			t.Errorf("missing %s: %s: %s: …%s…", w.sev, w.path, w.field, w.msg)
		}
	}
	for _, p := range rep.Problems {
		ok := false
		for _, w := range wants {
			if w.matches(p) {
				ok = true
			}
		}
		if !ok {
			t.Errorf("unexpected %s", p)
		}
	}
	if t.Failed() {
		t.Logf("report:%s", dump(rep))
	}
}

func TestValidFolderHasNoProblems(t *testing.T) {
	files := baseFiles(t)
	files[regdata.BlacklistFile] = `{"providers":[{"namespace":"Example","name":"widget","version":"v1.0.0","reason":"broken"}],
		"modules":[{"namespace":"example","name":"net","target":"aws","version":"1.1.0","reason":"broken"}]}`
	files["README.md"] = "not registry data"
	files[".git/config"] = "not registry data"
	files["providers/e/example/empty.json"] = `{"versions": []}`
	files["keys/e/example/ns.asc"] = strings.ReplaceAll(sampleKey(t), "\n", "\r\n")
	rep := validateDir(t, folder(t, files), Options{Strict: true})
	if len(rep.Problems) != 0 {
		t.Fatalf("problems in a valid folder:%s", dump(rep))
	}
	if rep.Providers != 2 || rep.Modules != 1 || rep.Keys != 2 || !rep.Blacklist {
		t.Errorf("counts = %+v", rep)
	}
}

func TestLayoutChecks(t *testing.T) {
	good := provider(t, nil)
	cases := []checkCase{
		{name: "wrong shard folder", files: map[string]string{"providers/x/abc/widget.json": good},
			// Not served (regdata does not list it), so no key check either.
			want: []want{{Error, "providers/x/abc/widget.json", "", "wrong shard folder: want providers/a/abc/widget.json"}}},
		{name: "module wrong shard", files: map[string]string{"modules/a/example/net/gcp.json": module(t, nil)},
			want: []want{{Error, "modules/a/example/net/gcp.json", "", "want modules/e/example/net/gcp.json"}}},
		{name: "not json", files: map[string]string{"providers/e/example/widget.yaml": "x: 1"},
			want: []want{{Error, "providers/e/example/widget.yaml", "", "not a .json file"}}},
		{name: "module not json", files: map[string]string{"modules/e/example/net/README.md": "#"},
			want: []want{{Error, "modules/e/example/net/README.md", "", "not a .json file"}}},
		{name: "stray folder", files: map[string]string{"providers/e/example/old/widget.json": good},
			want: []want{{Error, "providers/e/example/old/", "", "unexpected folder"}}},
		{name: "empty stray folder", files: map[string]string{"modules/e/example/net/sub/": ""},
			want: []want{{Error, "modules/e/example/net/sub/", "", "unexpected folder"}}},
		{name: "file too shallow", files: map[string]string{"providers/e/widget.json": good},
			want: []want{{Error, "providers/e/widget.json", "", "unexpected file"}}},
		{name: "hidden file", files: map[string]string{"providers/e/example/.widget.json.tmp-123": good},
			want: []want{{Error, "providers/e/example/.widget.json.tmp-123", "", "hidden file"}}},
		{name: "hidden folder", files: map[string]string{"modules/e/.cache/net/aws.json": module(t, nil)},
			want: []want{{Error, "modules/e/.cache/", "", "hidden folder"}}},
		{name: "traversal-like name", files: map[string]string{"providers/e/example/wid..get.json": good},
			want: []want{{Error, "providers/e/example/wid..get.json", "", `unsafe name "wid..get"`}}},
		{name: "space in name", files: map[string]string{"modules/e/example/my net/aws.json": module(t, nil)},
			want: []want{{Error, "modules/e/example/my net/aws.json", "", `unsafe name "my net"`}}},
		{name: "provider type breaks address rules", files: map[string]string{"providers/e/example/wid_get.json": good},
			want: []want{{Error, "providers/e/example/wid_get.json", "", `provider type "wid_get"`},
				{Warning, "providers/e/example/wid_get.json", "", "no signing key"}}},
		{name: "module name breaks address rules", files: map[string]string{"modules/e/example/net_/aws.json": module(t, nil)},
			want: []want{{Error, "modules/e/example/net_/aws.json", "", `invalid module name "net_"`}}},
		{name: "module system like aws.vpc", files: map[string]string{"modules/e/example/net/aws.vpc.json": module(t, nil)},
			want: []want{{Warning, "modules/e/example/net/aws.vpc.json", "", `invalid target system "aws.vpc"`}}},
		{name: "module system like aws.vpc, strict", strict: true, files: map[string]string{"modules/e/example/net/aws.vpc.json": module(t, nil)},
			want: []want{{Error, "modules/e/example/net/aws.vpc.json", "", `invalid target system "aws.vpc"`}}},
		{name: "provider case collision", files: map[string]string{"providers/e/Example/Widget.json": good},
			want: []want{
				{Error, "providers/e/Example/Widget.json", "", "collides with providers/e/example/widget.json"},
				{Error, provPath, "", "collides with providers/e/Example/Widget.json"}}},
		{name: "module case collision", files: map[string]string{"modules/e/example/Net/aws.json": module(t, nil)},
			want: []want{
				{Error, "modules/e/example/Net/aws.json", "", "collides with modules/e/example/net/aws.json"},
				{Error, modPath, "", "collides with modules/e/example/Net/aws.json"}}},
		{name: "key not asc", files: map[string]string{"keys/e/example/key.gpg": sampleKey(t)},
			want: []want{{Error, "keys/e/example/key.gpg", "", "not an .asc key file"}}},
		{name: "key wrong shard", files: map[string]string{"keys/x/example/key.asc": sampleKey(t)},
			want: []want{{Error, "keys/x/example/key.asc", "", "want keys/e/example/key.asc"}}},
		{name: "key too deep", files: map[string]string{"keys/e/example/widget/old/key.asc": sampleKey(t)},
			want: []want{{Error, "keys/e/example/widget/old/", "", "unexpected folder"}}},
		{name: "providers is a file", remove: []string{provPath, keyPath}, files: map[string]string{"providers": "x"},
			want: []want{{Error, "providers", "", "not a folder"}}},
	}
	for _, c := range cases {
		t.Run(c.name, c.run)
	}
}

func TestSymlinkIsAnError(t *testing.T) {
	d := folder(t, baseFiles(t))
	outside := filepath.Join(t.TempDir(), "secret.json")
	if err := os.WriteFile(outside, []byte(`{"versions":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(d.Root, "providers/e/example/link.json")); err != nil {
		t.Skipf("symlinks: %v", err)
	}
	assertProblems(t, validateDir(t, d, Options{}), []want{{Error, "providers/e/example/link.json", "", "not a regular file"}})
}

func TestUnreadableFileIsAProblem(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every file")
	}
	d := folder(t, baseFiles(t))
	if err := os.Chmod(filepath.Join(d.Root, provPath), 0); err != nil {
		t.Fatal(err)
	}
	assertProblems(t, validateDir(t, d, Options{}), []want{{Error, provPath, "", "cannot be read: permission denied"}})
}

func TestJSONChecks(t *testing.T) {
	cases := []checkCase{
		{name: "syntax error with line and column", files: map[string]string{provPath: "{\n  \"versions\": [\n    {\"version\": \"1.0.0\",}\n  ]\n}\n"},
			want: []want{{Error, provPath, "", "invalid JSON at line 3, column 25: invalid character '}'"}}},
		{name: "truncated", files: map[string]string{modPath: `{"versions": [{"version": "1.0.0"`},
			want: []want{{Error, modPath, "", "invalid JSON at line 1, column 33: unexpected end of file"}}},
		{name: "trailing data", files: map[string]string{modPath: "{\"versions\": []}\n{}"},
			want: []want{{Error, modPath, "", "invalid JSON at line 2, column 1: unexpected data after the top-level value"}}},
		{name: "trailing close brace", files: map[string]string{modPath: `{"versions": []} }`},
			want: []want{{Error, modPath, "", "invalid JSON at line 1, column 18: unexpected data after the top-level value"}}},
		{name: "empty file", files: map[string]string{modPath: ""},
			want: []want{{Error, modPath, "", "empty file"}}},
		{name: "null", files: map[string]string{provPath: " null\n"},
			want: []want{{Error, provPath, "", "want a JSON object, found null"}}},
		{name: "top-level list", files: map[string]string{provPath: `[]`},
			want: []want{{Error, provPath, "", "want a JSON object, found a list"}}},
		{name: "every wrong type named", files: map[string]string{provPath: strings.NewReplacer(
			`"size": 1234`, `"size": "big"`, `"protocols": [`, `"protocols": [5, `, `"version": "1.0.0"`, `"version": 100`).Replace(provider(t, nil))},
			want: []want{
				{Error, provPath, "versions[0].targets[0].size", `want an integer, found a string`},
				{Error, provPath, "versions[0].targets[1].size", `want an integer, found a string`},
				{Error, provPath, "versions[0].protocols[0]", `want a string, found the number 5`},
				{Error, provPath, "versions[1].protocols[0]", `want a string, found the number 5`},
				{Error, provPath, "versions[1].version", `want a string, found the number 100`}}},
		{name: "fractional size", files: map[string]string{provPath: strings.Replace(provider(t, nil), `"size": 1234`, `"size": 1.5`, 1)},
			want: []want{{Error, provPath, "versions[0].targets[0].size", "want an integer, found the number 1.5"}}},
		{name: "versions not a list", files: map[string]string{modPath: `{"versions": {"version": "1.0.0"}}`},
			want: []want{{Error, modPath, "versions", "want a list, found an object"}}},
		{name: "missing versions", files: map[string]string{modPath: `{"repository": "example/terraform-aws-net"}`},
			want: []want{{Error, modPath, "versions", "missing"}}},
		{name: "unknown members are fine", files: map[string]string{modPath: `{"versions": [{"version": "v1.0.0", "note": 1}], "x": [1]}`}},
	}
	for _, c := range cases {
		t.Run(c.name, c.run)
	}
}

func TestProviderChecks(t *testing.T) {
	edit := func(f func(p *regdata.ProviderFile)) map[string]string {
		return map[string]string{provPath: provider(t, f)}
	}
	v0t1 := "versions[0].targets[1]"
	cases := []checkCase{
		{name: "old entries without h1, size, discovered and with versions_errors are fine",
			files: edit(func(p *regdata.ProviderFile) {
				p.VersionsErrors = []regdata.VersionError{{Version: "0.9.0", Message: "checksums not found in release", UTCTime: "x"}}
				p.Warnings = []string{"something"}
			})},
		{name: "unparsable version", files: edit(func(p *regdata.ProviderFile) { p.Versions[0].Version = "latest" }),
			want: []want{{Error, provPath, "versions[0].version", `"latest" is not a version Terraform can parse`}}},
		{name: "missing version", files: edit(func(p *regdata.ProviderFile) { p.Versions[1].Version = "" }),
			want: []want{{Error, provPath, "versions[1].version", "missing"}}},
		{name: "duplicate version", files: edit(func(p *regdata.ProviderFile) { p.Versions[1].Version = "1.1.0" }),
			want: []want{{Error, provPath, "versions[1].version", "duplicate of versions[0]"}}},
		{name: "duplicate after normalisation", files: edit(func(p *regdata.ProviderFile) { p.Versions[1].Version = "1.1" }),
			want: []want{
				{Warning, provPath, "versions[1].version", `"1.1" and versions[0] ("1.1.0") are both 1.1.0 after normalisation`},
				{Warning, provPath, "versions[1].version", `"1.1" is not a strict semantic version (clients request it as 1.1.0)`}}},
		{name: "two-part version", files: edit(func(p *regdata.ProviderFile) { p.Versions[1].Version = "1.0" }),
			want: []want{{Warning, provPath, "versions[1].version", "not a strict semantic version"}}},
		{name: "two-part version, strict", strict: true, files: edit(func(p *regdata.ProviderFile) { p.Versions[1].Version = "1.0" }),
			want: []want{{Error, provPath, "versions[1].version", "not a strict semantic version"}}},
		{name: "leading v", files: edit(func(p *regdata.ProviderFile) { p.Versions[1].Version = "v1.0.0" }),
			want: []want{{Warning, provPath, "versions[1].version", `without a leading "v"`}}},
		{name: "shasum not hex", files: edit(func(p *regdata.ProviderFile) { p.Versions[0].Targets[1].SHASum = strings.Repeat("g", 64) }),
			want: []want{{Error, provPath, v0t1 + ".shasum", "not 64 hex digits"}}},
		{name: "shasum short", files: edit(func(p *regdata.ProviderFile) { p.Versions[0].Targets[1].SHASum = hexA[:63] }),
			want: []want{{Error, provPath, v0t1 + ".shasum", "not 64 hex digits"}}},
		{name: "shasum missing", files: edit(func(p *regdata.ProviderFile) { p.Versions[1].Targets[0].SHASum = "" }),
			want: []want{{Error, provPath, "versions[1].targets[0].shasum", "missing"}}},
		{name: "h1 not base64", files: edit(func(p *regdata.ProviderFile) { p.Versions[0].Targets[0].H1 = "h1:not base64!" }),
			want: []want{{Error, provPath, "versions[0].targets[0].h1", `not "h1:" followed by the base64 of 32 bytes`}}},
		{name: "h1 of 31 bytes", files: edit(func(p *regdata.ProviderFile) {
			p.Versions[0].Targets[0].H1 = "h1:" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" // 30 bytes
		}),
			want: []want{{Error, provPath, "versions[0].targets[0].h1", "base64 of 32 bytes"}}},
		{name: "h1 without prefix", files: edit(func(p *regdata.ProviderFile) { p.Versions[0].Targets[0].H1 = h1A[3:] }),
			want: []want{{Error, provPath, "versions[0].targets[0].h1", "base64 of 32 bytes"}}},
		{name: "http URL", files: edit(func(p *regdata.ProviderFile) {
			p.Versions[0].SHASumsURL = strings.Replace(p.Versions[0].SHASumsURL, "https:", "http:", 1)
		}),
			want: []want{{Warning, provPath, "versions[0].shasums_url", "not an https URL"}}},
		{name: "http URL, strict", strict: true, files: edit(func(p *regdata.ProviderFile) {
			p.Versions[0].Targets[0].DownloadURL = strings.Replace(p.Versions[0].Targets[0].DownloadURL, "https:", "http:", 1)
		}),
			want: []want{{Error, provPath, "versions[0].targets[0].download_url", "not an https URL"}}},
		{name: "ftp URL", files: edit(func(p *regdata.ProviderFile) {
			p.Versions[0].Targets[0].DownloadURL = "ftp://example.test/x.zip"
		}),
			want: []want{{Error, provPath, "versions[0].targets[0].download_url", "not an https URL"}}},
		{name: "relative URL", files: edit(func(p *regdata.ProviderFile) { p.Versions[1].SHASumsSignatureURL = "/sums.sig" }),
			want: []want{{Error, provPath, "versions[1].shasums_signature_url", "not an https URL"}}},
		{name: "malformed URL", files: edit(func(p *regdata.ProviderFile) { p.Versions[0].Targets[1].DownloadURL = "https://exa mple.com/x.zip" }),
			want: []want{{Error, provPath, v0t1 + ".download_url", "malformed URL"}}},
		{name: "URL without host", files: edit(func(p *regdata.ProviderFile) { p.Versions[0].Targets[1].DownloadURL = "https:///x.zip" }),
			want: []want{{Error, provPath, v0t1 + ".download_url", "no host"}}},
		{name: "URL with bad port", files: edit(func(p *regdata.ProviderFile) { p.Versions[0].Targets[1].DownloadURL = "https://host:port/x.zip" }),
			want: []want{{Error, provPath, v0t1 + ".download_url", "malformed URL"}}},
		{name: "URL missing", files: edit(func(p *regdata.ProviderFile) { p.Versions[0].Targets[1].DownloadURL = "" }),
			want: []want{{Error, provPath, v0t1 + ".download_url", "missing"}}},
		{name: "no targets", files: edit(func(p *regdata.ProviderFile) { p.Versions[1].Targets = nil }),
			want: []want{{Error, provPath, "versions[1].targets", "no targets"}}},
		{name: "empty os", files: edit(func(p *regdata.ProviderFile) { p.Versions[0].Targets[0].OS = "" }),
			want: []want{{Error, provPath, "versions[0].targets[0].os", "missing"}}},
		{name: "empty arch", files: edit(func(p *regdata.ProviderFile) { p.Versions[0].Targets[0].Arch = "" }),
			want: []want{{Error, provPath, "versions[0].targets[0].arch", "missing"}}},
		{name: "os with a slash", files: edit(func(p *regdata.ProviderFile) { p.Versions[0].Targets[0].OS = "../linux" }),
			want: []want{{Error, provPath, "versions[0].targets[0].os", "not a platform name"}}},
		{name: "empty filename", files: edit(func(p *regdata.ProviderFile) { p.Versions[0].Targets[0].Filename = "" }),
			want: []want{{Error, provPath, "versions[0].targets[0].filename", "missing"}}},
		{name: "filename with a path", files: edit(func(p *regdata.ProviderFile) { p.Versions[0].Targets[0].Filename = "../x.zip" }),
			want: []want{{Error, provPath, "versions[0].targets[0].filename", "not a plain file name"}}},
		{name: "duplicate platform", files: edit(func(p *regdata.ProviderFile) {
			p.Versions[0].Targets[1].OS, p.Versions[0].Targets[1].Arch = "darwin", "arm64"
		}),
			want: []want{{Error, provPath, v0t1, `duplicate platform "darwin"/"arm64" (also versions[0].targets[0])`}}},
		{name: "protocol not like 5.0", files: edit(func(p *regdata.ProviderFile) { p.Versions[0].Protocols = []string{"6.0", "5"} }),
			want: []want{{Error, provPath, "versions[0].protocols[1]", `"5" is not a protocol version like "5.0"`}}},
		{name: "protocol 4.0", files: edit(func(p *regdata.ProviderFile) { p.Versions[0].Protocols = []string{"4.0"} }),
			want: []want{{Warning, provPath, "versions[0].protocols[0]", "only install protocol 5 and 6"}}},
		{name: "bad discovered", files: edit(func(p *regdata.ProviderFile) { p.Versions[0].Discovered = "yesterday" }),
			want: []want{{Error, provPath, "versions[0].discovered", "not an RFC 3339 time"}}},
		{name: "negative size", files: edit(func(p *regdata.ProviderFile) { p.Versions[0].Targets[0].Size = -1 }),
			want: []want{{Error, provPath, "versions[0].targets[0].size", "negative size"}}},
		{name: "no key applies", remove: []string{keyPath},
			want: []want{{Warning, provPath, "", "no signing key applies (none in keys/e/example/ or keys/e/example/widget/)"}}},
		{name: "no key applies, strict", strict: true, remove: []string{keyPath},
			want: []want{{Error, provPath, "", "no signing key applies"}}},
		{name: "only an unparsable key", files: map[string]string{keyPath: "not a key"},
			want: []want{
				{Error, keyPath, "", "not an armored OpenPGP public key"},
				{Warning, provPath, "", "no signing key applies"}}},
		{name: "namespace key in another case applies", remove: []string{keyPath},
			files: map[string]string{"keys/e/EXAMPLE/k.asc": sampleKey(t)}},
		{name: "no versions needs no key", remove: []string{keyPath}, files: map[string]string{provPath: `{"versions": []}`}},
	}
	for _, c := range cases {
		t.Run(c.name, c.run)
	}
}

func TestModuleChecks(t *testing.T) {
	edit := func(f func(m *regdata.ModuleFile)) map[string]string {
		return map[string]string{modPath: module(t, f)}
	}
	repo := func(r string) map[string]string { return edit(func(m *regdata.ModuleFile) { m.Repository = r }) }
	cases := []checkCase{
		{name: "repository shorthand", files: repo("other/terraform-aws-net")},
		{name: "repository https", files: repo("https://git.example.test/team/net.git")},
		{name: "repository git:: ssh", files: repo("git::ssh://git@git.example.test/team/net.git")},
		{name: "repository not a URL", files: repo("::not a url::"),
			want: []want{{Error, modPath, "repository", "contains white space or control characters"}}},
		{name: "repository garbage", files: repo("not/a/repo"),
			want: []want{{Error, modPath, "repository", "neither OWNER/NAME nor an https URL"}}},
		{name: "repository other scheme", files: repo("file:///etc"),
			want: []want{{Error, modPath, "repository", "want https"}}},
		{name: "repository credentials", files: repo("https://user:pw@git.example.test/x.git"),
			want: []want{{Error, modPath, "repository", "holds credentials"}}},
		{name: "repository plain http", files: repo("http://git.example.test/x.git"),
			want: []want{{Warning, modPath, "repository", "not https"}}},
		{name: "version unusable in a path", files: edit(func(m *regdata.ModuleFile) { m.Versions[1].Version = "1.0.0-a~b" }),
			want: []want{{Error, modPath, "versions[1].version", "cannot be used in an API path"}}},
		{name: "commit not 40 hex", files: edit(func(m *regdata.ModuleFile) { m.Versions[0].Commit = "abc123" }),
			want: []want{{Error, modPath, "versions[0].commit", `not 40 hex digits: "abc123"`}}},
		{name: "unparsable version", files: edit(func(m *regdata.ModuleFile) { m.Versions[1].Version = "release-1" }),
			want: []want{{Error, modPath, "versions[1].version", "not a version Terraform can parse"}}},
		{name: "duplicate version", files: edit(func(m *regdata.ModuleFile) { m.Versions[1].Version = "v1.1.0" }),
			want: []want{{Error, modPath, "versions[1].version", "duplicate of versions[0]"}}},
		{name: "two-part tag", files: edit(func(m *regdata.ModuleFile) { m.Versions[1].Version = "v1.0" }),
			want: []want{{Warning, modPath, "versions[1].version", `"v1.0" is not a strict semantic version (clients request it as 1.0.0)`}}},
		{name: "2.0 and 2.0.0", files: edit(func(m *regdata.ModuleFile) {
			m.Versions = append(m.Versions, regdata.ModuleVersion{Version: "2.0.0"}, regdata.ModuleVersion{Version: "2.0"})
		}),
			want: []want{
				{Warning, modPath, "versions[3].version", "not a strict semantic version"},
				{Warning, modPath, "versions[3].version", `"2.0" and versions[2] ("2.0.0") are both 2.0.0 after normalisation`}}},
		{name: "2.0 and 2.0.0, strict", strict: true, files: edit(func(m *regdata.ModuleFile) {
			m.Versions = append(m.Versions, regdata.ModuleVersion{Version: "2.0.0"}, regdata.ModuleVersion{Version: "2.0"})
		}),
			want: []want{
				{Error, modPath, "versions[3].version", "not a strict semantic version"},
				{Error, modPath, "versions[3].version", "after normalisation"}}},
		{name: "tag with and without v is fine", files: edit(func(m *regdata.ModuleFile) { m.Versions[0].Version = "1.1.0" })},
		{name: "bad discovered", files: edit(func(m *regdata.ModuleFile) { m.Versions[0].Discovered = "2026-13-01T00:00:00Z" }),
			want: []want{{Error, modPath, "versions[0].discovered", "not an RFC 3339 time"}}},
	}
	for _, c := range cases {
		t.Run(c.name, c.run)
	}
}

func TestBlacklistChecks(t *testing.T) {
	bl := regdata.BlacklistFile
	entry := func(ns, name, version, reason string) string {
		return `{"providers":[{"namespace":"` + ns + `","name":"` + name + `","version":"` + version + `","reason":"` + reason + `"}]}`
	}
	cases := []checkCase{
		{name: "bad JSON", files: map[string]string{bl: "{\n\"providers\": [\n{\"namespace\" \"x\"}]}"},
			want: []want{{Error, bl, "", "invalid JSON at line 3, column 14"}}},
		{name: "wrong type", files: map[string]string{bl: `{"providers": [{"version": 1}]}`},
			want: []want{
				{Error, bl, "providers[0].version", "want a string, found the number 1"},
				{Error, bl, "providers[0].namespace", "missing"},
				{Error, bl, "providers[0].name", "missing"}}},
		{name: "provider not in the folder", files: map[string]string{bl: entry("hashicorp", "aws", "6.1.0", "bug")},
			want: []want{{Warning, bl, "providers[0]", "points nowhere: there is no providers/h/hashicorp/aws.json"}}},
		{name: "provider not in the folder, strict", strict: true, files: map[string]string{bl: entry("hashicorp", "aws", "6.1.0", "bug")},
			want: []want{{Error, bl, "providers[0]", "points nowhere"}}},
		{name: "version not listed", files: map[string]string{bl: entry("example", "widget", "9.9.9", "bug")},
			want: []want{{Error, bl, "providers[0].version", "points nowhere: providers/e/example/widget.json does not list version 9.9.9"}}},
		{name: "module version not listed", files: map[string]string{bl: `{"modules":[{"namespace":"example","name":"net","system":"aws","version":"v3.0.0","reason":"x"}]}`},
			want: []want{{Error, bl, "modules[0].version", "modules/e/example/net/aws.json does not list version 3.0.0"}}},
		{name: "unparsable version", files: map[string]string{bl: entry("example", "widget", "newest", "bug")},
			want: []want{{Error, bl, "providers[0].version", `"newest" is not a version`}}},
		{name: "missing fields", files: map[string]string{bl: `{"providers":[{"name":"widget","version":"1.0.0","reason":"x"}],"modules":[{"namespace":"example","name":"net","version":"1.0.0","reason":"x"}]}`},
			want: []want{{Error, bl, "providers[0].namespace", "missing"}, {Error, bl, "modules[0].target", "missing"}}},
		{name: "bad address", files: map[string]string{bl: entry("example", "wid_get", "1.0.0", "x")},
			want: []want{{Error, bl, "providers[0]", `provider type "wid_get"`}}},
		{name: "no reason", files: map[string]string{bl: entry("example", "widget", "1.0.0", "")},
			want: []want{{Warning, bl, "providers[0].reason", "no reason given"}}},
		{name: "duplicate entry", files: map[string]string{bl: `{"providers":[
			{"namespace":"example","name":"widget","version":"1.0.0","reason":"x"},
			{"namespace":"Example","name":"widget","version":"v1.0.0","reason":"x"}]}`},
			want: []want{{Warning, bl, "providers[1]", "duplicate of providers[0]"}}},
	}
	for _, c := range cases {
		t.Run(c.name, c.run)
	}
}
