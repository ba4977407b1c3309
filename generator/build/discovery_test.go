package build

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/generator/discovery"
	"github.com/regen-registry/regen/manifest"
	"github.com/regen-registry/regen/moddocs"
	"github.com/regen-registry/regen/regdata"
)

func discoveryOptions(data, out string) Options {
	o := testOptions(data, out)
	o.Discovery = true
	o.DocsDir = filepath.Join(filepath.Dir(out), "no-docs")
	return o
}

// TestDiscoveryBuild checks that a build with the discovery API writes the
// module details, listings, search index and docs API next to the protocol
// files, all listed in the manifest.
func TestDiscoveryBuild(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	mustBuild(t, discoveryOptions(testData, out))
	tree := snapshot(t, out)
	for _, p := range []string{
		"v1/modules/index.json",
		"v1/modules/example/index.json",
		"v1/modules/example/net/aws/index.json",
		"v1/modules/example/net/aws/1.0.0/index.json",
		"v1/providers/index.json",
		"v2/modules/example/net/aws/downloads/summary",
		"registry/docs/modules/index.json",
		"registry/docs/providers/example/widget/index.json",
		"registry/docs/search.ndjson",
		discovery.SavedPath,
		"v1/modules/example/net/aws/versions", // the protocol is still there
	} {
		if _, ok := tree[p]; !ok {
			t.Errorf("%s missing", p)
		}
	}
	var list struct {
		Meta    map[string]any   `json:"meta"`
		Modules []map[string]any `json:"modules"`
	}
	b, err := os.ReadFile(filepath.Join(out, "v1/modules/index.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &list); err != nil {
		t.Fatalf("v1/modules: %v", err)
	}
	if len(list.Modules) != 3 || list.Meta["limit"] == nil {
		t.Errorf("v1/modules lists %d modules, meta %v; want 3 and a limit", len(list.Modules), list.Meta)
	}
	for _, m := range list.Modules {
		if v, _ := m["version"].(string); strings.Contains(v, "1.1.0") {
			t.Errorf("listing shows a blacklisted version: %v", m)
		}
	}
	var detail struct {
		ID       string   `json:"id"`
		Versions []string `json:"versions"`
	}
	b, _ = os.ReadFile(filepath.Join(out, "v1/modules/example/net/aws/index.json"))
	if err := json.Unmarshal(b, &detail); err != nil || !strings.HasPrefix(detail.ID, "example/net/aws/") || len(detail.Versions) == 0 {
		t.Errorf("module detail %s: %v", b, err)
	}
	// Every file but regen's own is in the manifest.
	listed := map[string]bool{}
	for _, e := range checkManifest(t, out) {
		for _, f := range e.Files {
			listed[f.Path] = true
		}
	}
	for p := range tree {
		if !listed[p] && !strings.HasPrefix(p, ".regen/") {
			t.Errorf("%s is not in the manifest", p)
		}
	}
}

// TestDiscoveryIncremental checks that an unchanged rebuild restores every
// entry from the saved state (same bytes), and that a new module version
// reaches the listings and the details without re-rendering other entries.
func TestDiscoveryIncremental(t *testing.T) {
	data := copyTree(t, testData)
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	full := mustBuild(t, discoveryOptions(data, out))
	before := contents(snapshot(t, out))

	s := mustBuild(t, discoveryOptions(data, out))
	if s.Full || s.Regenerated != 1 || s.Reused != full.Entries-1 || s.Written != 0 {
		t.Errorf("no-change rebuild: %+v, want only the global entry regenerated and nothing written", s)
	}
	if d := cmp.Diff(before, contents(snapshot(t, out))); d != "" {
		t.Errorf("no-change rebuild changed the tree:\n%s", d)
	}

	// A fresh full build of the same data gives the same tree.
	again := filepath.Join(dir, "again")
	mustBuild(t, discoveryOptions(data, again))
	if d := cmp.Diff(before, contents(snapshot(t, again))); d != "" {
		t.Errorf("two full builds differ:\n%s", d)
	}

	p := filepath.Join(data, "modules/e/example/net/aws.json")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var f map[string]any
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	f["versions"] = append(f["versions"].([]any), map[string]any{"version": "v7.0.0"})
	b, _ = json.MarshalIndent(f, "", "  ")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	s = mustBuild(t, discoveryOptions(data, out))
	if s.Full || s.Regenerated != 2 {
		t.Errorf("one-module rebuild: %+v, want the module and the global entry regenerated", s)
	}
	for _, doc := range []string{"v1/modules/example/net/aws/index.json", "v1/modules/example/net/aws/7.0.0/index.json", "v1/modules/index.json"} {
		b, err := os.ReadFile(filepath.Join(out, doc))
		if err != nil || !strings.Contains(string(b), "7.0.0") {
			t.Errorf("%s does not show the new version: %v", doc, err)
		}
	}
	if d := cmp.Diff(contents(snapshot(t, out)), func() map[string]string {
		fresh := filepath.Join(dir, "fresh")
		mustBuild(t, discoveryOptions(data, fresh))
		return contents(snapshot(t, fresh))
	}()); d != "" {
		t.Errorf("incremental and full builds differ (-incremental +full):\n%s", d)
	}
}

// TestDiscoveryToggleRebuildsInFull checks that turning the discovery API
// off removes its files (a full rebuild, not a stale mix).
func TestDiscoveryToggleRebuildsInFull(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	mustBuild(t, discoveryOptions(testData, out))
	s := mustBuild(t, testOptions(testData, out))
	if !s.Full {
		t.Errorf("turning discovery off did not rebuild in full: %+v", s)
	}
	if _, err := os.Stat(filepath.Join(out, "v1/modules/index.json")); err == nil {
		t.Error("v1/modules/index.json survived a build without discovery")
	}
	if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(manifest.Path))); err != nil {
		t.Error(err)
	}
}

