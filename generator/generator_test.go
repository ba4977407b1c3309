package generator

import (
	"strings"
	"testing"

	"github.com/regen-registry/regen/regdata"
)

func TestModuleLocation(t *testing.T) {
	a := regdata.ModuleAddr{Namespace: "Org", Name: "vpc", System: "aws"}
	def, _ := Options{}.Normalize()
	loop, _ := Options{GitHubURL: "http://127.0.0.1:9999/git/"}.Normalize()
	for _, c := range []struct {
		repo string
		v    regdata.ModuleVersion
		opts Options
		want string
	}{
		{"", regdata.ModuleVersion{Version: "v1.0.0", Commit: "abc"}, def, "git::https://github.com/Org/terraform-aws-vpc?ref=abc"},
		{"", regdata.ModuleVersion{Version: "v1.0"}, def, "git::https://github.com/Org/terraform-aws-vpc?ref=v1.0"},
		{"", regdata.ModuleVersion{Version: "1.0.0+b&c"}, loop, "git::http://127.0.0.1:9999/git/Org/terraform-aws-vpc?ref=1.0.0%2Bb%26c"},
		{"https://gitlab.example.test/x/y.git", regdata.ModuleVersion{Version: "v2.0.0"}, def, "git::https://gitlab.example.test/x/y.git?ref=v2.0.0"},
		{"git::ssh://git@example.test/x.git?depth=1", regdata.ModuleVersion{Version: "1.0.0", Commit: "c0ffee"}, def, "git::ssh://git@example.test/x.git?depth=1&ref=c0ffee"},
		// OWNER/NAME, as ingest reads it, is a repository on the GitHub URL.
		{"other/terraform-aws-vpc", regdata.ModuleVersion{Version: "1.0.0"}, loop, "git::http://127.0.0.1:9999/git/other/terraform-aws-vpc?ref=1.0.0"},
	} {
		if got := ModuleLocation(a, c.repo, c.v, c.opts); got != c.want {
			t.Errorf("ModuleLocation(%q, %+v) = %s, want %s", c.repo, c.v, got, c.want)
		}
	}
}

func TestLatestSkipsPrereleases(t *testing.T) {
	opts, _ := Options{}.Normalize()
	a := regdata.ModuleAddr{Namespace: "n", Name: "m", System: "s"}
	for _, c := range []struct {
		versions []string
		want     string
	}{
		{[]string{"v2.0.0-rc1", "v1.5.0", "v1.0"}, `"version": "1.5.0"`},
		{[]string{"v2.0.0-rc1", "v2.0.0-beta1"}, `"version": "2.0.0-rc1"`},
		{[]string{"1.0.0+build"}, `"version": "1.0.0+build"`},
	} {
		f := &regdata.ModuleFile{}
		for _, v := range c.versions {
			f.Versions = append(f.Versions, regdata.ModuleVersion{Version: v})
		}
		files, _, err := Module(a, f, nil, opts)
		if err != nil {
			t.Fatal(err)
		}
		last := files[len(files)-1]
		if last.Path != "v1/modules/n/m/s/download" || !strings.Contains(string(last.Body), c.want) {
			t.Errorf("%v: latest = %s %s, want %s", c.versions, last.Path, last.Body, c.want)
		}
	}
	files, _, _ := Module(a, &regdata.ModuleFile{}, nil, opts)
	if len(files) != 1 || files[0].Path != "v1/modules/n/m/s/versions" {
		t.Errorf("module without versions: %v, want only an empty versions document", files)
	}
}

func TestUnsafeNamesAreErrors(t *testing.T) {
	opts, _ := Options{}.Normalize()
	_, _, err := Provider(regdata.ProviderAddr{Namespace: "..", Type: "x"}, &regdata.ProviderFile{}, nil, nil, opts)
	if err == nil || !strings.Contains(err.Error(), "namespace") {
		t.Errorf("namespace '..': %v", err)
	}
	// A target whose os cannot be a path segment breaks the data rules:
	// its version is left out, never written anywhere.
	v := validVersion("1.0.0")
	v.Targets[0].OS = "linux/../../etc"
	files, dropped, err := Provider(regdata.ProviderAddr{Namespace: "n", Type: "x"}, &regdata.ProviderFile{Versions: []regdata.ProviderVersion{v}}, nil, nil, opts)
	if err != nil || len(files) != 1 || len(dropped) != 1 || dropped[0].Field != "versions[0].targets[0].os" {
		t.Errorf("unsafe os: files %v, dropped %+v, err %v; want the version left out", files, dropped, err)
	}
	_, _, err = Module(regdata.ModuleAddr{Namespace: "n", Name: "a b", System: "s"}, &regdata.ModuleFile{}, nil, opts)
	if err == nil || !strings.Contains(err.Error(), `name "a b"`) {
		t.Errorf("unsafe module name: %v", err)
	}
}

