package build

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/generator"
	"github.com/regen-registry/regen/internal/ghtest"
	"github.com/regen-registry/regen/internal/hostile"
	"github.com/regen-registry/regen/manifest"
	"github.com/regen-registry/regen/regdata"
)

var update = flag.Bool("update", false, "rewrite the golden trees under testdata/golden")

// TestSampleGoldenTree builds the real OpenTofu sample and compares the
// whole tree, manifest included, with testdata/golden/sample.
func TestSampleGoldenTree(t *testing.T) {
	if _, err := os.Stat(sampleData); err != nil {
		t.Fatalf("sample data missing: %v", err)
	}
	out := filepath.Join(t.TempDir(), "out")
	o := testOptions(sampleData, out)
	o.Generator.GitHubURL = ""
	mustBuild(t, o)
	got := contents(snapshot(t, out))
	golden := "testdata/golden/sample"
	if *update {
		os.RemoveAll(golden)
		for p := range got {
			b, _ := os.ReadFile(filepath.Join(out, p))
			dst := filepath.Join(golden, p)
			os.MkdirAll(filepath.Dir(dst), 0o755)
			if err := os.WriteFile(dst, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := contents(snapshot(t, golden))
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("tree differs from %s (-golden +built; run go test -update):\n%s", golden, d)
	}
	checkManifest(t, out)
}

// checkManifest reads the manifest with the manifest package and checks
// it lists exactly the tree's files with their true sha256 and size, and
// that manifest.Writer would have written the same bytes.
func checkManifest(t *testing.T, out string) []manifest.Entry {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(out, manifest.Path))
	if err != nil {
		t.Fatal(err)
	}
	r, err := manifest.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var rewritten bytes.Buffer
	w, _ := manifest.NewWriter(&rewritten, r.Header())
	tree := snapshot(t, out)
	listed := map[string]bool{}
	var entries []manifest.Entry
	for {
		e, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e)
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
		for _, f := range e.Files {
			listed[f.Path] = true
			st, ok := tree[f.Path]
			if !ok {
				t.Errorf("manifest lists %s, not in the tree", f.Path)
				continue
			}
			fi, _ := os.Stat(filepath.Join(out, f.Path))
			if st.sum != f.SHA256 || fi.Size() != f.Size || f.Type != manifest.ContentType(f.Path) {
				t.Errorf("%s: manifest %+v does not match the file", f.Path, f)
			}
			want := manifest.ClassLeaf
			switch {
			case f.Path == generator.DiscoveryPath:
				want = manifest.ClassDiscovery
			case strings.HasSuffix(f.Path, "/versions"), strings.HasSuffix(f.Path, "/index.json"),
				strings.Count(f.Path, "/") == 5 && strings.HasPrefix(f.Path, "v1/modules/"):
				want = manifest.ClassIndex
			}
			protocol := f.Path == generator.DiscoveryPath || strings.HasPrefix(f.Path, "mirror/") ||
				strings.HasSuffix(f.Path, "/versions") || strings.Contains(f.Path, "/download/") || strings.HasSuffix(f.Path, "/download")
			if protocol && f.Class != want {
				t.Errorf("%s: class %s, want %s", f.Path, f.Class, want)
			}
		}
	}
	w.Close()
	if !bytes.Equal(rewritten.Bytes(), raw) {
		t.Error("manifest.Writer would write different bytes for the same entries")
	}
	for p := range tree {
		if !listed[p] && !strings.HasPrefix(p, ".regen/") {
			t.Errorf("%s is in the tree but not in the manifest", p)
		}
	}
	if len(entries) == 0 || entries[len(entries)-1].Key != globalKey {
		t.Errorf("last manifest entry is not %s", globalKey)
	}
	return entries
}

