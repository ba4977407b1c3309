package serve

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/manifest"
)

func TestTreePath(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" = refused
	}{
		{"/v1/providers/ns/t/versions", "v1/providers/ns/t/versions"},
		{"/.well-known/terraform.json", ".well-known/terraform.json"},
		{"/mirror/registry.terraform.io/hashicorp/aws/5.0.0.json", "mirror/registry.terraform.io/hashicorp/aws/5.0.0.json"},
		{"/v1/modules/ns/n/s/1.0.0-beta.1+meta/download", "v1/modules/ns/n/s/1.0.0-beta.1+meta/download"},
		{"", ""},
		{"/", ""},
		{"v1/x", ""},
		{"/v1/", ""},
		{"/v1//x", ""},
		{"/./v1", ""},
		{"/v1/./x", ""},
		{"/v1/../x", ""},
		{"/..", ""},
		{"/.regen/manifest.ndjson.gz", ""},
		{"/v1/.well-known/terraform.json", ""},
		{"/.well-known/.x", ""},
		{"/.git/config", ""},
		{"/v1/x\x00", ""},
		{"/v1/x\n", ""},
		{"/v1/x\x7f", ""},
		{`/v1\..\x`, ""},
		{"/" + strings.Repeat("a", maxPathLen), ""},
	}
	for _, tt := range tests {
		got, ok := treePath(tt.in)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("treePath(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

func TestCaseCandidates(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"v1/providers/hashicorp/aws/versions", []string{"v1/providers/hashicorp/aws/versions"}},
		{"v1/providers/HashiCorp/AWS/5.0.0-RC1/download/linux/amd64", []string{
			"v1/providers/HashiCorp/AWS/5.0.0-RC1/download/linux/amd64",
			"v1/providers/hashicorp/aws/5.0.0-RC1/download/linux/amd64",
			"v1/providers/hashicorp/aws/5.0.0-rc1/download/linux/amd64",
		}},
		{"v1/modules/Azure/Net/AzureRM/2.0.0-Beta/download", []string{
			"v1/modules/Azure/Net/AzureRM/2.0.0-Beta/download",
			"v1/modules/azure/net/azurerm/2.0.0-Beta/download",
			"v1/modules/azure/net/azurerm/2.0.0-beta/download",
		}},
		{"v1/modules/Azure", []string{"v1/modules/Azure", "v1/modules/azure"}},
		{"v1/modules/azure/net/azurerm/2.0.0-Beta/download", []string{
			"v1/modules/azure/net/azurerm/2.0.0-Beta/download",
			"v1/modules/azure/net/azurerm/2.0.0-beta/download",
		}},
		{"Mirror/X", []string{"Mirror/X", "mirror/x"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, caseCandidates(tt.in)); diff != "" {
			t.Errorf("caseCandidates(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestClassify(t *testing.T) {
	tests := map[string]manifest.Class{
		".well-known/terraform.json":                    manifest.ClassDiscovery,
		"v1/providers/ns/t/versions":                    manifest.ClassIndex,
		"v1/providers/ns/t/1.0.0/download/linux/amd64":  manifest.ClassLeaf,
		"v1/modules/ns/n/s/versions":                    manifest.ClassIndex,
		"v1/modules/ns/n/s/download":                    manifest.ClassIndex,
		"v1/modules/ns/n/s/1.0.0/download":              manifest.ClassLeaf,
		"v1/modules/ns/n/s/v1.0.0":                      manifest.ClassLeaf,
		"v1/modules/ns/n/s":                             manifest.ClassListing,
		"v1/modules/search":                             manifest.ClassListing,
		"v1/modules":                                    manifest.ClassListing,
		"mirror/registry.terraform.io/ns/t/index.json":  manifest.ClassIndex,
		"mirror/registry.terraform.io/ns/t/1.0.0.json":  manifest.ClassLeaf,
		"registry/docs/modules/ns/n/s/1.0.0/index.json": manifest.ClassIndex,
		"registry/docs/search.ndjson":                   manifest.ClassListing,
		"v2/modules/ns/n/s/downloads/summary":           manifest.ClassListing,
	}
	for name, want := range tests {
		if got := classify(name); got != want {
			t.Errorf("classify(%q) = %s, want %s", name, got, want)
		}
	}
}

// FuzzTreePath checks that every path treePath accepts is a clean,
// relative, non-hidden path that stays under any root it is joined to.
func FuzzTreePath(f *testing.F) {
	for _, s := range []string{"/v1/x", "/../x", "/.regen/m", "/.well-known/terraform.json", "/a/./b", "//x", "/a\x00", `/a\b`, "/%2e%2e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, ok := treePath(s)
		if !ok {
			return
		}
		if !fs.ValidPath(name) || name == "." || path.Clean(name) != name || strings.HasPrefix(name, "/") {
			t.Fatalf("treePath(%q) accepted unclean %q", s, name)
		}
		for i, seg := range strings.Split(name, "/") {
			if strings.HasPrefix(seg, ".") && !(i == 0 && seg == ".well-known") {
				t.Fatalf("treePath(%q) accepted hidden segment in %q", s, name)
			}
		}
		if strings.ContainsAny(name, "\x00\\\n\r") {
			t.Fatalf("treePath(%q) accepted control bytes or backslash: %q", s, name)
		}
		root := filepath.FromSlash("/srv/tree")
		if j := filepath.Join(root, filepath.FromSlash(name)); !strings.HasPrefix(j, root+string(filepath.Separator)) {
			t.Fatalf("treePath(%q) = %q escapes the root: %s", s, name, j)
		}
		for _, c := range caseCandidates(name) {
			if !strings.EqualFold(c, name) {
				t.Fatalf("case candidate %q of %q differs beyond case", c, name)
			}
		}
	})
}

// FuzzHandlerPath sends arbitrary request paths through the Handler over a
// real tree and checks that nothing outside it or hidden in it is served.
func FuzzHandlerPath(f *testing.F) {
	for _, s := range []string{"/v1/escape", "/../secret", "/.regen/keep", "/v1/inside", "/v1/escape-dir/secret", "/V1/Escape", "/v1/providers/hashicorp/linked/versions"} {
		f.Add(s)
	}
	dir := newTree(f)
	src, err := NewDir(dir)
	if err != nil {
		f.Fatal(err)
	}
	h, err := NewHandler(HandlerOptions{Source: src})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, p string) {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL.Path = p
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		body := rec.Body.String()
		if strings.Contains(body, secret) || strings.Contains(body, "hidden") {
			t.Fatalf("path %q served %q", p, body)
		}
		if rec.Code != http.StatusOK && rec.Code != http.StatusFound && rec.Code != http.StatusNotFound && rec.Code != http.StatusInternalServerError {
			t.Fatalf("path %q: status %d", p, rec.Code)
		}
	})
}

func TestDirRefusesDirectly(t *testing.T) {
	dir := newTree(t)
	d, err := NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, name := range []string{"../secret", "/etc/passwd", "v1/../../secret", "v1/escape", "v1/escape-abs", "v1/escape-dir/secret", "v1/inside", "v1/manifest", "v1/regen/manifest.ndjson", "v1/fifo", ".regen/keep", "v1", ".", "", "v1/providers/hashicorp/random/versions/x"} {
		doc, err := d.Open(ctx, name)
		if !errors.Is(err, fs.ErrNotExist) {
			if doc != nil {
				doc.Body.Close()
			}
			t.Errorf("Dir.Open(%q): err %v, want fs.ErrNotExist", name, err)
		}
	}
	doc, err := d.Open(ctx, "v1/providers/hashicorp/random/versions")
	if err != nil {
		t.Fatalf("Dir.Open of a document: %v", err)
	}
	doc.Body.Close()
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := d.Open(cctx, "v1/providers/hashicorp/random/versions"); !errors.Is(err, context.Canceled) {
		t.Errorf("Dir.Open with a cancelled context: %v", err)
	}
	if _, err := NewDir(filepath.Join(dir, "feed.atom")); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("NewDir on a file: %v", err)
	}
	if _, err := NewDir(filepath.Join(dir, "missing")); err == nil {
		t.Error("NewDir on a missing path: no error")
	}
}
