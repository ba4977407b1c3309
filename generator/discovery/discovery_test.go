package discovery

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/client"
	"github.com/regen-registry/regen/generator/search"
	"github.com/regen-registry/regen/moddocs"
	"github.com/regen-registry/regen/regdata"
)

func TestModuleFilesGolden(t *testing.T) {
	fx := newFixture(t)
	in := fx.modules[0]
	in.Latest = nil // ModuleFiles takes it from docs
	files, err := ModuleFiles(in, func(v regdata.Published[regdata.ModuleVersion]) (*moddocs.Doc, error) {
		if v.Version == "1.1.0" {
			return vpcDoc(), nil
		}
		return nil, nil // the older version has no docs
	})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "module_files.golden", dump(t, files))

	// The detail decodes with regen's own client types, as a consumer
	// would read it.
	var d client.ModuleDetail
	if err := json.Unmarshal(fileAt(t, files, "v1/modules/acme/vpc/aws/index.json"), &d); err != nil {
		t.Fatal(err)
	}
	if d.ID != "Acme/vpc/aws/1.1.0" || d.Root.Readme == "" || len(d.Submodules) != 1 || strings.Join(d.Providers, ",") != "aws,google" || strings.Join(d.Versions, ",") != "1.1.0,1.0.0" {
		t.Errorf("detail decoded as %+v", d)
	}
	if d.Description != "Terraform module which creates VPC resources on AWS." {
		t.Errorf("description from README = %q", d.Description)
	}
}

func TestModuleFilesWithoutDocs(t *testing.T) {
	fx := newFixture(t)
	files, err := ModuleFiles(fx.modules[2], NoDocs)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "module_files_nodocs.golden", dump(t, files))
	var d client.ModuleDetail
	if err := json.Unmarshal(fileAt(t, files, "v1/modules/hashicorp/consul/aws/index.json"), &d); err != nil {
		t.Fatal(err)
	}
	if d.Root.Name != "consul" || d.Root.Readme != "" || d.Root.Inputs == nil || d.Submodules == nil {
		t.Errorf("undocumented root: %+v", d.Root)
	}
}

func TestModuleFilesErrors(t *testing.T) {
	fx := newFixture(t)
	in := fx.modules[0]
	boom := errors.New("disk on fire")
	if _, err := ModuleFiles(in, func(regdata.Published[regdata.ModuleVersion]) (*moddocs.Doc, error) { return nil, boom }); !errors.Is(err, boom) || !strings.Contains(err.Error(), "Acme/vpc/aws") {
		t.Errorf("docs error: %v", err)
	}
	in.Versions = nil
	if _, err := ModuleFiles(in, NoDocs); err == nil {
		t.Error("module without versions accepted")
	}
	in = fx.modules[0]
	in.Addr.Name = "../x"
	if _, err := ModuleFiles(in, NoDocs); err == nil {
		t.Error("unsafe name accepted")
	}
}

func TestStoreDocs(t *testing.T) {
	v := regdata.Published[regdata.ModuleVersion]{Version: "1.0.0", Entry: regdata.ModuleVersion{Version: "v1.0.0"}}
	for name, c := range map[string]struct {
		err     error
		wantErr bool
	}{
		"missing":  {err: moddocs.ErrNotFound},
		"recorded": {err: &moddocs.RecordedError{Message: "gone"}},
		"broken":   {err: errors.New("corrupt"), wantErr: true},
	} {
		d, err := StoreDocs(func(version string) (*moddocs.Doc, error) {
			if version != "v1.0.0" {
				t.Errorf("asked for %q, want the tag as written", version)
			}
			return nil, c.err
		})(v)
		if d != nil || (err != nil) != c.wantErr {
			t.Errorf("%s: %v, %v", name, d, err)
		}
	}
}

func TestProviderFilesGolden(t *testing.T) {
	files, err := ProviderFiles(newFixture(t).providers[0])
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "provider_files.golden", dump(t, files))
}