func TestDeterministic(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	oa := testOptions(testData, a)
	oa.Jobs = 1
	ob := testOptions(testData, b)
	ob.Jobs = 16
	mustBuild(t, oa)
	mustBuild(t, ob)
	if d := cmp.Diff(contents(snapshot(t, a)), contents(snapshot(t, b))); d != "" {
		t.Errorf("two builds of the same data differ:\n%s", d)
	}
	// --full over an existing tree gives the same bytes too.
	ob.Full = true
	if s := mustBuild(t, ob); !s.Full {
		t.Error("--full did not rebuild in full")
	}
	if d := cmp.Diff(contents(snapshot(t, a)), contents(snapshot(t, b))); d != "" {
		t.Errorf("full rebuild differs:\n%s", d)
	}
	if s := siblings(t, b); len(s) != 1 {
		t.Errorf("left behind next to the output: %v", s)
	}
}

func TestTreeContent(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	s := mustBuild(t, testOptions(testData, out))
	tree := snapshot(t, out)
	for _, p := range []string{
		generator.DiscoveryPath,
		"v1/providers/example/widget/1.0.0/download/linux/amd64", // listed as v1.0
		"v1/modules/example/net/aws/1.0.0/download",              // listed as v1.0
		"v1/providers/example/gadget/versions",                   // Example/gadget, lower-cased
		"v1/modules/example/upper/aws/download",
		"mirror/registry.example.test/example/widget/index.json",
	} {
		if _, ok := tree[p]; !ok {
			t.Errorf("%s missing", p)
		}
	}
	for p := range tree {
		if strings.Contains(p, "1.1.0") || strings.Contains(p, "0.9.0") {
			t.Errorf("blacklisted version published at %s", p)
		}
		if p != strings.ToLower(p) {
			t.Errorf("API path not lower-cased: %s", p)
		}
	}
	if s.Dropped != 5 || s.Written != len(tree)-2 || s.Regenerated != s.Entries {
		t.Errorf("summary %+v (tree %d files)", s, len(tree))
	}
}

func TestIncrementalRewritesOnlyChanged(t *testing.T) {
	data := copyTree(t, testData)
	out := filepath.Join(t.TempDir(), "out")
	o := testOptions(data, out)
	mustBuild(t, o)
	before := snapshot(t, out)

	// Nothing changed: nothing written, every entry reused.
	s := mustBuild(t, o)
	if s.Full || s.Written != 0 || s.Deleted != 0 || s.Reused != s.Entries-1 {
		t.Errorf("no-op rebuild: %+v", s)
	}
	assertRewritten(t, before, snapshot(t, out), nil)

	// A new module version: its download document, the versions document
	// and the latest download change; nothing else is touched.
	mod := filepath.Join(data, "modules/e/example/net/aws.json")
	f, err := regdata.ParseModuleFile(mustRead(t, mod))
	if err != nil {
		t.Fatal(err)
	}
	f.Versions = append(f.Versions, regdata.ModuleVersion{Version: "v1.3.0", Commit: strings.Repeat("e", 40)})
	writeData(t, mod, f.Encode)
	s = mustBuild(t, o)
	after := snapshot(t, out)
	assertRewritten(t, before, after, []string{
		"v1/modules/example/net/aws/1.3.0/download",
		"v1/modules/example/net/aws/versions",
		"v1/modules/example/net/aws/download",
	})
	if s.Regenerated != 2 || s.Written != 3 || s.Deleted != 0 {
		t.Errorf("summary after adding a version: %+v", s)
	}
	if !strings.Contains(string(mustRead(t, filepath.Join(out, "v1/modules/example/net/aws/download"))), `"version": "1.3.0"`) {
		t.Error("latest download does not point at the new version")
	}

	// Blacklisting a version deletes its documents.
	bl, _ := regdata.Dir{Root: data}.ReadBlacklist()
	bl.Modules = append(bl.Modules, regdata.BlacklistedModule{Namespace: "example", Name: "net", Target: "aws", Version: "1.3.0", Reason: "test"})
	if err := (regdata.Dir{Root: data}).WriteBlacklist(bl); err != nil {
		t.Fatal(err)
	}
	before = after
	s = mustBuild(t, o)
	after = snapshot(t, out)
	if _, ok := after["v1/modules/example/net/aws/1.3.0/download"]; ok {
		t.Error("blacklisted version still published")
	}
	if _, err := os.Stat(filepath.Join(out, "v1/modules/example/net/aws/1.3.0")); !errors.Is(err, fs.ErrNotExist) {
		t.Error("emptied version folder not removed")
	}
	assertRewritten(t, before, after, []string{"v1/modules/example/net/aws/versions", "v1/modules/example/net/aws/download"})
	if s.Deleted != 1 {
		t.Errorf("summary after blacklisting: %+v", s)
	}

	// A removed data file removes all its documents.
	if err := os.Remove(filepath.Join(data, "modules/e/example/custom/google.json")); err != nil {
		t.Fatal(err)
	}
	s = mustBuild(t, o)
	if s.Removed != 1 || s.Deleted != 3 {
		t.Errorf("summary after removing a module: %+v", s)
	}
	if _, err := os.Stat(filepath.Join(out, "v1/modules/example/custom")); !errors.Is(err, fs.ErrNotExist) {
		t.Error("removed module's folders left behind")
	}

	// A new namespace key changes every download document of the
	// namespace's providers (and only those).
	before = snapshot(t, out)
	key := mustRead(t, filepath.Join(data, "keys/e/example/widget/provider.asc"))
	if err := os.WriteFile(filepath.Join(data, "keys/e/example/second.asc"), key, 0o644); err != nil {
		t.Fatal(err)
	}
	mustBuild(t, o)
	var changed []string
	for p := range before {
		if strings.Contains(p, "/download/") {
			changed = append(changed, p)
		}
	}
	assertRewritten(t, before, snapshot(t, out), changed)
	checkManifest(t, out)
}

