package moddocs

import (
	"bytes"
	"context"
	"testing"
	"testing/fstest"

	classifier "github.com/google/licenseclassifier/v2"
	"github.com/google/licenseclassifier/v2/assets"
)

// FuzzExtract feeds arbitrary configuration, README and submodule
// contents to Extract: it must never panic or fail on a readable tree, and
// must be deterministic and stable over a JSON round trip. license picks
// the LICENSE file: the MIT text, none, or the fuzzed README's text.
//
// Run with: go test ./moddocs -run '^$' -fuzz FuzzExtract -fuzzminimizetime 5s
// (the default minimisation budget of 60 s per new input stalls the run).
func FuzzExtract(f *testing.F) {
	f.Add(readFile(f, "testdata/src/full/variables.tf"), readFile(f, "testdata/src/full/README.md"), readFile(f, "testdata/src/full/modules/broken/main.tf"), "broken", byte(0))
	f.Add(readFile(f, "testdata/src/full/main.tf"), "", readFile(f, "testdata/src/full/outputs.tf"), "net", byte(0))
	f.Add(`{"variable":{"a":{"type":"string","default":"x"}}}`, "\xff\xfe", "", "x", byte(1))
	f.Add(`variable "v" { type = map(object({ a = optional(string, "d") })) default = { k = { a = "x" } } }`, "# r", `terraform { required_providers { a = { source = 5 } } }`, "m", byte(0))
	f.Add(`resource "a" "b" { provider = "aws.x" }`+"\nprovider \"aws\" { alias = 1 }", "MIT License\nPermission is hereby granted", `module "x" { source = var.s version = 3 }`, "m", byte(2))
	f.Add("variable \"v\" {\n  default = 1e400\n}\n", "", "variable {}", "..", byte(0))
	mit := []byte(readFile(f, "testdata/licenses/mit.txt"))
	// The full licence corpus makes every fuzz worker start slowly under
	// coverage instrumentation; a corpus of one licence exercises the
	// same code.
	c := classifier.NewClassifier(0.8)
	text, err := assets.ReadLicenseFile("License/MIT/pristine.txt")
	if err != nil {
		f.Fatal(err)
	}
	c.AddContent("License", "MIT", "pristine.txt", text)
	x := &Extractor{Licenses: &LicenseDetector{c: c}}
	f.Fuzz(func(t *testing.T, mainTF, readme, subTF, subName string, license byte) {
		fsys := fstest.MapFS{
			"main.tf":   {Data: []byte(mainTF)},
			"README.md": {Data: []byte(readme)},
		}
		switch license % 3 {
		case 0:
			fsys["LICENSE"] = &fstest.MapFile{Data: mit}
		case 2:
			fsys["LICENSE"] = &fstest.MapFile{Data: []byte(readme)}
		}
		if subName != "" && !bytes.ContainsAny([]byte(subName), "/\x00") && subName != "." && subName != ".." {
			fsys["modules/"+subName+"/main.tf"] = &fstest.MapFile{Data: []byte(subTF)}
			fsys["examples/"+subName+"/x.tf.json"] = &fstest.MapFile{Data: []byte(subTF)}
		}
		d1, err := x.Extract(context.Background(), fsys)
		if err != nil {
			t.Fatalf("Extract: %v", err)
		}
		d2, err := x.Extract(context.Background(), fsys)
		if err != nil {
			t.Fatalf("Extract (again): %v", err)
		}
		b1, err := MarshalCanonical(d1)
		if err != nil {
			t.Fatal(err)
		}
		b2, _ := MarshalCanonical(d2)
		if !bytes.Equal(b1, b2) {
			t.Fatalf("Extract is not deterministic:\n%s\n%s", b1, b2)
		}
		back, err := UnmarshalDoc(b1)
		if err != nil {
			t.Fatalf("canonical JSON does not decode: %v\n%s", err, b1)
		}
		b3, _ := MarshalCanonical(back)
		if !bytes.Equal(b1, b3) {
			t.Fatalf("canonical JSON unstable over a round trip:\n%s\n%s", b1, b3)
		}
		// The renderers accept whatever extraction produced.
		RenderRegistry(back, "m")
		RenderOpenTofu(back, OpenTofuMeta{})
		OpenTofuReadmes(back)
	})
}
