package client

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestProviderVersions(t *testing.T) {
	reg := newFakeRegistry(t, 0)
	got, err := reg.client().ProviderVersions(t.Context(), ProviderAddr{"hashicorp", "random"})
	if err != nil {
		t.Fatal(err)
	}
	want := &ProviderVersions{
		Versions: []ProviderVersion{
			{Version: "3.6.0", Protocols: []string{"5.0"}, Platforms: []Platform{{"darwin", "arm64"}, {"linux", "amd64"}, {"windows", "amd64"}}},
			{Version: "3.5.1", Protocols: []string{"5.0"}, Platforms: []Platform{{"linux", "amd64"}}},
		},
		Warnings: []string{"This provider is used only in tests."},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestProviderDownloadResolvesURLs(t *testing.T) {
	reg := newFakeRegistry(t, 0)
	got, err := reg.client().ProviderDownload(t.Context(), ProviderAddr{"hashicorp", "random"}, "3.6.0", Platform{"linux", "amd64"})
	if err != nil {
		t.Fatal(err)
	}
	if want := reg.srv.URL + "/releases/random/3.6.0/terraform-provider-random_3.6.0_linux_amd64.zip"; got.DownloadURL != want {
		t.Errorf("download_url = %s, want %s", got.DownloadURL, want)
	}
	if want := reg.srv.URL + "/releases/random/3.6.0/terraform-provider-random_3.6.0_SHA256SUMS"; got.SHASumsURL != want {
		t.Errorf("shasums_url = %s, want %s", got.SHASumsURL, want)
	}
	if want := "https://releases.example.com/random/3.6.0/terraform-provider-random_3.6.0_SHA256SUMS.72D7468F.sig"; got.SHASumsSignatureURL != want {
		t.Errorf("shasums_signature_url = %s, want %s", got.SHASumsSignatureURL, want)
	}
	keys := got.SigningKeys.GPGPublicKeys
	if len(keys) != 1 || keys[0].KeyID != "34365D9472D7468F" || !strings.HasPrefix(keys[0].ASCIIArmor, "-----BEGIN PGP PUBLIC KEY BLOCK-----") || keys[0].Source != "HashiCorp" {
		t.Errorf("signing keys %+v", keys)
	}
	if got.Filename != "terraform-provider-random_3.6.0_linux_amd64.zip" || got.SHASum == "" || !cmp.Equal(got.Protocols, []string{"5.0"}) {
		t.Errorf("package %+v", got)
	}

	// The fixture answers for linux_amd64 whatever is asked.
	_, err = reg.client().ProviderDownload(t.Context(), ProviderAddr{"hashicorp", "random"}, "3.6.0", Platform{"darwin", "arm64"})
	if err == nil || !strings.Contains(err.Error(), "answered for linux_amd64") {
		t.Errorf("platform mismatch: %v", err)
	}
}

func TestModuleDetail(t *testing.T) {
	reg := newFakeRegistry(t, 0)
	c := reg.client()
	addr := ModuleAddr{"terraform-aws-modules", "vpc", "aws"}
	latest, err := c.LatestModule(t.Context(), addr)
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.Module(t.Context(), addr, "5.1.2")
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(latest, d) {
		t.Error("latest and 5.1.2 differ")
	}
	if d.ID != "terraform-aws-modules/vpc/aws/5.1.2" || d.Addr() != addr || d.Downloads != 82016357 || d.PublishedAt.Year() != 2023 {
		t.Errorf("module %+v", d.Module)
	}
	in := d.Root.Inputs
	if len(in) != 4 || in[1].Name != "name" || string(in[1].Default) != `"\"\""` || !in[3].Required || in[3].Default != nil {
		t.Errorf("inputs %+v", in)
	}
	var def string
	if err := json.Unmarshal(in[2].Default, &def); err != nil || def != "[]" {
		t.Errorf("default of azs: %q, %v", def, err)
	}
	if len(d.Submodules) != 1 || d.Submodules[0].Resources[0].Type != "aws_vpc_endpoint" ||
		len(d.Examples) != 1 || d.Examples[0].Dependencies[0].Source != "../../" ||
		d.Root.ProviderDependencies[0].Source != "hashicorp/aws" ||
		!cmp.Equal(d.Versions, []string{"5.0.0", "5.1.0", "5.1.1", "5.1.2"}) || !cmp.Equal(d.Providers, []string{"aws"}) {
		t.Errorf("detail %+v", d)
	}
	if _, err := c.Module(t.Context(), addr, "9.9.9"); err == nil || !strings.Contains(err.Error(), "404 Not Found: Not Found") {
		t.Errorf("unknown version: %v", err)
	}
}

func TestModuleVersions(t *testing.T) {
	reg := newFakeRegistry(t, 0)
	c := reg.client()
	got, err := c.ModuleVersions(t.Context(), ModuleAddr{"terraform-aws-modules", "vpc", "aws"})
	if err != nil || !cmp.Equal(got, []string{"5.0.0", "5.1.2"}) {
		t.Errorf("got %v, %v", got, err)
	}
	if _, err := c.ModuleVersions(t.Context(), ModuleAddr{"x", "vpc", "aws"}); err == nil {
		t.Error("unknown module: no error")
	}
	if _, err := c.ModuleVersions(t.Context(), ModuleAddr{"x", "", "aws"}); err == nil || !strings.Contains(err.Error(), `"" is not a valid path segment`) {
		t.Errorf("empty name: %v", err)
	}
}

func TestModuleVersionsWithoutModules(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"modules": []any{}})
	}))
	defer srv.Close()
	c, _ := New(srv.URL, srv.Client(), WithServices("/v1/modules/", ""))
	if _, err := c.ModuleVersions(t.Context(), ModuleAddr{"a", "b", "c"}); err == nil || !strings.Contains(err.Error(), `no "modules" entry`) {
		t.Errorf("err = %v", err)
	}
}

