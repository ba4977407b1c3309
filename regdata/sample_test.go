package regdata

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regen-registry/regen/internal/fixtures"
)

// sampleDir is real OpenTofu registry data the repository carries.
var sampleDir = fixtures.OpenTofuSample()

func sample(t *testing.T) Dir {
	t.Helper()
	if _, err := os.Stat(sampleDir); err != nil {
		t.Fatalf("sample data missing: %v", err)
	}
	return Dir{Root: sampleDir}
}

func TestReadSampleProvidersAndKeys(t *testing.T) {
	d := sample(t)
	addrs, bad, err := d.Providers()
	if err != nil || len(bad) > 0 {
		t.Fatalf("Providers: %v, bad %v", err, bad)
	}
	if len(addrs) < 10 {
		t.Fatalf("found %d providers, want the sample's 10", len(addrs))
	}
	withKeys := 0
	for _, a := range addrs {
		f, err := d.ReadProvider(a)
		if err != nil {
			t.Fatalf("ReadProvider(%s): %v", a, err)
		}
		if len(f.Versions) == 0 || len(f.Versions[0].Targets) == 0 {
			t.Errorf("%s: no versions or targets read", a)
		}
		keys, err := d.ProviderKeys(a)
		if err != nil {
			t.Fatalf("ProviderKeys(%s): %v", a, err)
		}
		for _, k := range keys {
			if len(k.KeyID) != 16 || strings.ToUpper(k.KeyID) != k.KeyID {
				t.Errorf("%s: key id %q", k.Path, k.KeyID)
			}
		}
		if len(keys) > 0 {
			withKeys++
		}
	}
	// CiscoDevNet's keys live under keys/c/ciscodevnet: case-insensitive match.
	keys, err := d.ProviderKeys(ProviderAddr{"CiscoDevNet", "ciscomcd"})
	if err != nil || len(keys) != 1 {
		t.Fatalf("CiscoDevNet/ciscomcd keys = %v, %v; want 1 key", keys, err)
	}
	if withKeys < 8 {
		t.Errorf("only %d providers have keys", withKeys)
	}
}

func TestSampleRoundTripIsStable(t *testing.T) {
	d := sample(t)
	mods, _, err := d.Modules()
	if err != nil {
		t.Fatal(err)
	}
	provs, _, _ := d.Providers()
	out := Dir{Root: t.TempDir()}
	for _, a := range mods {
		f, err := d.ReadModule(a)
		if err != nil {
			t.Fatalf("ReadModule(%s): %v", a, err)
		}
		if err := out.WriteModule(a, f); err != nil {
			t.Fatal(err)
		}
		g, err := out.ReadModule(a)
		if err != nil {
			t.Fatal(err)
		}
		b1, _ := f.Encode()
		b2, _ := g.Encode()
		if !bytes.Equal(b1, b2) {
			t.Errorf("%s: encoding not stable", a)
		}
		if len(g.Versions) != len(f.Versions) {
			t.Errorf("%s: lost versions", a)
		}
	}
	for _, a := range provs {
		f, _ := d.ReadProvider(a)
		if err := out.WriteProvider(a, f); err != nil {
			t.Fatal(err)
		}
		g, err := out.ReadProvider(a)
		if err != nil {
			t.Fatal(err)
		}
		b1, _ := f.Encode()
		b2, _ := g.Encode()
		if !bytes.Equal(b1, b2) {
			t.Errorf("%s: encoding not stable", a)
		}
		if len(g.VersionsErrors) != len(f.VersionsErrors) {
			t.Errorf("%s: lost versions_errors", a)
		}
	}
	// Unmodified real files keep their bytes (modulo sorting of unsorted lists).
	orig, _ := os.ReadFile(filepath.Join(sampleDir, "providers/a/ataila/ataila.json"))
	again, _ := os.ReadFile(filepath.Join(out.Root, "providers/a/ataila/ataila.json"))
	if !bytes.Equal(bytes.TrimSpace(orig), bytes.TrimSpace(again)) {
		t.Errorf("rewriting an unchanged file changed it:\n%s\nvs\n%s", orig, again)
	}
}

