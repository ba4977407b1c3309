package moddocs

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var fixtures = []struct{ name, dir, module string }{
	{"full", "testdata/src/full", "full"},
	{"broken", "testdata/src/broken", "broken"},
	{"proprietary", "testdata/src/proprietary", "internal"},
}

func testMeta() OpenTofuMeta {
	return OpenTofuMeta{
		ID:            "v1.2.0",
		Published:     time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC),
		Link:          "https://git.example/acme/terraform-aws-full/tree/0123456789abcdef0123456789abcdef01234567",
		VCSRepository: "https://git.example/acme/terraform-aws-full",
		FileURL: func(p string) string {
			return "https://git.example/acme/terraform-aws-full/blob/0123456789abcdef0123456789abcdef01234567/" + p
		},
	}
}

func TestRenderGolden(t *testing.T) {
	for _, f := range fixtures {
		t.Run(f.name, func(t *testing.T) {
			d := extractDir(t, f.dir)
			golden(t, f.name+".registry.json", indentJSON(t, RenderRegistry(d, f.module)))
			golden(t, f.name+".opentofu.json", indentJSON(t, RenderOpenTofu(d, testMeta())))
			root, subs := RenderRegistryVersion(d)
			golden(t, f.name+".registry-version.json", indentJSON(t, map[string]any{"root": root, "submodules": subs}))
			var readmes strings.Builder
			for _, r := range OpenTofuReadmes(d) {
				readmes.WriteString("=== " + r.Path + "\n")
				readmes.Write(r.Content)
			}
			golden(t, f.name+".readmes.txt", []byte(readmes.String()))
		})
	}
}

func TestRenderRegistryShape(t *testing.T) {
	d := extractDir(t, "testdata/src/full")
	r := RenderRegistry(d, "full")
	if r.Root.Name != "full" || r.Root.Path != "" || len(r.Submodules) != 3 || r.Submodules[2].Name != "network" || r.Examples[0].Path != "examples/basic" {
		t.Fatalf("names/paths: %+v", r)
	}
	in := map[string]RegistryInput{}
	for _, i := range r.Root.Inputs {
		in[i.Name] = i
	}
	// registry.terraform.io serves defaults as JSON text, "" when required.
	for name, want := range map[string]string{"name": "", "tags": `{"Team":"platform","cost-center":"42"}`, "nullable_default": "null", "old_flag": "true"} {
		if in[name].Default != want {
			t.Errorf("input %s default = %q, want %q", name, in[name].Default, want)
		}
	}
	wantProv := []RegistryProviderDependency{
		{Name: "aws", Namespace: "hashicorp", Source: "hashicorp/aws", Version: ">= 4.0, < 6.0"},
		{Name: "corp", Namespace: "acme", Source: "registry.example.com/acme/corp"},
		{Name: "random", Namespace: "hashicorp", Source: "hashicorp/random", Version: ">= 3.1"},
	}
	if diff := cmp.Diff(wantProv, r.Root.ProviderDependencies); diff != "" {
		t.Errorf("provider_dependencies (-want +got):\n%s", diff)
	}
	for _, res := range r.Root.Resources {
		if res.Type == "aws_region" {
			t.Error("data source listed among registry resources")
		}
	}
	// Every member the protocol lists is present, lists are [] not null.
	b, _ := json.Marshal(r)
	var generic map[string]any
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatal(err)
	}
	root := generic["root"].(map[string]any)
	for _, k := range []string{"path", "name", "readme", "empty", "inputs", "outputs", "dependencies", "provider_dependencies", "resources"} {
		if _, ok := root[k]; !ok {
			t.Errorf("root lacks %q", k)
		}
	}
	if strings.Contains(string(b), "null") && !strings.Contains(string(b), `"null"`) {
		t.Errorf("registry shape has a JSON null: %s", b)
	}
}

