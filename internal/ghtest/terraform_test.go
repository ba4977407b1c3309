package ghtest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/regen-registry/regen/internal/ghtest"
	"github.com/regen-registry/regen/internal/testtool"
	"github.com/regen-registry/regen/internal/tftest"
)

// miniRegistry serves the provider registry protocol for one release whose
// files live on the ghtest server.
func miniRegistry(t *testing.T, a *ghtest.ProviderArtifacts, key *ghtest.Key) *httptest.Server {
	t.Helper()
	pkg := a.Package(runtime.GOOS, runtime.GOARCH)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/providers/acme/widget/versions", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"versions": []any{map[string]any{
			"version": a.Version, "protocols": a.Protocols,
			"platforms": []any{map[string]string{"os": pkg.OS, "arch": pkg.Arch}},
		}}})
	})
	mux.HandleFunc("GET /v1/providers/acme/widget/{version}/download/{os}/{arch}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"protocols": a.Protocols, "os": pkg.OS, "arch": pkg.Arch,
			"filename": pkg.Filename, "download_url": pkg.DownloadURL,
			"shasums_url": a.ShasumsURL, "shasums_signature_url": a.SignatureURL,
			"shasum": pkg.SHA256,
			"signing_keys": map[string]any{"gpg_public_keys": []any{map[string]any{
				"key_id": key.KeyID(), "ascii_armor": key.Armored(),
			}}},
		})
	})
	reg := httptest.NewServer(mux)
	t.Cleanup(reg.Close)
	return reg
}

// terraformInit runs a real terraform init against reg and returns its
// output and error.
func terraformInit(t *testing.T, reg *httptest.Server) (string, string, error) {
	t.Helper()
	host := "registry.example.test"
	cli := fmt.Sprintf("host %q {\n  services = {\n    \"providers.v1\" = %q\n  }\n}\n", host, reg.URL+"/v1/providers/")
	main := fmt.Sprintf("terraform {\n  required_providers {\n    widget = {\n      source = \"%s/acme/widget\"\n    }\n  }\n}\n", host)
	return tftest.Init(t, "terraform", main, cli)
}

// TestTerraformInitAcceptsProviderRelease proves a real terraform accepts
// the zips, SHA256SUMS and signature (Terraform 1.11 bundles an older
// go-crypto than this module), and rejects a corrupted signature.
func TestTerraformInitAcceptsProviderRelease(t *testing.T) {
	if testing.Short() {
		t.Skip("runs terraform init")
	}
	testtool.Require(t, "terraform", "")
	srv := ghtest.New(t)
	host := ghtest.Platform{OS: runtime.GOOS, Arch: runtime.GOARCH}
	for _, tc := range []struct {
		name    string
		key     *ghtest.Key
		bad     bool
		wantErr string
	}{
		{name: "ed25519", key: ghtest.NewKeyEd25519(t, "terraform e2e")},
		{name: "rsa", key: ghtest.NewKey(t, "terraform e2e rsa")},
		{name: "bad-signature", key: ghtest.NewKeyEd25519(t, "terraform e2e"), bad: true, wantErr: "invalid signature"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := srv.AddProviderRelease("acme", "terraform-provider-widget-"+tc.name, ghtest.ProviderRelease{
				Type: "widget", Version: "1.0.0", Protocols: []string{"5.0"}, Key: tc.key,
				Platforms: []ghtest.Platform{host}, BadSignature: tc.bad,
			})
			out, work, err := terraformInit(t, miniRegistry(t, a, tc.key))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(out, tc.wantErr) {
					t.Fatalf("terraform init: err %v, want output containing %q:\n%s", err, tc.wantErr, out)
				}
				return
			}
			if err != nil {
				t.Fatalf("terraform init: %v\n%s", err, out)
			}
			lock, err := os.ReadFile(filepath.Join(work, ".terraform.lock.hcl"))
			if err != nil {
				t.Fatal(err)
			}
			pkg := a.Package(host.OS, host.Arch)
			for _, want := range []string{pkg.H1, "zh:" + pkg.SHA256} {
				if !strings.Contains(string(lock), want) {
					t.Errorf("lock file lacks %s:\n%s", want, lock)
				}
			}
		})
	}
}
