package generator

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"testing"

	"github.com/regen-registry/regen/regdata"
)

// referenceDownload is the download document as a plain struct: the
// template must render exactly what encodeJSON renders for it.
type referenceDownload struct {
	Protocols           []string `json:"protocols"`
	SHASumsURL          string   `json:"shasums_url"`
	SHASumsSignatureURL string   `json:"shasums_signature_url"`
	SigningKeys         struct {
		GPGPublicKeys []referenceKey `json:"gpg_public_keys"`
	} `json:"signing_keys"`
	Packages    map[string]referencePackage `json:"packages,omitempty"`
	OS          string                      `json:"os"`
	Arch        string                      `json:"arch"`
	Filename    string                      `json:"filename"`
	DownloadURL string                      `json:"download_url"`
	SHASum      string                      `json:"shasum"`
}

type referenceKey struct {
	KeyID          string  `json:"key_id"`
	ASCIIArmor     string  `json:"ascii_armor"`
	TrustSignature string  `json:"trust_signature"`
	Source         string  `json:"source"`
	SourceURL      *string `json:"source_url"`
}

type referencePackage struct {
	Hashes      []string `json:"hashes"`
	PackageSize int64    `json:"package_size"`
}

func referenceDocument(v regdata.ProviderVersion, targets []regdata.Target, t regdata.Target, keys []regdata.Key, source string) []byte {
	d := referenceDownload{
		Protocols: nonNil(v.Protocols), OS: t.OS, Arch: t.Arch, Filename: t.Filename, DownloadURL: t.DownloadURL,
		SHASumsURL: v.SHASumsURL, SHASumsSignatureURL: v.SHASumsSignatureURL, SHASum: t.SHASum,
	}
	d.SigningKeys.GPGPublicKeys = []referenceKey{}
	for _, k := range keys {
		d.SigningKeys.GPGPublicKeys = append(d.SigningKeys.GPGPublicKeys, referenceKey{KeyID: k.KeyID, ASCIIArmor: armor(k), Source: source})
	}
	if inPackages(t) {
		d.Packages = map[string]referencePackage{}
		for _, o := range targets {
			if inPackages(o) {
				d.Packages[o.OS+"_"+o.Arch] = referencePackage{Hashes: targetHashes(o), PackageSize: o.Size}
			}
		}
	}
	return encodeJSON(d)
}

func checkTemplate(t *testing.T, v regdata.ProviderVersion, keys []regdata.Key, source string) {
	t.Helper()
	targets := packageOrder(v.Targets)
	tmpl := newDownloadTemplate(v, targets, appendSigningKeys(nil, keys, source))
	for _, tg := range targets {
		got, sum := tmpl.appendDocument(nil, tg)
		want := referenceDocument(v, targets, tg, keys, source)
		if !bytes.Equal(got, want) {
			t.Fatalf("template differs from encoding/json:\n--- template\n%s\n--- encoding/json\n%s", got, want)
		}
		if sum != sha256.Sum256(got) {
			t.Fatalf("prefix-continued sha256 differs from sha256 of the document")
		}
	}
}

func TestDownloadTemplateMatchesEncodingJSON(t *testing.T) {
	keys := []regdata.Key{{KeyID: "ABC", Armored: "line1\r\nline2\n\"quoted\" <html> & \u2028 \x01 \xff"}, {KeyID: "DEF", Armored: "x"}}
	v := regdata.ProviderVersion{
		Version: "1.0.0", Protocols: []string{"5.0", "6.0"}, SHASumsURL: "https://x/SUMS?a=1&b=<2>", SHASumsSignatureURL: "s\\ig",
		Targets: []regdata.Target{
			{OS: "linux", Arch: "amd64", Filename: "f\tname", DownloadURL: "https://x/é", SHASum: "aa", H1: "h1:zz", Size: 1},
			{OS: "a", Arch: "x", SHASum: "bb", Size: 2},
			{OS: "a1", Arch: "y", SHASum: "cc", Size: 3, H1: "noprefix"},
			{OS: "darwin", Arch: "arm64", SHASum: "dd"},
		},
	}
	checkTemplate(t, v, keys, "ns")
	checkTemplate(t, v, nil, "ns")
	v.Protocols = nil
	checkTemplate(t, v, keys[:1], "")
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "a\"b\\c", "\x00\x1f\x7f", "<>&", "\u2028\u2029", "\xff\xfe", "é漢字", "\b\f\n\r\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		got := appendString(nil, s)
		if !bytes.Equal(append(got, '\n'), want.Bytes()) {
			t.Fatalf("appendString(%q) = %s, encoding/json = %s", s, got, want.Bytes())
		}
	})
}

// Reference shapes of the module documents.
type (
	referenceModuleVersions struct {
		Modules []struct {
			Source   string          `json:"source"`
			Versions []moduleVersion `json:"versions"`
		} `json:"modules"`
	}
	referenceModuleDownload struct {
		Location string `json:"location"`
	}
	referenceModuleLatest struct {
		Location string `json:"location"`
		Version  string `json:"version"`
	}
)

func TestAppendersMatchEncodingJSON(t *testing.T) {
	check := func(name string, got []byte, v any) {
		t.Helper()
		if want := encodeJSON(v); !bytes.Equal(got, want) {
			t.Errorf("%s differs from encoding/json:\n--- appender\n%s\n--- encoding/json\n%s", name, got, want)
		}
	}
	weird := "a\"b\\<&>\u2028\x01\xff"
	for _, d := range []providerVersionsDoc{
		{Versions: []providerVersionItem{}},
		{Versions: []providerVersionItem{{Version: "1.0.0", Protocols: []string{}, Platforms: []platform{}}}, Warnings: []string{weird}},
		{Versions: []providerVersionItem{
			{Version: "2.0.0", Protocols: []string{"5.0", "6.0"}, Platforms: []platform{{"linux", "amd64"}, {weird, "x"}}},
			{Version: weird, Protocols: []string{"6.0"}, Platforms: []platform{{"darwin", "arm64"}}},
		}},
	} {
		check("provider versions", appendProviderVersions(nil, d), d)
	}
	for _, d := range []mirrorVersionDoc{
		{Archives: map[string]mirrorArchive{}},
		{Archives: map[string]mirrorArchive{"linux_amd64": {URL: "u", Hashes: []string{"h1:x", "zh:y"}}, "a1_y": {URL: weird}, "a_x": {URL: "v", Hashes: []string{"zh:z"}}}},
	} {
		check("mirror version", appendMirrorVersion(nil, d), d)
	}
	for _, d := range []mirrorIndexDoc{{Versions: map[string]struct{}{}}, {Versions: map[string]struct{}{"1.0.0": {}, "0.9.0": {}, weird: {}}}} {
		check("mirror index", appendMirrorIndex(nil, d), d)
	}
	for _, vs := range [][]moduleVersion{{}, {{"1.0.0"}}, {{"2.0.0"}, {weird}}} {
		var ref referenceModuleVersions
		ref.Modules = make([]struct {
			Source   string          `json:"source"`
			Versions []moduleVersion `json:"versions"`
		}, 1)
		ref.Modules[0].Source, ref.Modules[0].Versions = weird, vs
		check("module versions", appendModuleVersions(nil, weird, vs), ref)
	}
	check("module download", appendModuleDownload(nil, weird, ""), referenceModuleDownload{Location: weird})
	check("module latest", appendModuleDownload(nil, "git::x?ref=1", "1.0.0"), referenceModuleLatest{Location: "git::x?ref=1", Version: "1.0.0"})
}
