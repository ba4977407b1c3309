package config

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestBadConfigs is the table of bad configuration files and the exact
// message each must produce.
func TestBadConfigs(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"unknown key", "host: r.example.com\ndata_dir: x\n",
			`regen.yaml:2: data_dir: unknown key (did you mean data?)`},
		{"unknown far key", "colour: blue\n",
			`regen.yaml:1: colour: unknown key (known keys: host, base_url, data, out, jobs, mirror_prefix, access, licenses, module_archives, github, upload, cloudflare)`},
		{"unknown nested key", "github:\n  uri: https://github.com\n",
			`regen.yaml:2: github.uri: unknown key (did you mean github.url?)`},
		{"unknown nested far key", "upload:\n  bucket: b\n",
			`regen.yaml:2: upload.bucket: unknown key (known keys: target, endpoint, region, state)`},
		{"nested key at the top", "target: s3://b\n",
			`regen.yaml:1: target: unknown key (did you mean upload.target?)`},
		{"github token in file", "github:\n  token: ghp_abc\n",
			`regen.yaml:2: github.token: secrets are not read from the config file: put the secret in an environment variable and name it in github.token_env`},
		{"cloudflare token in file", "cloudflare:\n  api_token: abc\n",
			`regen.yaml:2: cloudflare.api_token: secrets are not read from the config file: put the secret in an environment variable and name it in cloudflare.token_env`},
		{"aws secret in file", "upload:\n  secret_access_key: abc\n",
			`regen.yaml:2: upload.secret_access_key: secrets are not read from the config file: the object store's credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment`},
		{"token value instead of name", "github:\n  token_env: ghp_0123-abc\n",
			`regen.yaml:2: github.token_env: "ghp_0123-abc" is not an environment variable name (name the variable, not its value)`},
		{"host is a URL", "host: https://r.example.com\n",
			`regen.yaml:1: host: "https://r.example.com" is a URL; give the host name here (registry.example.com) and the URL in base_url`},
		{"host without dot", "host: localhost:8443\n",
			`regen.yaml:1: host: "localhost:8443" has no dot: Terraform rejects module sources on such hosts (use a name such as registry.example.com)`},
		{"host bad chars", "host: reg_istry.example.com\n",
			`regen.yaml:1: host: "reg_istry.example.com" is not a host name such as registry.example.com (optionally with :port)`},
		{"base url with path", "base_url: https://example.com/registry\n",
			`regen.yaml:1: base_url: "https://example.com/registry" has a path (/registry): a registry is served at the root of its host, where clients look for /.well-known/terraform.json`},
		{"base url not a URL", "base_url: registry.example.com\n",
			`regen.yaml:1: base_url: "registry.example.com" is not an absolute http(s) URL such as https://registry.example.com`},
		{"host and base url differ", "host: a.example.com\nbase_url: https://b.example.com\n",
			`regen.yaml:2: base_url: host "b.example.com" differs from host "a.example.com" (line 1)`},
		{"jobs not a number", "jobs: eight\n",
			`regen.yaml:1: jobs: want a whole number, found "eight"`},
		{"jobs zero", "jobs: 0\n",
			`regen.yaml:1: jobs: want a number from 1 to 1024, found 0`},
		{"jobs list", "jobs: [1]\n",
			`regen.yaml:1: jobs: want a whole number, found a list`},
		{"empty value", "data:\n",
			`regen.yaml:1: data: no value (remove the key to use the default)`},
		{"string given a list", "out: [a, b]\n",
			`regen.yaml:1: out: want a single value, found a list`},
		{"out is data", "data: reg\nout: ./reg/\n",
			`regen.yaml:2: out: "./reg/" is the data folder; the build needs a folder of its own`},
		{"licenses not a list", "licenses: MIT\n",
			`regen.yaml:1: licenses: want a list such as [MIT, Apache-2.0], found "MIT"`},
		{"licenses bad entry", "licenses:\n  - MIT\n  - MIT License\n",
			`regen.yaml:3: licenses: entry 2: "MIT License" is not an SPDX identifier such as MIT or Apache-2.0`},
		{"licenses star not alone", "licenses: ['*', MIT]\n",
			`regen.yaml:1: licenses: "*" (allow everything) must be the only entry`},
		{"mirror prefix absolute", "mirror_prefix: /mirror\n",
			`regen.yaml:1: mirror_prefix: "/mirror" is not a relative folder such as "mirror/"`},
		{"mirror prefix traversal", "mirror_prefix: a/../b\n",
			`regen.yaml:1: mirror_prefix: "a/../b" is not a relative folder such as "mirror/" (segment "..")`},
		{"github url", "github:\n  url: github.com\n",
			`regen.yaml:2: github.url: "github.com" is not an absolute URL such as https://github.com`},
		{"github url scheme", "github:\n  url: ssh://git@github.com\n",
			`regen.yaml:2: github.url: "ssh://git@github.com": scheme "ssh" is not http, https or file`},
		{"target scheme", "upload:\n  target: r2://bucket\n",
			`regen.yaml:2: upload.target: "r2://bucket": want s3://BUCKET[/PREFIX] or file:///PATH`},
		{"target no bucket", "upload:\n  target: s3:///prefix\n",
			`regen.yaml:2: upload.target: "s3:///prefix" has no bucket; use s3://BUCKET[/PREFIX]`},
		{"endpoint with file target", "upload:\n  target: file:///srv/www\n  endpoint: https://s3.example.com\n",
			`regen.yaml:3: upload.endpoint: applies to s3:// targets only (upload.target is file:///srv/www)`},
		{"region", "upload:\n  region: US East\n",
			`regen.yaml:2: upload.region: "US East" is not a region such as us-east-1 or auto`},
		{"zone is a name", "host: r.example.com\ncloudflare:\n  zone: example.com\n",
			`regen.yaml:3: cloudflare.zone: "example.com" is not a zone ID (32 hex digits, shown on the zone's overview page); the zone's name does not work here`},
		{"zone without host", "cloudflare:\n  zone: 0123456789abcdef0123456789abcdef\n",
			`regen.yaml:2: cloudflare.zone: purging needs the registry's public URL: set host or base_url`},
		{"section is a scalar", "github: https://github.com\n",
			`regen.yaml:1: github: want a section of keys (url, api_url, token_env), found "https://github.com"`},
		{"duplicate key", "data: a\ndata: b\n",
			`regen.yaml:2: data: set twice (first on line 1)`},
		{"dotted and nested duplicate", "upload:\n  region: auto\nupload.region: auto\n",
			`regen.yaml:3: upload.region: set twice (first on line 2)`},
		{"top level list", "- host\n",
			`regen.yaml:1: want a mapping of keys (key: value), found a list`},
		{"bad yaml", "host: a.example.com\n  data: x\n",
			`regen.yaml:2: not valid YAML: mapping values are not allowed in this context`},
		{"tab indentation", "github:\n\turl: x\n",
			`regen.yaml:2: not valid YAML: found character that cannot start any token`},
		{"two problems at once", "jobs: -1\nout: [x]\n",
			"regen.yaml:1: jobs: want a number from 1 to 1024, found -1\nregen.yaml:2: out: want a single value, found a list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("regen.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatalf("no error; parsed %+v", c)
			}
			if err.Error() != tc.want {
				t.Errorf("error\n got: %s\nwant: %s", err, tc.want)
			}
			var ce *Error
			if !errors.As(err, &ce) || ce.File != "regen.yaml" {
				t.Errorf("error is not a *config.Error naming the file: %#v", err)
			}
		})
	}
}