func TestCollectorGolden(t *testing.T) {
	fx := newFixture(t)
	c := NewCollector(Options{Now: buildTime, BaseURL: "https://registry.example.test", Events: fx.events, Downloads: fx.downloads})
	// Added in an order that differs from the output's.
	for i := len(fx.modules) - 1; i >= 0; i-- {
		if err := c.AddModule(fx.modules[i]); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range fx.providers {
		if err := c.AddProvider(p); err != nil {
			t.Fatal(err)
		}
	}
	files, err := c.Finish()
	if err != nil {
		t.Fatal(err)
	}
	var index, other []File
	for _, f := range files {
		if strings.HasPrefix(f.Path, search.Dir+"/") {
			index = append(index, f)
		} else {
			other = append(other, f)
		}
	}
	golden(t, "collector.golden", dump(t, other))
	if len(index) < 5 {
		t.Errorf("search index has %d files", len(index))
	}

	// Listings decode with regen's client types; next_offset is absent
	// on a last page.
	byPath := map[string][]byte{}
	for _, f := range files {
		byPath[f.Path] = f.Data
	}
	var page struct {
		Meta    map[string]any  `json:"meta"`
		Modules []client.Module `json:"modules"`
	}
	if err := json.Unmarshal(byPath["v1/modules/acme/vpc/index.json"], &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Modules) != 2 || page.Modules[0].Provider != "aws" || page.Meta["next_offset"] != nil {
		t.Errorf("latest per provider: %+v", page)
	}
}

func TestPageMeta(t *testing.T) {
	q := url.Values{"q": {"vpc"}, "offset": {"5"}, "limit": {"5"}, "provider": {"aws"}}
	m := PageMeta("/v1/modules/search", q, 5, 5, 12)
	data, _ := Marshal(m)
	want := `{"limit":5,"current_offset":5,"next_offset":10,"prev_offset":0,"next_url":"/v1/modules/search?limit=5&offset=10&provider=aws&q=vpc","prev_url":"/v1/modules/search?limit=5&offset=0&provider=aws&q=vpc"}` + "\n"
	if string(data) != want {
		t.Errorf("meta\n got %s\nwant %s", data, want)
	}
	last := PageMeta("/v1/modules", nil, 10, 5, 12)
	if last.NextOffset != nil || last.NextURL != "" || *last.PrevOffset != 5 {
		t.Errorf("last page meta: %+v", last)
	}
	first := PageMeta("/v1/modules", nil, 0, 10, 10)
	if first.NextOffset != nil || first.PrevOffset != nil {
		t.Errorf("only page meta: %+v", first)
	}
	if got := string(ErrorBody("q is required")); got != `{"errors":["q is required"]}`+"\n" {
		t.Errorf("ErrorBody = %q", got)
	}
}

func TestDescribeReadme(t *testing.T) {
	for readme, want := range map[string]string{
		"# Title\n\n[![Build](https://b)](https://c) [![x](y)](z)\n\nCreates a *VPC* with `subnets`. See [docs](https://d).\nSecond line.\n\nMore.": "Creates a VPC with subnets. See docs. Second line.",
		"Title\n=====\n\n<p align=\"center\"><img src=x></p>\n\n- a list\n\n> quote\n\nReal text here.":                                             "Real text here.",
		"```hcl\nmodule \"x\" {}\n```\n\nAfter code.": "After code.",
		"# Only a heading\n":                          "",
		"":                                            "",
		strings.Repeat("word ", 60):                   strings.TrimSpace(strings.Repeat("word ", 40)),
	} {
		if got := DescribeReadme(readme); got != want {
			t.Errorf("DescribeReadme(%q) = %q, want %q", readme, got, want)
		}
	}
}

func FuzzDescribeReadme(f *testing.F) {
	f.Add("# T\n\nText [l](u) ![i](j) <b>x</b>\n")
	f.Add("```\nunterminated")
	f.Fuzz(func(t *testing.T, s string) {
		d := DescribeReadme(s)
		if len(d) > maxDescription || strings.Contains(d, "\n") {
			t.Fatalf("DescribeReadme gave %q", d)
		}
	})
}

func fileAt(t *testing.T, files []File, p string) []byte {
	t.Helper()
	for _, f := range files {
		if f.Path == p {
			return f.Data
		}
	}
	t.Fatalf("no file %s", p)
	return nil
}

// The latest version is the newest that is not a pre-release, as the
// generator's latest-version download has it.
func TestLatestIsNewestStable(t *testing.T) {
	a := regdata.ModuleAddr{Namespace: "acme", Name: "vpc", System: "aws"}
	in := ModuleInput{Addr: a, Versions: publishedVersions(t, a,
		regdata.ModuleVersion{Version: "v2.0.0-beta1"}, regdata.ModuleVersion{Version: "v1.5.0"}, regdata.ModuleVersion{Version: "v1.4.0"})}
	files, err := ModuleFiles(in, NoDocs)
	if err != nil {
		t.Fatal(err)
	}
	var d client.ModuleDetail
	if err := json.Unmarshal(fileAt(t, files, "v1/modules/acme/vpc/aws/index.json"), &d); err != nil {
		t.Fatal(err)
	}
	if d.Version != "1.5.0" || d.Versions[0] != "2.0.0-beta1" {
		t.Errorf("latest detail is %s of %v", d.Version, d.Versions)
	}
	only := ModuleInput{Addr: a, Versions: publishedVersions(t, a, regdata.ModuleVersion{Version: "v0.1.0-rc1"})}
	if LatestVersion(only.Versions) != 0 {
		t.Error("only pre-releases: the newest is latest")
	}
}

func FuzzSafeSegment(f *testing.F) {
	for _, s := range []string{"v1.0.0", "a..b", ".x", "x-", "A_b.c", "", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if safeSegment(s) != regdata.SafeSegment(s) {
			t.Fatalf("safeSegment(%q) = %v, regdata says %v", s, safeSegment(s), regdata.SafeSegment(s))
		}
	})
}

