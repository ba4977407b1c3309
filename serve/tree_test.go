package serve

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/regen-registry/regen/manifest"
)

// secret is the content of a file outside every test tree; no answer may
// ever contain it.
const secret = "TOP-SECRET-outside-the-tree"

// treeFiles is a small tree as `regen build` lays it out.
var treeFiles = map[string]string{
	".well-known/terraform.json":                               `{"modules.v1":"/v1/modules/","providers.v1":"/v1/providers/"}` + "\n",
	"v1/providers/hashicorp/random/versions":                   `{"versions":[{"version":"3.6.0","protocols":["5.0"],"platforms":[{"os":"linux","arch":"amd64"}]}]}` + "\n",
	"v1/providers/hashicorp/random/3.6.0/download/linux/amd64": `{"protocols":["5.0"],"os":"linux","arch":"amd64","filename":"terraform-provider-random_3.6.0_linux_amd64.zip"}` + "\n",
	"v1/modules/acme/vpc/aws/versions":                         `{"modules":[{"versions":[{"version":"1.2.3"},{"version":"1.0.0-RC1"}]}]}` + "\n",
	"v1/modules/acme/vpc/aws/1.2.3/download":                   `{"location":"git::https://git.example.test/acme/terraform-aws-vpc?ref=0123456789abcdef0123456789abcdef01234567"}` + "\n",
	"v1/modules/acme/vpc/aws/1.0.0-RC1/download":               `{"location":"git::https://git.example.test/acme/terraform-aws-vpc?ref=89abcdef0123456789abcdef0123456789abcdef"}` + "\n",
	"v1/modules/acme/vpc/aws/download":                         `{"location":"git::https://git.example.test/acme/terraform-aws-vpc?ref=0123456789abcdef0123456789abcdef01234567","version":"1.2.3"}` + "\n",
	"v1/modules/search":                                        `{"meta":{"limit":15,"current_offset":0},"modules":[]}` + "\n",
	"v1/modules/broken/json/aws/1.0.0/download":                `{not json`,
	"v1/modules/broken/json/aws/download":                      `{"location":"x","version":"../../../secret"}`,
	"v1/modules/broken/empty/aws/1.0.0/download":               `{"location":""}`,
	"mirror/registry.terraform.io/hashicorp/random/index.json": `{"versions":{"3.6.0":{}}}` + "\n",
	"mirror/registry.terraform.io/hashicorp/random/3.6.0.json": `{"archives":{"linux_amd64":{"url":"terraform-provider-random_3.6.0_linux_amd64.zip","hashes":["h1:abc="]}}}` + "\n",
	"registry/docs/modules/acme/vpc/aws/1.2.3/README.md":       "# VPC\n",
	"registry/docs/search.ndjson":                              `{"type":"header","last_updated":"2025-01-01T00:00:00Z"}` + "\n",
	"feed.atom":                                                "<feed/>\n",
	"providers/hashicorp/random/key.asc":                       "-----BEGIN PGP PUBLIC KEY BLOCK-----\n",
	".regen/keep":                                              "hidden\n",
	"v1/.hidden":                                               "hidden\n",
}

// newTree writes treeFiles, a build manifest, some symlinks and a FIFO
// into a new directory and returns it. A file and a directory holding
// secret sit next to the tree; symlinks inside the tree point at them, at
// the build manifest and at documents of the tree. None of them is served.
func newTree(t testing.TB) string {
	t.Helper()
	base := t.TempDir()
	dir := filepath.Join(base, "tree")
	for name, content := range treeFiles {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(name)), content)
	}
	writeFile(t, filepath.Join(base, "secret"), secret)
	writeFile(t, filepath.Join(base, "outside", "secret"), secret)

	var buf bytes.Buffer
	mw, err := manifest.NewWriter(&buf, manifest.Header{Options: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := mw.Write(manifest.Entry{Key: "module/acme/vpc/aws", Files: []manifest.File{{Path: "v1/modules/acme/vpc/aws/versions"}}}); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, filepath.FromSlash(manifest.Path)), buf.String())

	symlinks := map[string]string{
		"v1/escape":                     "../../secret",                        // file outside the tree
		"v1/escape-abs":                 filepath.Join(base, "secret"),         // absolute, outside
		"v1/escape-dir":                 "../../outside",                       // directory outside
		"v1/inside":                     "providers/hashicorp/random/versions", // stays inside: still a link
		"v1/providers/hashicorp/linked": "random",                              // directory inside: still a link
		"v1/manifest":                   "../.regen/manifest.ndjson",           // the private manifest
		"v1/regen":                      "../.regen",                           // its folder
	}
	for name, target := range symlinks {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	// A named pipe: opening it for reading would wait for a writer forever.
	if err := syscall.Mkfifo(filepath.Join(dir, "v1", "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func writeFile(t testing.TB, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