func TestParseGood(t *testing.T) {
	src := `# a full configuration
host: Registry.Example.com
data: data
out: build
jobs: 16
mirror_prefix: m
licenses: [MIT, Apache-2.0]
github:
  url: http://127.0.0.1:9/
  api_url: http://127.0.0.1:9/api/v3
  token_env: GH_TOKEN
upload:
  target: s3://bucket/prefix
  endpoint: https://acct.r2.cloudflarestorage.com
  region: auto
cloudflare.zone: 0123456789ABCDEF0123456789abcdef
cloudflare:
  token_env: CF_TOKEN
`
	c, err := Parse("regen.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		Path: "regen.yaml", Host: "registry.example.com", BaseURL: "https://registry.example.com",
		Data: "data", Out: "build", Jobs: 16, MirrorPrefix: "m/", Access: "public", Licenses: []string{"MIT", "Apache-2.0"},
		GitHub:     GitHub{URL: "http://127.0.0.1:9", APIURL: "http://127.0.0.1:9/api/v3", TokenEnv: "GH_TOKEN"},
		Upload:     Upload{Target: "s3://bucket/prefix", Endpoint: "https://acct.r2.cloudflarestorage.com", Region: "auto"},
		Cloudflare: Cloudflare{Zone: "0123456789abcdef0123456789abcdef", TokenEnv: "CF_TOKEN"},
	}
	if d := cmp.Diff(want, c, cmp.AllowUnexported(Config{}), cmpIgnoreSet); d != "" {
		t.Errorf("config (-want +got):\n%s", d)
	}
	if !c.IsSet("base_url") || !c.IsSet("jobs") || c.IsSet("nothing") {
		t.Errorf("IsSet: base_url derived from host and jobs given must be set")
	}
}

