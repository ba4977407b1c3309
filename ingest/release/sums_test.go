package release

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const sha = "e3732cfa2ed8ece43dc7fa42df92db6b0522d180264e8114c28537c9e3ede71d"

func TestParseSums(t *testing.T) {
	data := sha + "  terraform-provider-x_1.0.0_linux_amd64.zip\r\n" +
		strings.ToUpper(sha[:63]) + "0 *terraform-provider-x_1.0.0_darwin_arm64.zip\n\n" +
		sha + "  terraform-provider-x_1.0.0_manifest.json\n" +
		sha + "  other_1.0.0_linux_amd64.zip\n" +
		sha + "  terraform-provider-x_1.0.0_linux_amd64.tar.gz\n" +
		sha + "  terraform-provider-x_1.0.0_linux_arm_v7.zip\n"
	sums, err := ParseSums([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	got := sums.Packages("terraform-provider-x_1.0.0")
	want := []Package{
		{OS: "darwin", Arch: "arm64", Filename: "terraform-provider-x_1.0.0_darwin_arm64.zip", SHA256: sha[:63] + "0"},
		{OS: "linux", Arch: "amd64", Filename: "terraform-provider-x_1.0.0_linux_amd64.zip", SHA256: sha},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("packages (-want +got):\n%s", d)
	}
}

func TestParseSumsErrors(t *testing.T) {
	for name, c := range map[string]struct{ data, want string }{
		"short":    {"abc  file.zip\n", "line 1"},
		"not hex":  {strings.Repeat("z", 64) + "  f.zip\n", "not a hex SHA-256"},
		"one sp":   {sha + " f.zip\n", "line 1"},
		"path":     {sha + "  ../f.zip\n", "bad file name"},
		"twice":    {sha + "  f.zip\n" + strings.Repeat("0", 64) + "  f.zip\n", "listed twice"},
		"empty":    {"\n\n", "lists no files"},
		"line two": {sha + "  f.zip\nnonsense\n", "line 2"},
	} {
		if _, err := ParseSums([]byte(c.data)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}

func FuzzParseSums(f *testing.F) {
	f.Add([]byte(sha + "  terraform-provider-x_1.0.0_linux_amd64.zip\n"))
	f.Add([]byte(sha + " *a b.zip\r\n\n"))
	f.Add([]byte("garbage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sums, err := ParseSums(data)
		if err != nil {
			return
		}
		// What parses re-renders to something that parses the same.
		var b strings.Builder
		for _, name := range slices.Sorted(func(yield func(string) bool) {
			for k := range sums {
				if !yield(k) {
					return
				}
			}
		}) {
			fmt.Fprintf(&b, "%s  %s\n", sums[name], name)
			if len(sums[name]) != 64 || name == "" || strings.ContainsAny(name, "/\\\x00") {
				t.Fatalf("bad entry %q → %q", name, sums[name])
			}
		}
		again, err := ParseSums([]byte(b.String()))
		if err != nil {
			t.Fatalf("re-parsing %q: %v", b.String(), err)
		}
		if d := cmp.Diff(sums, again); d != "" {
			t.Fatalf("round trip:\n%s", d)
		}
		for _, p := range sums.Packages("terraform-provider-x_1.0.0") {
			if !platformPart(p.OS) || !platformPart(p.Arch) {
				t.Fatalf("bad platform %+v", p)
			}
		}
	})
}

func TestParseManifest(t *testing.T) {
	for in, want := range map[string][]string{
		`{"version":1,"metadata":{"protocol_versions":["6.0"]}}`:       {"6.0"},
		`{"version":1,"metadata":{"protocol_versions":["5", "5.0"]}}`:  {"5.0"},
		`{"version":1,"metadata":{}}`:                                  {"5.0"},
		`{"version":1,"metadata":{"protocol_versions":["4.0","5.1"]}}`: {"4.0", "5.1"},
	} {
		got, err := ParseManifest([]byte(in))
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ParseManifest(%s) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{`{`, `{"metadata":{"protocol_versions":["six"]}}`, `[]`} {
		if _, err := ParseManifest([]byte(in)); err == nil {
			t.Errorf("ParseManifest(%s) succeeded", in)
		}
	}
}