func TestUnknownMembersSurvive(t *testing.T) {
	in := []byte(`{"versions":[{"version":"1.0.0","protocols":["5.0"],"shasums_url":"u","shasums_signature_url":"s","targets":[{"os":"linux","arch":"amd64","filename":"f","download_url":"d","shasum":"x","future":{"a":1}}],"note":"keep"}],"custom":[1,2]}`)
	f, err := ParseProviderFile(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := f.Encode()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"custom": [`, `"note": "keep"`, `"future": {`} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("re-encoded file lost %s:\n%s", want, out)
		}
	}
	m, err := ParseModuleFile([]byte(`{"versions":[{"version":"v1.0","x":true}],"y":"z"}`))
	if err != nil {
		t.Fatal(err)
	}
	mo, _ := m.Encode()
	if !bytes.Contains(mo, []byte(`"x": true`)) || !bytes.Contains(mo, []byte(`"y": "z"`)) {
		t.Errorf("module extras lost:\n%s", mo)
	}
}

func TestPublishedModuleVersions(t *testing.T) {
	f := &ModuleFile{Versions: []ModuleVersion{
		{Version: "2.0"}, {Version: "v1.0"}, {Version: "2.0.0", Commit: "abcdef0123456789abcdef0123456789abcdef01"},
		{Version: "not-a-version"}, {Version: "v1.1.0-beta1"}, {Version: "v0.9.0"},
	}}
	bl := &Blacklist{Modules: []BlacklistedModule{{Namespace: "NS", Name: "n", Target: "aws", Version: "v0.9.0", Reason: "bad"}}}
	pub, dropped := PublishedModuleVersions(ModuleAddr{"ns", "n", "aws"}, f, bl)
	var got []string
	for _, p := range pub {
		got = append(got, p.Version)
	}
	if strings.Join(got, ",") != "2.0.0,1.1.0-beta1,1.0.0" {
		t.Errorf("published = %v", got)
	}
	if pub[0].Entry.Commit != "abcdef0123456789abcdef0123456789abcdef01" {
		t.Errorf("duplicate resolution picked %+v, want the one with a commit", pub[0].Entry)
	}
	if len(dropped) != 3 {
		t.Errorf("dropped = %+v, want 3 (duplicate, unparsable, blacklisted)", dropped)
	}
}

func TestNormalizeVersion(t *testing.T) {
	for in, want := range map[string]string{"v1.0": "1.0.0", "1.2.3": "1.2.3", "v0.1.0-alpha": "0.1.0-alpha", "v2": "2.0.0", "1.0.0+meta": "1.0.0+meta"} {
		got, err := NormalizeVersion(in)
		if err != nil || got != want {
			t.Errorf("NormalizeVersion(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := NormalizeVersion("latest"); err == nil {
		t.Error("NormalizeVersion(latest) succeeded")
	}
	if !IsStrictSemver("v1.2.3") || IsStrictSemver("v1.0") || IsStrictSemver("1.2") {
		t.Error("IsStrictSemver wrong")
	}
}

func FuzzParseProviderFile(f *testing.F) {
	f.Add([]byte(`{"versions":[{"version":"1.0.0","targets":[{"os":"linux"}]}]}`))
	f.Add([]byte(`{"versions":[],"x":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		pf, err := ParseProviderFile(data)
		if err != nil {
			return
		}
		out, err := pf.Encode()
		if err != nil {
			return // unencodable extras (e.g. invalid raw) are reported, not panicked on
		}
		again, err := ParseProviderFile(out)
		if err != nil {
			t.Fatalf("re-parsing encoded file: %v\n%s", err, out)
		}
		out2, _ := again.Encode()
		if !bytes.Equal(out, out2) {
			t.Fatalf("encoding not stable:\n%s\n%s", out, out2)
		}
	})
}
