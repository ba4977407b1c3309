package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regen-registry/regen/internal/ghtest"
	"github.com/regen-registry/regen/internal/testtool"
	"github.com/regen-registry/regen/internal/tftest"
	"github.com/regen-registry/regen/internal/tlstest"
	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/serve/auth"
)

// archiveModule is the module the archive-mode test publishes.
var archiveModule = map[string]string{
	"main.tf":                "output \"cidr\" {\n  value = \"10.0.0.0/16\"\n}\n",
	"modules/subnet/main.tf": "output \"id\" {\n  value = \"subnet\"\n}\n",
	"README.md":              "# VPC\n",
}

// TestArchiveModeRealTerraform builds a module from a loopback git
// repository in archive mode, deletes the repository, and installs the
// module with the real terraform from regen serve over TLS: publicly, and
// through --tokens (where the package is fetched with the signed URL the
// download answer hands out, as terraform sends no credentials for it).
func TestArchiveModeRealTerraform(t *testing.T) {
	if testing.Short() {
		t.Skip("runs terraform init")
	}
	tf := testtool.Require(t, "terraform", "")
	ctx := context.Background()
	gh := ghtest.New(t)
	repo := gh.NewRepo("acme", "terraform-aws-vpc")
	commit := repo.Snapshot(archiveModule, "first")
	repo.Tag("v1.0.0", commit)
	repo.Snapshot(map[string]string{"main.tf": "# moved on\n"}, "later")

	data := t.TempDir()
	mf := &regdata.ModuleFile{Versions: []regdata.ModuleVersion{{Version: "v1.0.0", Commit: commit, Discovered: "2026-01-02T03:04:05Z"}}}
	if err := (regdata.Dir{Root: data}).WriteModule(regdata.ModuleAddr{Namespace: "acme", Name: "vpc", System: "aws"}, mf); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "dist")
	store := filepath.Join(t.TempDir(), "registry-archives")
	if _, err := runRegen(t, ctx, "build", "--data", data, "--out", out, "--no-discovery",
		"--github-url", gh.URL, "--module-archives", "--archives-dir", store); err != nil {
		t.Fatal(err)
	}
	// The repository is gone: installs must not need it.
	if err := os.RemoveAll(repo.Dir()); err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join(out, "v1/modules/acme/vpc/aws/1.0.0/download"))
	if err != nil || !strings.Contains(string(doc), `"location": "/archives/acme/vpc/aws/`) {
		t.Fatalf("download document %s (%v), want a package location", doc, err)
	}

	check := func(t *testing.T, work string) {
		t.Helper()
		for rel, want := range archiveModule {
			got, err := os.ReadFile(filepath.Join(work, ".terraform/modules/vpc", rel))
			if err != nil || string(got) != want {
				t.Errorf("installed %s = %q, %v; want %q", rel, got, err, want)
			}
		}
	}
	mainTF := "module \"vpc\" {\n  source  = \"HOST/acme/vpc/aws\"\n  version = \"1.0.0\"\n}\n"

	t.Run("public", func(t *testing.T) {
		ca := filepath.Join(t.TempDir(), "ca.pem")
		u, _ := startServe(t, "--dir", out, "--self-signed", "--ca-out", ca)
		host := strings.TrimPrefix(u, "https://")
		outp, work, err := terraformInit(t, tf, ca, host, mainTF, "")
		if err != nil {
			t.Fatalf("terraform init: %v\n%s", err, outp)
		}
		check(t, work)
	})

	t.Run("tokens", func(t *testing.T) {
		tokens := filepath.Join(t.TempDir(), "tokens")
		token := auth.NewToken()
		if err := auth.AppendToken(tokens, token, "test"); err != nil {
			t.Fatal(err)
		}
		ca := filepath.Join(t.TempDir(), "ca.pem")
		u, _ := startServe(t, "--dir", out, "--self-signed", "--ca-out", ca, "--tokens", tokens)
		host := strings.TrimPrefix(u, "https://")
		creds := fmt.Sprintf("credentials %q {\n  token = %q\n}\n", host, token)
		if outp, _, err := terraformInit(t, tf, ca, host, mainTF, ""); err == nil {
			t.Fatalf("terraform init without credentials succeeded:\n%s", outp)
		}
		outp, work, err := terraformInit(t, tf, ca, host, mainTF, creds)
		if err != nil {
			t.Fatalf("terraform init: %v\n%s", err, outp)
		}
		check(t, work)

		// The package itself: refused without a valid signature, served
		// with the one the download answer hands out.
		client := tlstest.Client(tlstest.Pool(t, ca))
		get := func(path, tok string) (*http.Response, []byte) {
			t.Helper()
			return tlstest.Get(t, client, u+path, tok)
		}
		resp, body := get("/v1/modules/acme/vpc/aws/1.0.0/download", token)
		loc := resp.Header.Get("X-Terraform-Get")
		var d struct{ Location string }
		if err := json.Unmarshal(body, &d); err != nil || d.Location != loc || !strings.Contains(loc, "regen_signature=") {
			t.Fatalf("download answer: header %q, body %s (%v): want the same signed location", loc, body, err)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("signed download answer Cache-Control %q, want no-store", cc)
		}
		plain, _, _ := strings.Cut(loc, "?")
		for _, c := range []struct {
			path string
			want int
		}{
			{loc, http.StatusOK},
			{plain, http.StatusUnauthorized},
			{strings.Replace(loc, "regen_signature=", "regen_signature=0", 1), http.StatusUnauthorized},
			{strings.Replace(loc, "regen_expires=", "regen_expires=9", 1), http.StatusUnauthorized},
			{strings.Replace(loc, "/archives/acme/vpc/aws/", "/archives/acme/vpc/gcp/", 1), http.StatusUnauthorized},
			{"/v1/modules/acme/vpc/aws/versions?" + strings.SplitN(loc, "?", 2)[1], http.StatusUnauthorized},
		} {
			if resp, _ := get(c.path, ""); resp.StatusCode != c.want {
				t.Errorf("GET %s without a token: %d, want %d", c.path, resp.StatusCode, c.want)
			}
		}
	})
}

// terraformInit runs terraform init in a new workspace holding mainTF
// (HOST replaced by host) with cliConfig as the CLI configuration and the
// CA in caFile trusted.
func terraformInit(t *testing.T, tf, caFile, host, mainTF, cliConfig string) (string, string, error) {
	t.Helper()
	return tftest.Init(t, tf, strings.ReplaceAll(mainTF, "HOST", host), cliConfig, "SSL_CERT_FILE="+caFile)
}
