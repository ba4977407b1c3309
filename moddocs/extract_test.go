package moddocs

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

func TestExtractFull(t *testing.T) {
	d := extractDir(t, "testdata/src/full")
	golden(t, "full.doc.json", indentJSON(t, d))

	if d.Withheld || len(d.Licenses) != 1 || d.Licenses[0].SPDX != "MIT" || !d.Licenses[0].Compatible {
		t.Fatalf("licences = %+v, withheld %v; want MIT, compatible", d.Licenses, d.Withheld)
	}
	r := d.Root
	if !strings.HasPrefix(r.Readme, "# Full example module") || r.ReadmeFile != "README.md" || r.Empty || r.Error != "" {
		t.Errorf("root readme/empty/error = %q %q %v %q", r.ReadmeFile, r.Readme, r.Empty, r.Error)
	}
	var names []string
	for _, in := range r.Inputs {
		names = append(names, in.Name)
	}
	// Declaration order: variables.tf only holds inputs, in file order.
	wantNames := []string{"name", "tags", "subnets", "password", "untyped", "nullable_default", "settings", "legacy", "old_flag",
		"untyped_string", "untyped_number", "untyped_bool", "untyped_list", "untyped_object", "untyped_null"}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("input order (-want +got):\n%s", diff)
	}
	byName := map[string]Input{}
	for _, in := range r.Inputs {
		byName[in.Name] = in
	}
	checks := []struct {
		name, typ, def string
		required       bool
	}{
		{"name", "string", "", true},
		{"tags", "map(string)", `{"Team":"platform","cost-center":"42"}`, false},
		{"untyped", "", "", true},
		{"nullable_default", "number", "null", false},
		{"settings", "", `{"backoff":[1.5,"exponential"],"retries":3}`, false},
		{"legacy", "list", "[]", false},
	}
	for _, c := range checks {
		in := byName[c.name]
		if in.Required != c.required || string(in.Default) != c.def || (c.typ != "" && in.Type != c.typ) {
			t.Errorf("input %s = %+v (default %s); want type %q default %q required %v", c.name, in, in.Default, c.typ, c.def, c.required)
		}
	}
	if !strings.Contains(byName["subnets"].Type, "optional(bool, false)") {
		t.Errorf("subnets type %q lost the optional() attribute", byName["subnets"].Type)
	}
	if !byName["password"].Sensitive || byName["old_flag"].Deprecated == "" || byName["untyped"].Description != "" {
		t.Errorf("password/old_flag/untyped = %+v %+v %+v", byName["password"], byName["old_flag"], byName["untyped"])
	}
	wantOut := []Output{{Name: "vpc_id", Description: "ID of the VPC."}, {Name: "secret", Sensitive: true}, {Name: "region"}}
	if diff := cmp.Diff(wantOut, r.Outputs); diff != "" {
		t.Errorf("outputs (-want +got):\n%s", diff)
	}
	wantRes := []Resource{
		{ModeManaged, "aws_vpc", "this"}, {ModeManaged, "aws_subnet", "this"}, {ModeData, "aws_region", "current"},
		{ModeManaged, "random_id", "suffix"}, {ModeManaged, "corp_thing", "x"},
	}
	if diff := cmp.Diff(wantRes, r.Resources); diff != "" {
		t.Errorf("resources (-want +got):\n%s", diff)
	}
	wantProv := []ProviderRequirement{
		{Name: "aws", Source: "hashicorp/aws", VersionConstraints: []string{">= 4.0, < 6.0"}},
		{Name: "corp", Source: "registry.example.com/acme/corp"},
		{Name: "random", VersionConstraints: []string{">= 3.1"}},
	}
	if diff := cmp.Diff(wantProv, r.Providers); diff != "" {
		t.Errorf("providers (-want +got):\n%s", diff)
	}
	wantCalls := []ModuleCall{{Name: "network", Source: "./modules/network"}, {Name: "labels", Source: "cloudposse/label/null", Version: "0.25.0"}}
	if diff := cmp.Diff(wantCalls, r.ModuleCalls); diff != "" {
		t.Errorf("module calls (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{">= 1.3"}, r.RequiredCore); diff != "" {
		t.Errorf("required_version (-want +got):\n%s", diff)
	}

	var subs []string
	for _, m := range d.Submodules {
		subs = append(subs, m.Path)
	}
	if diff := cmp.Diff([]string{"modules/broken", "modules/empty-dir", "modules/network"}, subs); diff != "" {
		t.Errorf("submodules (-want +got):\n%s", diff)
	}
	broken, empty, network := d.Submodules[0], d.Submodules[1], d.Submodules[2]
	if !strings.Contains(broken.Error, "modules/broken/main.tf:") || broken.Empty {
		t.Errorf("broken submodule error = %q", broken.Error)
	}
	if !empty.Empty || empty.Error != "" || len(empty.Inputs) != 0 {
		t.Errorf("empty-dir = %+v", empty)
	}
	if network.ReadmeFile != "readme.md" || network.Name() != "network" || len(network.Inputs) != 1 || network.Inputs[0].Name != "vpc_id" {
		t.Errorf("network = %+v", network)
	}
	if len(d.Examples) != 2 || d.Examples[0].Path != "examples/basic" || d.Examples[1].HasReadme() || len(d.Examples[1].Inputs) != 1 {
		t.Errorf("examples = %+v", d.Examples)
	}
}

