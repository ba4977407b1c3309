package discovery

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/regen-registry/regen/regdata"
)

// TestDocsProviderShape checks the provider documents against what
// OpenTofu's registry UI reads (registry-ui frontend/src/api.d.ts,
// definitions Provider and ProviderVersion): every member it requires,
// the data file's warnings, a version without a licence marked
// incompatible, and an overview page (index.md) for every version.
func TestDocsProviderShape(t *testing.T) {
	in := newFixture(t).providers[0]
	files, err := ProviderFiles(in)
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string][]byte{}
	for _, f := range files {
		byPath[f.Path] = f.Data
	}
	var idx map[string]any
	if err := json.Unmarshal(byPath["registry/docs/providers/hashicorp/random/index.json"], &idx); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"addr", "description", "versions", "popularity", "fork_count", "is_blocked", "link", "canonical_addr", "reverse_aliases", "warnings"} {
		if _, ok := idx[k]; !ok {
			t.Errorf("provider index lacks %q: %v", k, idx)
		}
	}
	if idx["link"] != in.Source || idx["canonical_addr"] != nil || idx["is_blocked"] != false {
		t.Errorf("link/canonical_addr/is_blocked = %v %v %v", idx["link"], idx["canonical_addr"], idx["is_blocked"])
	}
	if w, _ := idx["warnings"].([]any); len(w) != 1 || w[0] != in.Warnings[0] {
		t.Errorf("warnings = %v, want the data file's %v", idx["warnings"], in.Warnings)
	}
	if ra, ok := idx["reverse_aliases"].([]any); !ok || len(ra) != 0 {
		t.Errorf("reverse_aliases = %#v, want []", idx["reverse_aliases"])
	}
	for _, v := range []string{"v3.6.0", "v3.5.1"} {
		var ver DocsProviderVersion
		if err := json.Unmarshal(byPath["registry/docs/providers/hashicorp/random/"+v+"/index.json"], &ver); err != nil {
			t.Fatal(err)
		}
		if len(ver.Licenses) != 0 || !ver.IncompatibleLicense {
			t.Errorf("%s: license %v incompatible_license %v; no licence is incompatible", v, ver.Licenses, ver.IncompatibleLicense)
		}
		md := string(byPath["registry/docs/providers/hashicorp/random/"+v+"/index.md"])
		if !strings.HasPrefix(md, "# ") || !strings.Contains(md, in.Source) {
			t.Errorf("%s: overview page %q", v, md)
		}
	}

	// Without warnings the member is left out, as OpenTofu writes it.
	in.Warnings = nil
	files, err = ProviderFiles(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f.Path, "random/index.json") && strings.Contains(string(f.Data), `"warnings"`) {
			t.Errorf("warnings written without any: %s", f.Data)
		}
	}
}

// TestNewProviderInputWarnings: the data file's warnings reach the input.
func TestNewProviderInputWarnings(t *testing.T) {
	addr := regdata.ProviderAddr{Namespace: "hashicorp", Type: "random"}
	f := &regdata.ProviderFile{
		Versions: []regdata.ProviderVersion{servable(regdata.ProviderVersion{Version: "1.0.0"})},
		Warnings: []string{"moved to opentofu/random"},
	}
	in := NewProviderInput(addr, f, &regdata.Blacklist{}, "https://github.com/hashicorp/terraform-provider-random")
	if len(in.Warnings) != 1 || in.Warnings[0] != "moved to opentofu/random" {
		t.Errorf("warnings = %v", in.Warnings)
	}
	if d := in.docsProvider(); d.Link != "https://github.com/hashicorp/terraform-provider-random" || len(d.Warnings) != 1 {
		t.Errorf("docs index link %q warnings %v", d.Link, d.Warnings)
	}
}
