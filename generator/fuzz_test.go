package generator

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/regen-registry/regen/regdata"
)

// FuzzProvider feeds random data files through ParseProviderFile and
// Provider: no panics, only safe lower-cased paths under the known trees,
// valid JSON, download documents identical to the encoding/json reference,
// and the same output twice.
func FuzzProvider(f *testing.F) {
	seed, err := os.ReadFile(testData + "/providers/e/example/widget.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed, "example", "widget")
	f.Add([]byte(`{"versions":[{"version":"1.0","targets":[{"os":"linux","arch":"amd64","size":1,"shasum":"x"},{"os":"linux","arch":"amd64"}]}]}`), "NS", "t")
	f.Add([]byte(`{"versions":[{"version":"1.0.0","targets":[{"os":"../x","arch":"amd64"}]}]}`), "ns", "t")
	f.Add([]byte(`{"versions":[{"version":"1.0.0+a.b","protocols":null,"targets":[]}]}`), "ns", "t")
	opts, _ := Options{BaseURL: "https://r.example.test", GitHubURL: "https://github.com"}.Normalize()
	keys := []regdata.Key{{Path: "keys/n/ns/k.asc", Armored: "armored\r\n", KeyID: "0123456789ABCDEF"}}
	f.Fuzz(func(t *testing.T, data []byte, ns, typ string) {
		pf, err := regdata.ParseProviderFile(data)
		if err != nil {
			return
		}
		addr := regdata.ProviderAddr{Namespace: ns, Type: typ}
		files, _, err := Provider(addr, pf, keys, nil, opts)
		if err != nil {
			return // unsafe names are errors, not panics
		}
		again, _, err := Provider(addr, pf, keys, nil, opts)
		if err != nil || len(again) != len(files) {
			t.Fatalf("second run differs: %v", err)
		}
		seen := map[string]bool{}
		for i, fl := range files {
			if !bytes.Equal(fl.Body, again[i].Body) || fl.Path != again[i].Path {
				t.Fatalf("%s: not deterministic", fl.Path)
			}
			if seen[fl.Path] {
				t.Fatalf("path %s generated twice", fl.Path)
			}
			seen[fl.Path] = true
			if !fs.ValidPath(fl.Path) || strings.Contains(fl.Path, "/.") {
				t.Fatalf("unsafe path %q", fl.Path)
			}
			if !strings.HasPrefix(fl.Path, "v1/providers/"+strings.ToLower(ns+"/"+typ)+"/") &&
				!strings.HasPrefix(fl.Path, "mirror/r.example.test/"+strings.ToLower(ns+"/"+typ)+"/") {
				t.Fatalf("path %q outside the provider's trees", fl.Path)
			}
			if r, ok := ParseRoute(opts, fl.Path); !ok || r.Kind != RouteProvider || r.Provider.APIPath() != addr.APIPath() {
				t.Fatalf("ParseRoute(%q) = %+v, %v", fl.Path, r, ok)
			}
			if !json.Valid(fl.Body) {
				t.Fatalf("%s: invalid JSON:\n%s", fl.Path, fl.Body)
			}
			if fl.SHA256() != sha256.Sum256(fl.Body) {
				t.Fatalf("%s: SHA256() is not the sha256 of Body", fl.Path)
			}
		}
		pub, _ := regdata.PublishedProviderVersions(addr, pf, nil)
		for _, p := range pub {
			targets, _, err := sortedTargets(p.Entry)
			if err != nil {
				t.Fatal(err)
			}
			for _, tg := range packageOrder(targets) {
				path := ProviderDownloadPath(addr, p.Version, tg.OS, tg.Arch)
				var got []byte
				for _, fl := range files {
					if fl.Path == path {
						got = fl.Body
					}
				}
				if want := referenceDocument(p.Entry, packageOrder(targets), tg, keys, ns); !bytes.Equal(got, want) {
					t.Fatalf("%s differs from reference:\n%s\n---\n%s", path, got, want)
				}
			}
		}
	})
}