func TestExtractUnparsableRootStillDocumented(t *testing.T) {
	d := extractDir(t, "testdata/src/broken")
	golden(t, "broken.doc.json", indentJSON(t, d))
	if d.Withheld || len(d.Licenses) != 1 || d.Licenses[0].SPDX != "Apache-2.0" || d.Licenses[0].File != "LICENSE.md" {
		t.Fatalf("licences = %+v", d.Licenses)
	}
	if !strings.Contains(d.Root.Error, "main.tf:") || d.Root.Readme == "" {
		t.Errorf("root = %+v; want a parse error naming main.tf and the README kept", d.Root)
	}
}

func TestExtractWithheld(t *testing.T) {
	d := extractDir(t, "testdata/src/proprietary")
	golden(t, "proprietary.doc.json", indentJSON(t, d))
	if !d.Withheld || len(d.Licenses) != 0 {
		t.Fatalf("withheld = %v, licences %+v; want withheld, none recognised", d.Withheld, d.Licenses)
	}
	if d.Root.Readme != "" || len(d.Root.Inputs) != 0 || !d.Root.HasReadme() {
		t.Errorf("root = %+v; want no content but the README's presence", d.Root)
	}
	if len(d.Submodules) != 1 || d.Submodules[0].Path != "modules/inner" || len(d.Submodules[0].Outputs) != 0 {
		t.Errorf("submodules = %+v", d.Submodules)
	}
	b, _ := MarshalCanonical(d)
	if strings.Contains(string(b), "secret_sauce") || strings.Contains(string(b), "do not republish") {
		t.Errorf("withheld doc still carries content: %s", b)
	}
}