// assertRewritten checks that exactly the listed tree files (besides the
// manifest and side index) were created or replaced between two snapshots.
func assertRewritten(t *testing.T, before, after map[string]fileState, want []string) {
	t.Helper()
	var got []string
	for p, a := range after {
		if strings.HasPrefix(p, ".regen/") {
			continue
		}
		if b, ok := before[p]; !ok || b.ino != a.ino || !b.mtime.Equal(a.mtime) {
			got = append(got, p)
		}
	}
	slices.Sort(got)
	want = slices.Clone(want)
	slices.Sort(want)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("files written (-want +got):\n%s", d)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeData(t *testing.T, p string, encode func() ([]byte, error)) {
	t.Helper()
	b, err := encode()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestBrokenDataLeavesPreviousTree(t *testing.T) {
	data := copyTree(t, testData)
	out := filepath.Join(t.TempDir(), "out")
	o := testOptions(data, out)
	mustBuild(t, o)
	before := snapshot(t, out)

	bad := filepath.Join(data, "providers/e/example/widget.json")
	if err := os.WriteFile(bad, []byte("{\n  \"versions\": [\n    {\"version\": 1}\n  ]\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(data, "modules/e/example/net/aws.json")
	if err := os.WriteFile(other, []byte(`{"versions": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, full := range []bool{false, true} {
		o.Full = full
		_, err := Run(context.Background(), o)
		if err == nil {
			t.Fatal("build over broken data succeeded")
		}
		for _, want := range []string{"providers/e/example/widget.json: line 3", "modules/e/example/net/aws.json"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not name %s", err, want)
			}
		}
		after := snapshot(t, out)
		if d := cmp.Diff(before, after, cmp.AllowUnexported(fileState{})); d != "" {
			t.Errorf("full=%v: previous tree changed:\n%s", full, d)
		}
		if s := siblings(t, out); len(s) != 1 {
			t.Errorf("full=%v: left behind next to the output: %v", full, s)
		}
	}

	// A first build over broken data creates nothing.
	fresh := filepath.Join(t.TempDir(), "fresh")
	if _, err := Run(context.Background(), testOptions(data, fresh)); err == nil {
		t.Fatal("first build over broken data succeeded")
	}
	if s := siblings(t, fresh); len(s) != 0 {
		t.Errorf("failed first build left %v", s)
	}
}

func TestCaseCollision(t *testing.T) {
	data := copyTree(t, testData)
	src := mustRead(t, filepath.Join(data, "providers/e/example/widget.json"))
	if err := os.WriteFile(filepath.Join(data, "providers/e/Example/widget.json"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Run(context.Background(), testOptions(data, filepath.Join(t.TempDir(), "out")))
	if err == nil || !strings.Contains(err.Error(), "providers/e/Example/widget.json") || !strings.Contains(err.Error(), "providers/e/example/widget.json") {
		t.Fatalf("collision error %v does not name both files", err)
	}
}

func TestOptionsChangeRebuildsInFull(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	o := testOptions(testData, out)
	mustBuild(t, o)
	o.Generator.BaseURL = "https://other.example.test"
	s := mustBuild(t, o)
	if !s.Full {
		t.Errorf("changed base URL: %+v, want a full rebuild", s)
	}
	tree := snapshot(t, out)
	if _, ok := tree["mirror/other.example.test/example/widget/index.json"]; !ok {
		t.Error("mirror not under the new host")
	}
	for p := range tree {
		if strings.HasPrefix(p, "mirror/registry.example.test/") {
			t.Errorf("old mirror file %s left behind", p)
		}
	}
	if s := siblings(t, out); len(s) != 1 {
		t.Errorf("left behind: %v", s)
	}
}

func TestInterruptedCommitIsRepaired(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	o := testOptions(testData, out)
	mustBuild(t, o)
	want := snapshot(t, out)
	// As if a rebuild died while moving module/example/net/aws's files:
	// one of them holds other bytes, and the dirty list names the entry.
	p := filepath.Join(out, "v1/modules/example/net/aws/versions")
	if err := os.WriteFile(p, []byte("half-moved"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, dirtyFile), []byte("module/example/net/aws\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustBuild(t, o)
	got := snapshot(t, out)
	if got["v1/modules/example/net/aws/versions"].sum != want["v1/modules/example/net/aws/versions"].sum {
		t.Error("dirty entry not rewritten")
	}
	if _, ok := got[dirtyFile]; ok {
		t.Error("dirty list not removed after a successful build")
	}
}

func TestSideIndexIsOnlyACache(t *testing.T) {
	data := copyTree(t, testData)
	out := filepath.Join(t.TempDir(), "out")
	o := testOptions(data, out)
	mustBuild(t, o)
	idx := filepath.Join(out, IndexPath)
	for name, spoil := range map[string]func(){
		"missing": func() { os.Remove(idx) },
		"stale":   func() { os.WriteFile(idx, []byte("regen-inputs/1\t1\t1\n"), 0o644) },
		"garbage": func() { os.WriteFile(idx, []byte("nonsense"), 0o644) },
		"damaged line": func() {
			lines := strings.Split(string(mustRead(t, idx)), "\n")
			lines[len(lines)/2] = "module/x\tnot\ta line"
			os.WriteFile(idx, []byte(strings.Join(lines, "\n")), 0o644)
		},
		"out of order": func() {
			lines := strings.Split(string(mustRead(t, idx)), "\n")
			lines[1], lines[2] = lines[2], lines[1]
			os.WriteFile(idx, []byte(strings.Join(lines, "\n")), 0o644)
		},
	} {
		before := snapshot(t, out)
		spoil()
		s := mustBuild(t, o)
		if s.Full || s.Written != 0 || s.Reused != s.Entries-1 {
			t.Errorf("%s index: %+v, want an incremental no-op", name, s)
		}
		assertRewritten(t, before, snapshot(t, out), nil)
		if _, err := os.Stat(idx); err != nil {
			t.Errorf("%s index: not rewritten: %v", name, err)
		}
	}
	// A data file changed without changing its size or modification time
	// (which only a racy writer can do) is caught when its stat is not
	// trusted: files modified within racyWindow of a build are re-read.
	real := filepath.Join(data, "modules/e/Example/Upper/aws.json")
	b := mustRead(t, real)
	fi, _ := os.Stat(real)
	nb := bytes.Replace(b, []byte("v0.1.0"), []byte("v0.2.0"), 1)
	if err := os.WriteFile(real, nb, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(real, fi.ModTime(), fi.ModTime())
	mustBuild(t, o)
	if _, err := os.Stat(filepath.Join(out, "v1/modules/example/upper/aws/0.2.0/download")); err != nil {
		t.Errorf("same-stat change of a recently written data file missed: %v", err)
	}
}

func TestRefusesForeignOutput(t *testing.T) {
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, "precious.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Run(context.Background(), testOptions(testData, out))
	if err == nil || !strings.Contains(err.Error(), "not a regen build") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "precious.txt")); err != nil {
		t.Error("foreign folder touched")
	}
	// An empty folder is fine.
	empty := t.TempDir()
	mustBuild(t, testOptions(testData, empty))
	if _, err := os.Stat(filepath.Join(empty, generator.DiscoveryPath)); err != nil {
		t.Error(err)
	}
}

func TestKeyCacheMatchesDir(t *testing.T) {
	for _, root := range []string{testData, sampleData} {
		d := regdata.Dir{Root: root}
		c := newKeyCache(root)
		provs, _, err := d.Providers()
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range provs {
			want, err := d.ProviderKeys(a)
			if err != nil {
				t.Fatal(err)
			}
			files, err := c.provider(a)
			if err != nil {
				t.Fatal(err)
			}
			got, err := keys(files)
			if err != nil {
				t.Fatal(err)
			}
			if len(want) == 0 {
				want = []regdata.Key{}
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("%s: keys differ from regdata (-regdata +cache):\n%s", a, d)
			}
		}
	}
}

func TestFloorWritesTheSameFiles(t *testing.T) {
	dir := t.TempDir()
	out, floor := filepath.Join(dir, "out"), filepath.Join(dir, "floor")
	mustBuild(t, testOptions(testData, out))
	r, err := Floor(context.Background(), filepath.Join(out, manifest.Path), floor, 4)
	if err != nil {
		t.Fatal(err)
	}
	built, zeros := snapshot(t, out), snapshot(t, floor)
	if r.Files != len(zeros) || r.Files != len(built)-2 {
		t.Errorf("floor wrote %d files (%d on disk), build %d", r.Files, len(zeros), len(built)-2)
	}
	for p := range zeros {
		a, _ := os.Stat(filepath.Join(out, p))
		b, _ := os.Stat(filepath.Join(floor, p))
		if a == nil || a.Size() != b.Size() {
			t.Errorf("%s: floor size differs", p)
		}
	}
}

// A key file holding two keys in one armored block (issue 10's smuggling
// shape) is published as two keys, each under its own ID with an armor
// holding that key alone: never both under the first one's ID.
func TestBuildPublishesEveryKeyOfAFile(t *testing.T) {
	data := copyTree(t, testData)
	attacker, owner := ghtest.NewKeyEd25519(t, "attacker"), ghtest.NewKeyEd25519(t, "owner")
	block, err := hostile.OneBlock(attacker.Armored(), owner.Armored())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "keys/e/example/widget/"+attacker.KeyID()+".asc"), []byte(block), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	mustBuild(t, testOptions(data, out))
	docs, err := filepath.Glob(filepath.Join(out, "v1/providers/example/widget/*/download/*/*"))
	if err != nil || len(docs) == 0 {
		t.Fatalf("no download documents (%v)", err)
	}
	var doc struct {
		SigningKeys struct {
			GPGPublicKeys []struct {
				KeyID      string `json:"key_id"`
				ASCIIArmor string `json:"ascii_armor"`
			} `json:"gpg_public_keys"`
		} `json:"signing_keys"`
	}
	if err := json.Unmarshal(mustRead(t, docs[0]), &doc); err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, k := range doc.SigningKeys.GPGPublicKeys {
		ids, err := regdata.ParseKeys([]byte(k.ASCIIArmor))
		if err != nil || len(ids) != 1 || ids[0] != k.KeyID {
			t.Errorf("entry %s: armor holds %v (%v), want that key alone", k.KeyID, ids, err)
		}
		found[k.KeyID] = true
	}
	if !found[attacker.KeyID()] || !found[owner.KeyID()] {
		t.Errorf("published keys %v, want both %s and %s", found, attacker.KeyID(), owner.KeyID())
	}
}