// A Collector restored from saved state renders the same documents as
// one fed every entry.
func TestSavedStateRoundTrip(t *testing.T) {
	fx := newFixture(t)
	opts := Options{Now: buildTime, Events: fx.events, Downloads: fx.downloads}
	full := NewCollector(opts)
	for _, m := range fx.modules {
		full.AddModule(m)
	}
	for _, p := range fx.providers {
		full.AddProvider(p)
	}
	var saved bytes.Buffer
	if err := full.WriteSaved(&saved); err != nil {
		t.Fatal(err)
	}
	want, err := full.Finish()
	if err != nil {
		t.Fatal(err)
	}
	lines, err := ReadSaved(bytes.NewReader(saved.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 4 {
		t.Fatalf("saved %d entries", len(lines))
	}
	// The next build re-reads one module and restores the rest.
	next := NewCollector(opts)
	if err := next.AddModule(fx.modules[0]); err != nil {
		t.Fatal(err)
	}
	for key, line := range lines {
		if key == "module/acme/vpc/aws" {
			continue
		}
		if err := next.AddSaved(line); err != nil {
			t.Fatal(err)
		}
	}
	got, err := next.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(dump(t, want), dump(t, got)); d != "" {
		t.Errorf("restored output differs:\n%s", d)
	}
	if _, err := ReadSaved(strings.NewReader(`{"format":"regen-discovery-state/0"}` + "\n")); !errors.Is(err, ErrSavedFormat) {
		t.Errorf("old format: %v", err)
	}
	if err := next.AddSaved([]byte(`{"key":"module/a/b/c","module":{"namespace":"x","name":"b","system":"c","versions":[{"id":"v1.0.0"}]}}`)); err == nil {
		t.Error("line not matching its key accepted")
	}
	dup := NewCollector(opts)
	dup.AddModule(fx.modules[0])
	dup.AddSaved(lines["module/acme/vpc/aws"])
	if _, err := dup.Finish(); err == nil || !strings.Contains(err.Error(), "added twice") {
		t.Errorf("duplicate entry: %v", err)
	}
}

func TestNewModuleInput(t *testing.T) {
	a := regdata.ModuleAddr{Namespace: "acme", Name: "vpc", System: "aws"}
	f, err := regdata.ParseModuleFile([]byte(`{"description":"A VPC","verified":true,"versions":[{"version":"v1.0.0"},{"version":"bad!"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	in := NewModuleInput(a, f, &regdata.Blacklist{}, "git::https://github.com/acme/terraform-aws-vpc.git?ref=x")
	if in.Description != "A VPC" || !in.Verified || len(in.Versions) != 1 || in.Source != "https://github.com/acme/terraform-aws-vpc" {
		t.Errorf("%+v", in)
	}
	for repo, want := range map[string]string{
		"https://github.com/a/b":                   "https://github.com/a/b",
		"git::https://example.test/a/b.git//sub":   "https://example.test/a/b",
		"file:///srv/git/a/b":                      "",
		"git::ssh://git@github.com/a/b.git":        "",
		"https://gitlab.example.test/group/sub/b/": "https://gitlab.example.test/group/sub/b",
	} {
		if got := WebURL(repo); got != want {
			t.Errorf("WebURL(%q) = %q, want %q", repo, got, want)
		}
	}
}