func TestExtractIsDeterministicAcrossFileSystems(t *testing.T) {
	dir := "testdata/src/full"
	a := extractDir(t, dir)
	// The same tree as a MapFS, read in a different order by nothing but
	// the FS implementation.
	m := fstest.MapFS{}
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		m[filepath.ToSlash(rel)] = &fstest.MapFile{Data: b, Mode: 0o644}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := testExtractor(t).Extract(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := MarshalCanonical(a)
	jb, _ := MarshalCanonical(b)
	if string(ja) != string(jb) {
		t.Errorf("os.DirFS and MapFS give different docs:\n%s", cmp.Diff(string(ja), string(jb)))
	}
}

func TestExtractDoesNotFollowSymlinks(t *testing.T) {
	outside := t.TempDir()
	write(t, filepath.Join(outside, "secret.tf"), `variable "stolen" {}`)
	write(t, filepath.Join(outside, "passwd"), "root:x:0:0")
	if err := os.MkdirAll(filepath.Join(outside, "mod"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(outside, "mod", "main.tf"), `variable "also_stolen" {}`)

	src := t.TempDir()
	write(t, filepath.Join(src, "LICENSE"), readFile(t, "testdata/licenses/mit.txt"))
	write(t, filepath.Join(src, "main.tf"), `variable "own" {}`)
	for link, target := range map[string]string{
		"README.md":        filepath.Join(outside, "passwd"),
		"evil.tf":          filepath.Join(outside, "secret.tf"),
		"modules":          outside, // the whole modules folder
		"examples/escaped": filepath.Join(outside, "mod"),
	} {
		p := filepath.Join(src, link)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	d := extractDir(t, src)
	b, _ := MarshalCanonical(d)
	for _, leak := range []string{"stolen", "root:x"} {
		if strings.Contains(string(b), leak) {
			t.Errorf("doc contains %q read through a symlink: %s", leak, b)
		}
	}
	if d.Root.HasReadme() || len(d.Submodules) != 0 || len(d.Examples) != 0 {
		t.Errorf("symlinked README/modules/examples documented: %+v", d)
	}
	if len(d.Root.Inputs) != 1 || d.Root.Inputs[0].Name != "own" {
		t.Errorf("inputs = %+v; want only the module's own", d.Root.Inputs)
	}
}

func TestExtractLimits(t *testing.T) {
	mit := readFile(t, "testdata/licenses/mit.txt")
	big := strings.Repeat("x", 2000)
	fsys := fstest.MapFS{
		"LICENSE":               {Data: []byte(mit)},
		"README.md":             {Data: []byte(big)},
		"main.tf":               {Data: []byte(`variable "a" {}` + "\n# " + big)},
		"small.tf":              {Data: []byte(`variable "b" {}`)},
		"modules/one/main.tf":   {Data: []byte(`variable "c" {}`)},
		"modules/two/main.tf":   {Data: []byte(`variable "d" {}`)},
		"modules/bad name/x.tf": {Data: []byte(`variable "e" {}`)},
		"examples/three/x.tf":   {Data: []byte(`variable "f" {}`)},
	}
	x := testExtractor(t)
	x.Limits = Limits{MaxFileBytes: 1500, MaxDirs: 2}
	d, err := x.Extract(context.Background(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	if d.Root.Readme != "" || !d.Root.HasReadme() {
		t.Errorf("oversized README kept: %d bytes", len(d.Root.Readme))
	}
	if !strings.Contains(d.Root.Error, "main.tf") {
		t.Errorf("oversized main.tf: root error = %q, want it named", d.Root.Error)
	}
	if len(d.Root.Inputs) != 1 || d.Root.Inputs[0].Name != "b" {
		t.Errorf("inputs = %+v; want small.tf's b only", d.Root.Inputs)
	}
	if len(d.Submodules) != 2 || len(d.Examples) != 0 {
		t.Errorf("MaxDirs 2: %d submodules, %d examples", len(d.Submodules), len(d.Examples))
	}
	joined := strings.Join(d.Warnings, "\n")
	for _, want := range []string{"README left out", "main.tf: 2018 bytes exceeds", `modules/bad name left out`, "examples/three left out: more than 2"} {
		if !strings.Contains(joined, want) {
			t.Errorf("warnings lack %q:\n%s", want, joined)
		}
	}

	x.Limits = Limits{MaxDirBytes: 40}
	d, err = x.Extract(context.Background(), fstest.MapFS{
		"LICENSE": {Data: []byte(mit)},
		"a.tf":    {Data: []byte(`variable "aaaaaaaaaaaaaaaaaaaaaaaa" {}`)},
		"b.tf":    {Data: []byte(`variable "bbbbbbbbbbbbbbbbbbbbbbbb" {}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Root.Inputs) != 1 || !strings.Contains(strings.Join(d.Warnings, "\n"), "exceed the limit of 40 bytes") {
		t.Errorf("MaxDirBytes: inputs %+v, warnings %q", d.Root.Inputs, d.Warnings)
	}
}

func TestExtractWithoutDetectorFails(t *testing.T) {
	_, err := (&Extractor{}).Extract(context.Background(), fstest.MapFS{})
	if err == nil {
		t.Fatal("Extract without a LicenseDetector succeeded")
	}
}

func TestExtractStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := testExtractor(t).Extract(ctx, os.DirFS("testdata/src/full"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestCanonicalRoundTrip(t *testing.T) {
	d := extractDir(t, "testdata/src/full")
	a, err := MarshalCanonical(d)
	if err != nil {
		t.Fatal(err)
	}
	back, err := UnmarshalDoc(a)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := MarshalCanonical(back)
	if string(a) != string(b) {
		t.Fatalf("canonical JSON not stable over a round trip:\n%s", cmp.Diff(string(a), string(b)))
	}
	if diff := cmp.Diff(d, back); diff != "" {
		t.Errorf("Doc changed over a round trip (-orig +back):\n%s", diff)
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(a, &probe); err != nil || probe["format"] == nil {
		t.Errorf("canonical JSON lacks format: %v", err)
	}
}

func write(t testing.TB, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// terraform-config-inspect panics on a default it cannot re-read as a
// float64; the version must still be documented, with the error.
func TestExtractSurvivesParserPanic(t *testing.T) {
	d, err := testExtractor(t).Extract(context.Background(), fstest.MapFS{
		"LICENSE": {Data: []byte(readFile(t, "testdata/licenses/mit.txt"))},
		"main.tf": {Data: []byte("variable \"v\" {\n  default = 1e400\n}\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.Root.Error, "internal error parsing the configuration") || d.Withheld {
		t.Errorf("root = %+v", d.Root)
	}
}