func TestRenderOpenTofuShape(t *testing.T) {
	d := extractDir(t, "testdata/src/full")
	v := RenderOpenTofu(d, testMeta())
	types := map[string]string{}
	for name, vr := range v.Variables {
		types[name] = string(vr.Type)
	}
	want := map[string]string{
		"name":             `"string"`,
		"untyped":          `"dynamic"`,
		"tags":             `["map","string"]`,
		"subnets":          `["map",["object",{"cidr":"string","public":"bool","zones":["list","string"]},["public","zones"]]]`,
		"settings":         `["object",{"backoff":["tuple",["number","string"]],"retries":"number"}]`,
		"legacy":           `"list"`, // legacy string form does not parse as a type: kept as written
		"nullable_default": `"number"`,
		"password":         `"string"`,
		"old_flag":         `"bool"`,
		// Untyped variables take their default's type; without a
		// default, or with a null one, they are dynamic.
		"untyped_string": `"string"`,
		"untyped_number": `"number"`,
		"untyped_bool":   `"bool"`,
		"untyped_list":   `["tuple",["string","number"]]`,
		"untyped_object": `["object",{"count":"number","zone":"string"}]`,
		"untyped_null":   `"dynamic"`,
	}
	if diff := cmp.Diff(want, types); diff != "" {
		t.Errorf("variable types (-want +got):\n%s", diff)
	}
	if got := string(v.Variables["name"].Default); got != "null" || !v.Variables["name"].Required {
		t.Errorf("required variable default = %s", got)
	}
	if !v.Outputs["secret"].Sensitive || !v.Variables["password"].Sensitive {
		t.Error("sensitive flags lost")
	}
	wantProv := []OpenTofuProvider{
		{Name: "aws", FullName: "registry.opentofu.org/hashicorp/aws", VersionConstraint: ">= 4.0, < 6.0"},
		{Name: "corp", FullName: "registry.example.com/acme/corp"},
		{Name: "random", FullName: "registry.opentofu.org/hashicorp/random", VersionConstraint: ">= 3.1"},
	}
	if diff := cmp.Diff(wantProv, v.Providers); diff != "" {
		t.Errorf("providers (-want +got):\n%s", diff)
	}
	if v.Resources[2].Address != "data.aws_region.current" {
		t.Errorf("resource addresses: %+v", v.Resources)
	}
	if v.Submodules["broken"].SchemaError == "" || !v.Submodules["network"].Readme ||
		!strings.HasSuffix(v.Submodules["network"].EditLink, "/modules/network/readme.md") {
		t.Errorf("submodules: %+v", v.Submodules)
	}
	if v.IncompatibleLicense || len(v.Licenses) != 1 || !v.Licenses[0].IsCompatible || !strings.HasSuffix(v.Licenses[0].Link, "/LICENSE") {
		t.Errorf("licences: %+v", v.Licenses)
	}

	// No licence known (nothing found, or no documentation extracted):
	// incompatible, as OpenTofu's registry says of a licence-less version.
	if e := RenderOpenTofu(&Doc{}, OpenTofuMeta{}); !e.IncompatibleLicense || e.Licenses == nil {
		t.Errorf("version without licence: incompatible_license %v, licenses %v", e.IncompatibleLicense, e.Licenses)
	}

	w := RenderOpenTofu(extractDir(t, "testdata/src/proprietary"), OpenTofuMeta{})
	if !w.IncompatibleLicense || len(w.Variables) != 0 || !w.Readme || w.EditLink != "" {
		t.Errorf("withheld version: %+v", w)
	}
	rs := OpenTofuReadmes(extractDir(t, "testdata/src/proprietary"))
	if len(rs) != 2 || string(rs[0].Content) != WithheldReadme || rs[1].Path != "modules/inner/README.md" {
		t.Errorf("withheld readmes: %+v", rs)
	}
}

// TestOpenTofuReadmesPlaceholder: OpenTofu's UI fetches README.md for the
// root and every submodule and example, so each gets one, NoReadme when
// the directory has none (even an undocumented version).
func TestOpenTofuReadmesPlaceholder(t *testing.T) {
	got := map[string]string{}
	for _, r := range OpenTofuReadmes(extractDir(t, "testdata/src/full")) {
		got[r.Path] = string(r.Content)
	}
	for _, p := range []string{"README.md", "modules/broken/README.md", "modules/empty-dir/README.md", "modules/network/README.md", "examples/basic/README.md", "examples/complete/README.md"} {
		if _, ok := got[p]; !ok {
			t.Errorf("no %s among %v", p, got)
		}
	}
	if got["examples/complete/README.md"] != NoReadme || got["README.md"] == NoReadme {
		t.Errorf("placeholder misplaced: %q", got)
	}
	rs := OpenTofuReadmes(&Doc{})
	if len(rs) != 1 || rs[0].Path != "README.md" || string(rs[0].Content) != NoReadme {
		t.Errorf("undocumented version: %+v", rs)
	}
}

func TestProviderAddr(t *testing.T) {
	cases := []struct {
		p             ProviderRequirement
		host, ns, typ string
		ok            bool
	}{
		{ProviderRequirement{Name: "aws"}, "h", "hashicorp", "aws", true},
		{ProviderRequirement{Name: "terraform"}, "terraform.io", "builtin", "terraform", true},
		{ProviderRequirement{Name: "x", Source: "Acme/Thing"}, "h", "acme", "thing", true},
		{ProviderRequirement{Name: "x", Source: "example.com/acme/thing"}, "example.com", "acme", "thing", true},
		{ProviderRequirement{Name: "x", Source: "a/b/c/d"}, "", "", "", false},
		{ProviderRequirement{Name: "bad name!"}, "", "", "", false},
	}
	for _, c := range cases {
		host, ns, typ, ok := providerAddr(c.p, "h")
		if host != c.host || ns != c.ns || typ != c.typ || ok != c.ok {
			t.Errorf("providerAddr(%+v) = %q %q %q %v; want %q %q %q %v", c.p, host, ns, typ, ok, c.host, c.ns, c.typ, c.ok)
		}
	}
}
