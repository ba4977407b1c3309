package validate

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/regen-registry/regen/regdata"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// multiProblemFolder has many kinds of problem at once.
func multiProblemFolder(t *testing.T) regdata.Dir {
	files := baseFiles(t)
	files[provPath] = provider(t, func(f *regdata.ProviderFile) {
		f.Versions[0].Targets[1].SHASum = "abc"
		f.Versions[0].Targets[0].H1 = "h1:short"
		f.Versions[0].SHASumsURL = "http://example.com/SHA256SUMS"
		f.Versions[1].Version = "1.1"
		f.Versions[1].Protocols = []string{"five"}
		f.Versions[1].Targets[1].OS = ""
	})
	files["providers/n/nokey/thing.json"] = provider(t, nil)
	files["providers/b/broken/json.json"] = "{\n  \"versions\": [\n    {\"version\": \"1.0.0\"\n  ]\n}\n"
	files["providers/x/abc/misplaced.json"] = provider(t, nil)
	files["providers/e/example/notes.txt"] = "hello"
	files["modules/e/example/net/aws.vpc.json"] = module(t, func(f *regdata.ModuleFile) {
		f.Versions[0].Commit = "not-a-commit"
		f.Versions = append(f.Versions, regdata.ModuleVersion{Version: "v1.0"}, regdata.ModuleVersion{Version: "nope"})
	})
	files["modules/e/example/Net/aws.json"] = module(t, nil)
	files["modules/e/example/.git/HEAD"] = "ref"
	files["keys/e/example/junk.asc"] = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnope\n-----END PGP PUBLIC KEY BLOCK-----\n"
	files[regdata.BlacklistFile] = `{
  "providers": [
    {"namespace": "example", "name": "widget", "version": "9.0.0", "reason": "typo"},
    {"namespace": "hashicorp", "name": "aws", "version": "6.1.0", "reason": "critical bug"}
  ],
  "modules": [
    {"namespace": "example", "name": "net", "target": "aws", "version": "v1.1.0"}
  ]
}
`
	return folder(t, files)
}

func TestGoldenReport(t *testing.T) {
	rep := validateDir(t, multiProblemFolder(t), Options{})
	var text, js bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	golden(t, "multi.txt", text.Bytes())
	golden(t, "multi.json", js.Bytes())
	if rep.OK() || rep.Errors() < 14 || rep.Warnings() < 4 {
		t.Errorf("summary: %s", rep.Summary())
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(string(got), "\n")); diff != "" {
		t.Errorf("%s differs (-want +got; -update rewrites it):\n%s", p, diff)
	}
}
