package validate

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regen-registry/regen/internal/fixtures"
	"github.com/regen-registry/regen/regdata"
)

// sampleDir is real OpenTofu registry data the repository carries.
var sampleDir = fixtures.OpenTofuSample()

// sampleKey is a real armored public key from the sample.
func sampleKey(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sampleDir, "keys/a/ataila/provider-1790975147.asc"))
	if err != nil {
		t.Fatalf("sample key: %v", err)
	}
	return string(b)
}

const (
	hexA = "91c4fc3fbb73ac2012cca0878e19f41fe1ffc87fd19bd6c3c9344752d4a87095"
	hexB = "f6d2c3b453a8a1bfcbeb3b035c433208977fdbdfce957e86eb77d490c16d5550"
	h1A  = "h1:1Py40EEzMtVW27FKlMklTUdeo8zgcas6aa+YaSzR3Y8="
)

// goodProvider returns a valid provider file with versions 1.1.0 and
// 1.0.0, each with linux/amd64 and darwin/arm64 targets; the first version
// has h1, size and discovered, the second (an "old" entry) lacks them.
func goodProvider() *regdata.ProviderFile {
	version := func(v string, full bool) regdata.ProviderVersion {
		base := "https://github.com/example/terraform-provider-widget/releases/download/v" + v + "/"
		pv := regdata.ProviderVersion{
			Version:             v,
			Protocols:           []string{"5.0"},
			SHASumsURL:          base + "terraform-provider-widget_" + v + "_SHA256SUMS",
			SHASumsSignatureURL: base + "terraform-provider-widget_" + v + "_SHA256SUMS.sig",
		}
		for i, p := range [][2]string{{"darwin", "arm64"}, {"linux", "amd64"}} {
			fn := "terraform-provider-widget_" + v + "_" + p[0] + "_" + p[1] + ".zip"
			t := regdata.Target{OS: p[0], Arch: p[1], Filename: fn, DownloadURL: base + fn, SHASum: []string{hexA, hexB}[i]}
			if full {
				t.H1, t.Size = h1A, 1234
			}
			pv.Targets = append(pv.Targets, t)
		}
		if full {
			pv.Discovered = "2026-01-02T03:04:05Z"
		}
		return pv
	}
	return &regdata.ProviderFile{Versions: []regdata.ProviderVersion{version("1.1.0", true), version("1.0.0", false)}}
}

// goodModule returns a valid module file: v1.1.0 with commit and
// discovered, 1.0.0 without (an old entry).
func goodModule() *regdata.ModuleFile {
	return &regdata.ModuleFile{Versions: []regdata.ModuleVersion{
		{Version: "v1.1.0", Commit: strings.Repeat("ab", 20), Discovered: "2026-01-02T03:04:05Z"},
		{Version: "1.0.0"},
	}}
}

// encode renders v as JSON keeping list order (regdata's Encode sorts).
func encode(t testing.TB, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + "\n"
}

func provider(t testing.TB, edit func(f *regdata.ProviderFile)) string {
	f := goodProvider()
	if edit != nil {
		edit(f)
	}
	return encode(t, f)
}

func module(t testing.TB, edit func(f *regdata.ModuleFile)) string {
	f := goodModule()
	if edit != nil {
		edit(f)
	}
	return encode(t, f)
}

const (
	provPath = "providers/e/example/widget.json"
	modPath  = "modules/e/example/net/aws.json"
	keyPath  = "keys/e/example/widget/key.asc"
)

// baseFiles is a valid data folder: one provider with its key, one module.
func baseFiles(t testing.TB) map[string]string {
	return map[string]string{
		provPath: provider(t, nil),
		modPath:  module(t, nil),
		keyPath:  sampleKey(t),
	}
}

// folder writes files (path → content; "" content with a trailing "/" in
// the path makes an empty folder) into a new temporary data folder.
func folder(t testing.TB, files map[string]string) regdata.Dir {
	t.Helper()
	root := t.TempDir()
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if strings.HasSuffix(rel, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return regdata.Dir{Root: root}
}

func validateDir(t testing.TB, d regdata.Dir, opts Options) Report {
	t.Helper()
	rep, err := Run(context.Background(), d, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return rep
}

func dump(rep Report) string {
	var b strings.Builder
	for _, p := range rep.Problems {
		b.WriteString("\n\t" + p.String())
	}
	return b.String()
}
