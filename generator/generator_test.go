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
	f := &regdata.ProviderFile{Versions: []regdata.ProviderVersion{{Version: "1.0.0", Targets: []regdata.Target{{OS: "linux/../../etc", Arch: "amd64"}}}}}
	_, _, err = Provider(regdata.ProviderAddr{Namespace: "n", Type: "x"}, f, nil, nil, opts)
	if err == nil || !strings.Contains(err.Error(), `os "linux/../../etc"`) {
		t.Errorf("unsafe os: %v", err)
	}
	_, _, err = Module(regdata.ModuleAddr{Namespace: "n", Name: "a b", System: "s"}, &regdata.ModuleFile{}, nil, opts)
	if err == nil || !strings.Contains(err.Error(), `name "a b"`) {
		t.Errorf("unsafe module name: %v", err)
	}
}

func TestRepeatedTargetsKeepFirst(t *testing.T) {
	opts, _ := Options{}.Normalize()
	f := &regdata.ProviderFile{Versions: []regdata.ProviderVersion{{Version: "1.0.0", Targets: []regdata.Target{
		{OS: "linux", Arch: "amd64", Filename: "first"}, {OS: "linux", Arch: "amd64", Filename: "second"},
	}}}}
	files, dropped, err := Provider(regdata.ProviderAddr{Namespace: "n", Type: "x"}, f, nil, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || !strings.Contains(string(files[0].Body), `"filename": "first"`) {
		t.Errorf("files = %v", files)
	}
	if len(dropped) != 1 || !strings.Contains(dropped[0].Reason, "linux_amd64") {
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