var cmpIgnoreSet = cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".set" }, cmp.Ignore())

func TestEmptyAndCommentOnly(t *testing.T) {
	for _, src := range []string{"", "# nothing yet\n", "github:\nupload:\n  # target: s3://x\n"} {
		c, err := Parse("regen.yaml", []byte(src))
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if c.Data != DefaultData || c.GitHub.TokenEnv != DefaultGitHubToken || c.IsSet("data") {
			t.Errorf("%q: want defaults, got %+v", src, c)
		}
	}
}

func TestBaseURLDerivesHost(t *testing.T) {
	c, err := Parse("regen.yaml", []byte("base_url: http://127.0.0.1:8443/\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Host != "127.0.0.1:8443" || c.BaseURL != "http://127.0.0.1:8443" || !c.IsSet("host") {
		t.Errorf("host %q base %q set %v", c.Host, c.BaseURL, c.IsSet("host"))
	}
}

func TestLoadResolvesPaths(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, DefaultFile)
	if err := os.WriteFile(name, []byte("data: reg\nout: /abs/out\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	found, err := Find("", dir)
	if err != nil || found != name {
		t.Fatalf("Find = %q, %v; want %q", found, err, name)
	}
	c, err := Load(found)
	if err != nil {
		t.Fatal(err)
	}
	if c.Data != filepath.Join(dir, "reg") || c.Out != "/abs/out" {
		t.Errorf("data %q out %q: want the data folder resolved against the file's folder", c.Data, c.Out)
	}
	if none, err := Find("", t.TempDir()); err != nil || none != "" {
		t.Errorf("Find in an empty folder = %q, %v", none, err)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml")); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("Load of a missing file: %v", err)
	}
}

// TestReportGolden checks regen config's output, masking included.
func TestReportGolden(t *testing.T) {
	c, err := Parse("regen.yaml", []byte("host: registry.example.com\njobs: 4\nlicenses: [MIT]\nupload:\n  target: s3://bucket\ncloudflare:\n  zone: 0123456789abcdef0123456789abcdef\n"))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"GITHUB_TOKEN": "ghp_supersecretvalue", "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE"}
	getenv := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	rep := c.Report(getenv, map[string][]string{"host": {"build --hostname"}, "jobs": {"build --jobs", "ingest --jobs"}})
	var text, js bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{text.String(), js.String()} {
		for _, secret := range env {
			if strings.Contains(out, secret) {
				t.Errorf("output reveals a secret %q:\n%s", secret, out)
			}
		}
	}
	golden(t, "report.txt", text.Bytes())
	golden(t, "report.json", js.Bytes())
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test ./config -update)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got; go test ./config -update rewrites it):\n%s", p, d)
	}
}

func TestKeysDocumented(t *testing.T) {
	for _, k := range Keys() {
		if k.Doc == "" {
			t.Errorf("key %s has no doc", k.Name)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("host: r.example.com\njobs: 3\n"))
	f.Add([]byte("github:\n  url: x\nlicenses: [a, '*']\n"))
	f.Add([]byte("upload: {target: s3://b, endpoint: http://e}\n"))
	f.Add([]byte("&a x: *a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("f.yaml", data)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error is not a *config.Error: %v", err)
			}
			if !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if c.Jobs < 0 || c.Jobs > MaxJobs {
			t.Fatalf("jobs %d out of range", c.Jobs)
		}
		_ = c.Settings()
	})
}

// TestKeysInDocs checks that docs/configuration.md documents every key.
func TestKeysInDocs(t *testing.T) {
	doc, err := os.ReadFile("../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Keys() {
		if !strings.Contains(string(doc), "| `"+k.Name+"` |") {
			t.Errorf("docs/configuration.md has no row for %s", k.Name)
		}
	}
}
