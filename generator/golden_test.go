package generator

import (
	"bytes"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/regen-registry/regen/regdata"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

const testData = "testdata/data"

// testOptions are the options the golden files were generated with.
func testOptions(t testing.TB) Options {
	t.Helper()
	o, err := Options{BaseURL: "https://registry.example.test", GitHubURL: "file:///srv/git"}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// generateAll runs the generator over every entry of a data folder.
func generateAll(t *testing.T, d regdata.Dir, opts Options) []File {
	t.Helper()
	bl, err := d.ReadBlacklist()
	if err != nil {
		t.Fatal(err)
	}
	files := []File{Discovery(opts)}
	provs, bad, err := d.Providers()
	if err != nil || len(bad) > 0 {
		t.Fatalf("providers: %v, bad %v", err, bad)
	}
	for _, a := range provs {
		f, err := d.ReadProvider(a)
		if err != nil {
			t.Fatal(err)
		}
		keys, err := d.ProviderKeys(a)
		if err != nil {
			t.Fatal(err)
		}
		fs, _, err := Provider(a, f, keys, bl, opts)
		if err != nil {
			t.Fatalf("Provider(%s): %v", a, err)
		}
		files = append(files, fs...)
	}
	mods, bad, err := d.Modules()
	if err != nil || len(bad) > 0 {
		t.Fatalf("modules: %v, bad %v", err, bad)
	}
	for _, a := range mods {
		f, err := d.ReadModule(a)
		if err != nil {
			t.Fatal(err)
		}
		fs, _, err := Module(a, f, bl, opts)
		if err != nil {
			t.Fatalf("Module(%s): %v", a, err)
		}
		files = append(files, fs...)
	}
	return files
}

// checkGolden compares files with the tree under dir (or rewrites it with
// -update), and fails on golden files no longer generated.
func checkGolden(t *testing.T, dir string, files []File) {
	t.Helper()
	want := map[string]bool{}
	for _, f := range files {
		if want[f.Path] {
			t.Errorf("path generated twice: %s", f.Path)
		}
		want[f.Path] = true
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if *update {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Body, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("%s: no golden file (run go test -update): %v", f.Path, err)
			continue
		}
		if !bytes.Equal(got, f.Body) {
			t.Errorf("%s differs from golden file:\n--- got\n%s\n--- want\n%s", f.Path, f.Body, got)
		}
	}
	filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if !want[rel] {
			if *update {
				return os.Remove(p)
			}
			t.Errorf("golden file %s is no longer generated", rel)
		}
		return nil
	})
}

func TestGoldenResponses(t *testing.T) {
	files := generateAll(t, regdata.Dir{Root: testData}, testOptions(t))
	checkGolden(t, "testdata/golden/responses", files)
	// Every response kind is covered by the golden tree.
	kinds := map[string]string{
		"discovery":         DiscoveryPath,
		"provider versions": "v1/providers/example/widget/versions",
		"provider download": "v1/providers/example/widget/2.0.0/download/linux/amd64",
		"two-part version":  "v1/providers/example/widget/1.0.0/download/linux/amd64",
		"mirror index":      "mirror/registry.example.test/example/widget/index.json",
		"mirror version":    "mirror/registry.example.test/example/widget/2.0.0.json",
		"module versions":   "v1/modules/example/net/aws/versions",
		"module download":   "v1/modules/example/net/aws/1.2.0/download",
		"module tag ref":    "v1/modules/example/net/aws/1.0.0/download",
		"custom repository": "v1/modules/example/custom/google/1.0.0/download",
		"latest download":   "v1/modules/example/net/aws/download",
		"lower-cased path":  "v1/providers/example/gadget/versions",
	}
	have := map[string]bool{}
	for _, f := range files {
		have[f.Path] = true
		if !json.Valid(f.Body) || !bytes.HasSuffix(f.Body, []byte("}\n")) {
			t.Errorf("%s: not a JSON document with a trailing newline", f.Path)
		}
	}
	for kind, p := range kinds {
		if !have[p] {
			t.Errorf("%s: %s not generated", kind, p)
		}
	}
	// Blacklisted, unparsable and broken versions appear nowhere.
	for _, f := range files {
		for _, hidden := range []string{"1.1.0", "1.5.0", "0.9.0", "not-a-version", "release+1"} {
			if strings.Contains(f.Path, "/"+hidden+"/") || strings.Contains(f.Path, "/"+hidden+".json") ||
				bytes.Contains(f.Body, []byte(`"`+hidden+`"`)) || bytes.Contains(f.Body, []byte(`"`+hidden+`": {}`)) {
				t.Errorf("%s mentions hidden version %s:\n%s", f.Path, hidden, f.Body)
			}
		}
	}
}

