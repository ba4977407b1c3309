package build

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/generator/discovery"
	"github.com/regen-registry/regen/manifest"
	"github.com/regen-registry/regen/moddocs"
	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/stats"
)

// registryWide are the documents of the global entry, rendered on every
// build from all entries: an input change may change any of them, and
// each must then equal a full build's (checked by comparing the trees).
var registryWide = []string{
	"v1/modules/index.json", "v1/modules/example/index.json", "v1/modules/example/net/index.json",
	"v1/modules/example/custom/index.json", "v1/modules/example/upper/index.json",
	"v1/providers/index.json", "v1/providers/example/index.json",
	"v1/search-index/", "v2/modules/", "registry/docs/modules/index.json",
	"registry/docs/providers/index.json", "registry/docs/search.ndjson", "feeds/",
}

func isRegistryWide(p string) bool {
	for _, g := range registryWide {
		if p == g || strings.HasSuffix(g, "/") && strings.HasPrefix(p, g) {
			return true
		}
	}
	return false
}

// manifestFiles returns every file of a built tree's manifest: path →
// sha256.
func manifestFiles(t *testing.T, out string) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, e := range checkManifest(t, out) {
		for _, f := range e.Files {
			files[f.Path] = f.SHA256
		}
	}
	return files
}

// changedPaths lists the paths added, removed or changed between two
// manifests, leaving out the registry-wide documents.
func changedPaths(before, after map[string]string) []string {
	var out []string
	for p, s := range after {
		if before[p] != s && !isRegistryWide(p) {
			out = append(out, p)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok && !isRegistryWide(p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// under lists the paths of m that start with one of the prefixes (a
// prefix ending in "/" names a folder, any other an exact path).
func under(m map[string]string, prefixes ...string) []string {
	var out []string
	for p := range m {
		for _, pre := range prefixes {
			if p == pre || strings.HasSuffix(pre, "/") && strings.HasPrefix(p, pre) {
				out = append(out, p)
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

// netDocs are the per-entry discovery documents of module example/net/aws
// that carry its description, downloads, systems or versions: every
// detail and the OpenTofu module index (the OpenTofu version documents
// carry none of these).
var netDocs = []string{
	"v1/modules/example/net/aws/index.json",
	"v1/modules/example/net/aws/1.0.0/index.json",
	"v1/modules/example/net/aws/1.2.0/index.json",
	"v1/modules/example/net/aws/2.0.0-beta1/index.json",
	"registry/docs/modules/example/net/aws/index.json",
}

// TestBuildInputsDecideRegeneration changes each kind of input of a build
// alone — a data file, a signing key, the blacklist, the docs store, the
// download counts, another entry's data (the systems under a module's
// name), the build options — and checks that an incremental build then
// (1) regenerates only the entries that depend on it, (2) changes exactly
// the documents that depend on it and (3) writes the same tree as a full
// build of the changed inputs. It is the regression test for module
// details keeping old download counts after an incremental build.
func TestBuildInputsDecideRegeneration(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	type change struct {
		name  string
		apply func(t *testing.T, data string, o *Options)
		// regenerated is the number of entries an incremental build
		// regenerates (the global entry included); 0 means a full build.
		regenerated int
		// want returns the per-entry documents that must change, given
		// the manifests before and after.
		want func(before, after map[string]string) []string
	}
	writeJSON := func(t *testing.T, p, body string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit := func(t *testing.T, p, old, new string) {
		t.Helper()
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), old) {
			t.Fatalf("%s does not contain %q", p, old)
		}
		if err := os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := []change{{
		name: "data file",
		apply: func(t *testing.T, data string, _ *Options) {
			edit(t, filepath.Join(data, "modules/e/example/net/aws.json"), `"versions"`, `"description": "Networks, changed.", "versions"`)
		},
		regenerated: 2,
		want:        func(_, _ map[string]string) []string { return netDocs },
	}, {
		name: "another entry's data (systems under the same name)",
		apply: func(t *testing.T, data string, _ *Options) {
			writeJSON(t, filepath.Join(data, "modules/e/example/net/google.json"), `{"versions": [{"version": "v1.0.0"}]}`)
		},
		regenerated: 3, // net/aws (its "providers"), the new net/google, global
		want: func(_, after map[string]string) []string {
			// The OpenTofu module index does not list the systems.
			return append(netDocs[:4:4], under(after, "v1/modules/example/net/google/", "registry/docs/modules/example/net/google/")...)
		},
	}, {
		name: "signing key",
		apply: func(t *testing.T, data string, _ *Options) {
			// Without its own key the provider is signed by the namespace key.
			if err := os.RemoveAll(filepath.Join(data, "keys/e/example/widget")); err != nil {
				t.Fatal(err)
			}
		},
		regenerated: 2,
		want: func(before, _ map[string]string) []string {
			var out []string
			for _, p := range under(before, "v1/providers/example/widget/") {
				if strings.Contains(p, "/download/") {
					out = append(out, p)
				}
			}
			return out
		},
	}, {
		name: "blacklist",
		apply: func(t *testing.T, data string, _ *Options) {
			edit(t, filepath.Join(data, "versions_blacklist.json"), `"providers": [`, `"providers": [{"namespace": "example", "name": "gadget", "version": "0.1.0", "reason": "test"},`)
		},
		regenerated: 2,
		want: func(before, _ map[string]string) []string {
			return under(before, "v1/providers/example/gadget/", "registry/docs/providers/example/gadget/",
				"mirror/registry.example.test/example/gadget/")
		},
	}, {
		name: "docs store",
		apply: func(t *testing.T, _ string, o *Options) {
			doc := &moddocs.Doc{Format: moddocs.Format, Root: moddocs.Module{ReadmeFile: "README.md", Readme: "# net\n\nA network module.\n"}}
			a := regdata.ModuleAddr{Namespace: "example", Name: "net", System: "aws"}
			if _, err := moddocs.NewStore(o.DocsDir, nil).Put(context.Background(), a, "v1.2.0", strings.Repeat("b", 40), doc); err != nil {
				t.Fatal(err)
			}
		},
		regenerated: 2,
		want: func(_, after map[string]string) []string {
			// The README of 1.2.0 (the latest) gives every detail its
			// description; 1.2.0's OpenTofu documents change too.
			return append(slices.Clone(netDocs), under(after, "registry/docs/modules/example/net/aws/v1.2.0/")...)
		},
	}, {
		name: "download counts",
		apply: func(t *testing.T, data string, _ *Options) {
			c := stats.Counts{}
			c.Add("module/example/net/aws", "2026-11-30", 3)
			c.Add("provider/example/widget", "2026-11-30", 5)
			if err := stats.NewStore(stats.DataDir(data)).Add(context.Background(), c); err != nil {
				t.Fatal(err)
			}
		},
		regenerated: 3,
		want: func(_, _ map[string]string) []string {
			return append(slices.Clone(netDocs), "registry/docs/providers/example/widget/index.json")
		},
	}, {
		name: "options (base URL)",
		apply: func(_ *testing.T, _ string, o *Options) {
			o.Generator.BaseURL = "https://other.example.test"
		},
		want: func(before, after map[string]string) []string {
			// The mirror tree is keyed by the host; every other document
			// uses relative URLs.
			return under(mergeKeys(before, after), "mirror/")
		},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := copyTree(t, testData)
			dir := t.TempDir()
			out := filepath.Join(dir, "out")
			o := discoveryOptions(data, out)
			o.Now = now
			mustBuild(t, o)
			before := manifestFiles(t, out)

			c.apply(t, data, &o)
			s := mustBuild(t, o)
			if c.regenerated == 0 && !s.Full {
				t.Errorf("build after the change: %+v, want a full build", s)
			}
			if c.regenerated > 0 && (s.Full || s.Regenerated != c.regenerated) {
				t.Errorf("build after the change regenerated %d entries (full %v), want %d", s.Regenerated, s.Full, c.regenerated)
			}
			after := manifestFiles(t, out)
			want := slices.Clone(c.want(before, after))
			slices.Sort(want)
			if d := cmp.Diff(want, changedPaths(before, after)); d != "" {
				t.Errorf("changed documents (-want +got):\n%s", d)
			}

			fresh := filepath.Join(dir, "fresh")
			fo := o
			fo.Out = fresh
			mustBuild(t, fo)
			if d := cmp.Diff(contents(snapshot(t, fresh)), contents(snapshot(t, out))); d != "" {
				t.Errorf("incremental build differs from a full build (-full +incremental):\n%s", d)
			}
		})
	}
}

func mergeKeys(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

var (
	_ = discovery.SavedPath
	_ = manifest.Path
)