// validVersion returns a provider version that breaks no data rule, with
// one linux_amd64 target.
func validVersion(v string) regdata.ProviderVersion {
	const base = "https://example.test/"
	return regdata.ProviderVersion{Version: v, Protocols: []string{"6.0"}, SHASumsURL: base + "SUMS", SHASumsSignatureURL: base + "SUMS.sig",
		Targets: []regdata.Target{{OS: "linux", Arch: "amd64", Filename: "first.zip", DownloadURL: base + "first.zip", SHASum: strings.Repeat("a", 64)}}}
}

// TestRepeatedTargetsDropTheVersion: a platform listed twice is an error
// for validate, so the version is not published.
func TestRepeatedTargetsDropTheVersion(t *testing.T) {
	opts, _ := Options{}.Normalize()
	v := validVersion("1.0.0")
	second := v.Targets[0]
	second.Filename = "second.zip"
	v.Targets = append(v.Targets, second)
	files, dropped, err := Provider(regdata.ProviderAddr{Namespace: "n", Type: "x"}, &regdata.ProviderFile{Versions: []regdata.ProviderVersion{v, validVersion("0.9.0")}}, nil, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].Path != "v1/providers/n/x/0.9.0/download/linux/amd64" || strings.Contains(string(files[1].Body), "1.0.0") {
		t.Errorf("files = %s, %s; want 0.9.0 only", files[0].Path, files[1].Body)
	}
	if len(dropped) != 1 || dropped[0].Field != "versions[0].targets[1]" || !strings.Contains(dropped[0].Reason, "duplicate platform") {
		t.Errorf("dropped = %+v", dropped)
	}
}

func TestParseRoute(t *testing.T) {
	opts, _ := Options{BaseURL: "https://reg.example.test"}.Normalize()
	prov := regdata.ProviderAddr{Namespace: "ns", Type: "t"}
	mod := regdata.ModuleAddr{Namespace: "ns", Name: "n", System: "s"}
	for p, want := range map[string]Route{
		".well-known/terraform.json":                      {Kind: RouteDiscovery},
		"v1/providers/ns/t/versions":                      {Kind: RouteProvider, Provider: prov},
		"v1/providers/ns/t/1.0.0/download/linux/amd64":    {Kind: RouteProvider, Provider: prov},
		"mirror/reg.example.test/ns/t/index.json":         {Kind: RouteProvider, Provider: prov},
		"mirror/reg.example.test/ns/t/1.0.0.json":         {Kind: RouteProvider, Provider: prov},
		"v1/modules/ns/n/s/versions":                      {Kind: RouteModule, Module: mod},
		"v1/modules/ns/n/s/download":                      {Kind: RouteModule, Module: mod},
		"v1/modules/ns/n/s/1.0.0/download":                {Kind: RouteModule, Module: mod},
		"v1/providers/ns/t/1.0.0/download/linux":          {},
		"v1/providers/ns/t/foo":                           {},
		"v1/modules/ns/n/s/1.0.0/other":                   {},
		"mirror/other.example.test/ns/t/index.json":       {},
		"v1/providers//t/versions":                        {},
		"mirror/reg.example.test/ns/t/index.json/x":       {},
		"v1/modules/ns/n/s/1.0.0/download/linux/amd64/xx": {},
	} {
		got, ok := ParseRoute(opts, p)
		if ok != (want.Kind != 0) || got != want {
			t.Errorf("ParseRoute(%q) = %+v, %v; want %+v", p, got, ok, want)
		}
	}
}

func TestOptions(t *testing.T) {
	o, err := Options{BaseURL: "https://Reg.Example.TEST:8443/"}.Normalize()
	if err != nil || o.Hostname != "reg.example.test:8443" || o.BaseURL != "https://Reg.Example.TEST:8443" || o.GitHubURL != DefaultGitHubURL || o.MirrorPrefix != "mirror/" {
		t.Errorf("Normalize = %+v, %v", o, err)
	}
	for _, bad := range []Options{{BaseURL: "reg.example.test"}, {GitHubURL: "github.com"}, {MirrorPrefix: "../up/"}, {Hostname: "a/b"}} {
		if _, err := bad.Normalize(); err == nil {
			t.Errorf("Normalize(%+v) accepted", bad)
		}
	}
	a, _ := Options{BaseURL: "https://a.example.test"}.Normalize()
	b, _ := Options{BaseURL: "https://b.example.test"}.Normalize()
	if a.Digest() == b.Digest() || a.Digest() != a.Digest() {
		t.Error("Digest does not follow the options")
	}
}

func FuzzSafeSegment(f *testing.F) {
	for _, s := range []string{"", "a", "a..b", ".a", "_a", "-a", "a-b_c.d", "A9", "a/b", "a b", "é", strings.Repeat("a", 256)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := safeSegment(s), regdata.SafeSegment(s); got != want {
			t.Fatalf("safeSegment(%q) = %v, regdata.SafeSegment = %v", s, got, want)
		}
	})
}