// TestDiscoveryHostileData checks that data the protocols accept never
// fails the discovery API: build metadata in versions, members of the wrong
// type, modules and providers without publishable versions. (A bad date is
// a validate error: its version is not published at all.)
func TestDiscoveryHostileData(t *testing.T) {
	data := t.TempDir()
	write := func(rel, body string) {
		p := filepath.Join(data, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("modules/a/acme/net/aws.json", `{"description": 42, "verified": "yes", "versions": [
		{"version": "v1.0.0+build.5", "commit": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
		{"version": "v1.5.0", "discovered": "yesterday"},
		{"version": "1.0", "discovered": "2026-01-01T00:00:00Z"},
		{"version": "v2.0.0-rc.1"},
		{"version": "v3.0.0/../../x"},
		{"version": "v4.0.0\u0000"}]}`)
	write("modules/a/acme/empty/aws.json", `{"versions": []}`)
	write("modules/a/acme/pre/google.json", `{"versions": [{"version": "v0.1.0-alpha"}]}`)
	write("providers/a/acme/nothing.json", `{"versions": []}`)
	out := filepath.Join(t.TempDir(), "out")
	s := mustBuild(t, discoveryOptions(data, out))
	if s.Dropped != 3 {
		t.Errorf("dropped %d versions, want the 2 unparsable ones and the one with a bad date (validate errors)", s.Dropped)
	}
	for _, p := range []string{
		"v1/modules/acme/net/aws/1.0.0+build.5/index.json",
		"v1/modules/acme/net/aws/2.0.0-rc.1/index.json",
		"v1/modules/acme/pre/google/index.json",
		"v1/modules/acme/empty/aws/versions",
	} {
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(p))); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	b, err := os.ReadFile(filepath.Join(out, "v1/modules/index.json"))
	if err != nil || strings.Contains(string(b), "acme/empty") || !strings.Contains(string(b), "acme/net/aws") {
		t.Errorf("v1/modules lists %s (%v); want net, not the module without versions", b, err)
	}
	// Versions without a discovery date have no date in any document,
	// rather than the zero time.
	for p := range snapshot(t, out) {
		if strings.HasPrefix(p, ".regen/") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "0001-01-01") {
			t.Errorf("%s serves the zero time: %s", p, b)
		}
	}
	b, _ = os.ReadFile(filepath.Join(out, "v1/modules/acme/pre/google/index.json"))
	if strings.Contains(string(b), "published_at") {
		t.Errorf("detail of a version without a date has a published_at: %s", b)
	}
}

// TestDiscoveryDamagedSavedState checks that a damaged saved line costs a
// regeneration of its entry, not the build.
func TestDiscoveryDamagedSavedState(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	mustBuild(t, discoveryOptions(testData, out))
	want := contents(snapshot(t, out))
	p := filepath.Join(out, filepath.FromSlash(discovery.SavedPath))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	lines[1] = lines[1][:len(lines[1])/2] // cut a module's line in half
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	s := mustBuild(t, discoveryOptions(testData, out))
	if s.Full || s.Regenerated != 2 {
		t.Errorf("rebuild with a damaged line: %+v, want that entry and the global one regenerated", s)
	}
	if d := cmp.Diff(want, contents(snapshot(t, out))); d != "" {
		t.Errorf("tree differs after the repair:\n%s", d)
	}
}

// TestDiscoveryDocsChangeRegenerates checks that new documentation in the
// docs store reaches the module's details on the next build, which
// regenerates that module alone.
func TestDiscoveryDocsChangeRegenerates(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	o := discoveryOptions(testData, out)
	mustBuild(t, o)
	store := moddocs.NewStore(o.DocsDir, nil)
	a := regdata.ModuleAddr{Namespace: "example", Name: "net", System: "aws"}
	doc := &moddocs.Doc{Format: moddocs.Format, Root: moddocs.Module{
		ReadmeFile: "README.md", Readme: "# net\n\nA network module.\n",
		Inputs: []moddocs.Input{{Name: "cidr_block", Type: "string", Required: true}},
	}}
	if _, err := store.Put(context.Background(), a, "v1.2.0", strings.Repeat("b", 40), doc); err != nil {
		t.Fatal(err)
	}
	s := mustBuild(t, o)
	if s.Full || s.Regenerated != 2 {
		t.Errorf("rebuild after new docs: %+v, want the module and the global entry regenerated", s)
	}
	b, err := os.ReadFile(filepath.Join(out, "v1/modules/example/net/aws/1.2.0/index.json"))
	if err != nil || !strings.Contains(string(b), "cidr_block") || !strings.Contains(string(b), "A network module.") {
		t.Errorf("1.2.0 detail after new docs: %s %v", b, err)
	}
}

// countingProgress records what a build reports.
type countingProgress struct {
	total, done, finished int
}

func (p *countingProgress) Start(n int) { p.total = n }
func (p *countingProgress) Done()       { p.done++ }
func (p *countingProgress) Finish()     { p.finished++ }

// TestBuildReportsProgress checks that every entry, the global one
// included, is reported done once, and the report finished.
func TestBuildReportsProgress(t *testing.T) {
	var p countingProgress
	o := discoveryOptions(testData, filepath.Join(t.TempDir(), "out"))
	o.Progress = &p
	s := mustBuild(t, o)
	if p.total != s.Entries || p.done != s.Entries || p.finished != 1 {
		t.Errorf("progress %+v for %d entries", p, s.Entries)
	}
}