func TestDownloadsSummary(t *testing.T) {
	reg := newFakeRegistry(t, 0)
	got, err := reg.client().DownloadsSummary(t.Context(), ModuleAddr{"terraform-aws-modules", "vpc", "aws"})
	want := &DownloadsSummary{ID: "terraform-aws-modules/vpc/aws", Week: 1200, Month: 5600, Year: 70100, Total: 82016357}
	if err != nil || !cmp.Equal(want, got) {
		t.Errorf("got %+v, %v", got, err)
	}
}

func TestMirror(t *testing.T) {
	reg := newFakeRegistry(t, 0)
	c := reg.client()
	addr := ProviderAddr{"hashicorp", "random"}
	vs, err := c.MirrorVersions(t.Context(), "registry.terraform.io", addr)
	if err != nil || !cmp.Equal(vs, []string{"3.6.0", "3.9.1", "3.10.0"}) {
		t.Errorf("versions %v, %v", vs, err)
	}
	got, err := c.MirrorArchives(t.Context(), "registry.terraform.io", addr, "3.6.0")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]MirrorArchive{
		"linux_amd64": {
			URL:    reg.srv.URL + "/mirror/registry.terraform.io/hashicorp/random/terraform-provider-random_3.6.0_linux_amd64.zip",
			Hashes: []string{"h1:R5Ucn26riKIEijcsiOMBR3uOAjuOMfI1x7XvH4P6B1w="},
		},
		"darwin_arm64": {
			URL:    "https://releases.example.com/random/3.6.0/terraform-provider-random_3.6.0_darwin_arm64.zip",
			Hashes: []string{"h1:6BhxSYBJdBBKyuqatOGkuPKVenfx6UmLdiI13Pb3his=", "zh:58ad6ad1a5d3e1f2bb5f1bf2fd0f7c0aa2a6e1a9b0c0d5c1b7b2a5a4e3f2d1c0"},
		},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("archives (-want +got):\n%s", d)
	}
	if _, err := c.MirrorArchives(t.Context(), "registry.terraform.io", addr, "0.0.1"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("missing version: %v", err)
	}
}

func TestMirrorRequiresJSONContentType(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write([]byte(`{"versions":{"1.0.0":{}}}`))
	}))
	defer srv.Close()
	c, _ := New(srv.URL, srv.Client(), WithMirrorURL("/providers/"))
	_, err := c.MirrorVersions(t.Context(), "registry.terraform.io", ProviderAddr{"a", "b"})
	if err == nil || !strings.Contains(err.Error(), `/providers/registry.terraform.io/a/b/index.json: Content-Type "application/octet-stream"`) {
		t.Errorf("err = %v", err)
	}
}

func TestSortVersions(t *testing.T) {
	vs := []string{"1.10.0", "zeta", "1.2.0", "1.2.0-beta1", "alpha", "0.9"}
	sortVersions(vs)
	if want := []string{"0.9", "1.2.0-beta1", "1.2.0", "1.10.0", "alpha", "zeta"}; !cmp.Equal(vs, want) {
		t.Errorf("got %v, want %v", vs, want)
	}
}