func TestDownloadDocumentContent(t *testing.T) {
	opts := testOptions(t)
	d := regdata.Dir{Root: testData}
	a := regdata.ProviderAddr{Namespace: "example", Type: "widget"}
	f, _ := d.ReadProvider(a)
	keys, err := d.ProviderKeys(a)
	if err != nil || len(keys) != 2 {
		t.Fatalf("keys = %v, %v; want the namespace and the provider key", keys, err)
	}
	files, dropped, err := Provider(a, f, keys, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	// 1.5.0 has a shasum, h1 and download_url validate calls errors.
	if len(dropped) != 2 || dropped[0].Version != "1.5.0" || dropped[0].Field != "versions[1].targets[0].download_url" ||
		dropped[1].Version != "not-a-version" || dropped[1].Field != "versions[4].version" {
		t.Errorf("dropped (no blacklist) = %+v, want the version with bad values and the unparsable one", dropped)
	}
	byPath := map[string][]byte{}
	for _, f := range files {
		byPath[f.Path] = f.Body
	}
	type pkg struct {
		Hashes      []string `json:"hashes"`
		PackageSize int64    `json:"package_size"`
	}
	var doc struct {
		OS, Arch, Shasum string
		SigningKeys      struct {
			GPGPublicKeys []struct {
				KeyID      string `json:"key_id"`
				ASCIIArmor string `json:"ascii_armor"`
			} `json:"gpg_public_keys"`
		} `json:"signing_keys"`
		Packages map[string]pkg `json:"packages"`
	}
	if err := json.Unmarshal(byPath["v1/providers/example/widget/2.0.0/download/linux/amd64"], &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OS != "linux" || doc.Arch != "amd64" {
		t.Errorf("os/arch = %s/%s", doc.OS, doc.Arch)
	}
	if n := len(doc.SigningKeys.GPGPublicKeys); n != 2 {
		t.Fatalf("%d signing keys, want 2", n)
	}
	for i, k := range doc.SigningKeys.GPGPublicKeys {
		if k.KeyID != keys[i].KeyID || !strings.HasPrefix(k.ASCIIArmor, "-----BEGIN PGP PUBLIC KEY BLOCK-----") {
			t.Errorf("key %d = %s", i, k.KeyID)
		}
	}
	// windows_amd64 has no size: left out of the map; the others carry
	// h1 and zh, and zh matches the document's shasum.
	if len(doc.Packages) != 2 {
		t.Fatalf("packages = %v, want darwin_arm64 and linux_amd64", doc.Packages)
	}
	if p := doc.Packages["linux_amd64"]; p.PackageSize != 4096 || !slices.Equal(p.Hashes, []string{"h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "zh:" + doc.Shasum}) {
		t.Errorf("linux_amd64 package = %+v", p)
	}
	// The document of a platform outside the map has no map at all, as
	// OpenTofu would reject it.
	if bytes.Contains(byPath["v1/providers/example/widget/2.0.0/download/windows/amd64"], []byte(`"packages"`)) {
		t.Error("windows/amd64 document has a packages map without its own platform")
	}
	// The mirror document points at the release asset.
	var mirror struct {
		Archives map[string]struct {
			URL    string   `json:"url"`
			Hashes []string `json:"hashes"`
		} `json:"archives"`
	}
	if err := json.Unmarshal(byPath["mirror/registry.example.test/example/widget/1.0.0.json"], &mirror); err != nil {
		t.Fatal(err)
	}
	got := mirror.Archives["linux_amd64"]
	if got.URL != "https://github.com/example/terraform-provider-widget/releases/download/v1.0/terraform-provider-widget_1.0_linux_amd64.zip" {
		t.Errorf("mirror url = %s", got.URL)
	}
	if !slices.Equal(got.Hashes, []string{"h1:CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCA=", "zh:5555555555555555555555555555555555555555555555555555555555555555"}) {
		t.Errorf("mirror hashes = %v (sorted)", got.Hashes)
	}
}

func TestNoMirrorWithoutHostname(t *testing.T) {
	opts, err := Options{}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range generateAll(t, regdata.Dir{Root: testData}, opts) {
		if strings.HasPrefix(f.Path, "mirror/") {
			t.Errorf("mirror file %s generated without a hostname", f.Path)
		}
	}
	opts, _ = Options{Hostname: "Registry.Example.TEST:8443", MirrorPrefix: "/pm/"}.Normalize()
	files := generateAll(t, regdata.Dir{Root: testData}, opts)
	found := false
	for _, f := range files {
		found = found || f.Path == "pm/registry.example.test/example/widget/index.json"
		if strings.Contains(f.Path, ":") {
			t.Errorf("%s: no client can use a mirror keyed by a host with a port", f.Path)
		}
	}
	if !found {
		t.Error("mirror index not under --mirror-prefix/<lower-cased host without port>")
	}
}

// TestMirrorHost: the mirror is keyed by the host without its port, since
// terraform and tofu refuse "first path segment in URL cannot contain
// colon" (cmd/regen TestMirrorWithPortTerraform shows it with the real
// CLI), and the build says so.
func TestMirrorHost(t *testing.T) {
	for host, want := range map[string]string{
		"registry.example.test":      "registry.example.test",
		"127.0.0.1:8443":             "127.0.0.1",
		"Registry.Example.TEST:8443": "registry.example.test",
	} {
		o, err := Options{Hostname: host}.Normalize()
		if err != nil {
			t.Fatal(err)
		}
		if got := o.MirrorHost(); got != want {
			t.Errorf("MirrorHost(%q) = %q, want %q", host, got, want)
		}
		if note := o.MirrorNote(); (note != "") != (want != strings.ToLower(host)) || (note != "" && !strings.Contains(note, want+"/NAMESPACE/TYPE")) {
			t.Errorf("MirrorNote(%q) = %q", host, note)
		}
		if p := MirrorIndexPath(o, regdata.ProviderAddr{Namespace: "ns", Type: "t"}); p != "mirror/"+want+"/ns/t/index.json" {
			t.Errorf("MirrorIndexPath(%q) = %q", host, p)
		}
		if r, ok := ParseRoute(o, "mirror/"+want+"/ns/t/1.0.0.json"); !ok || r.Kind != RouteProvider {
			t.Errorf("ParseRoute(mirror of %q) = %+v, %v", host, r, ok)
		}
	}
}
