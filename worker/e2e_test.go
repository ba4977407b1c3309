package worker_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/regen-registry/regen/generator"
	"github.com/regen-registry/regen/generator/build"
	"github.com/regen-registry/regen/internal/ghtest"
	"github.com/regen-registry/regen/internal/testtool"
	"github.com/regen-registry/regen/internal/tftest"
	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/serve/auth"
)

// testToken is the bearer token of the private registry under test.
const testToken = "regen_worker_e2e_7b1f0c"

// registry is a registry-data folder whose provider and module live on a
// loopback GitHub, built by generator/build.
type registry struct {
	gh     *ghtest.Server
	data   string
	out    string
	widget *ghtest.ProviderArtifacts
}

func newRegistry(t *testing.T) *registry {
	t.Helper()
	r := &registry{gh: ghtest.New(t), data: t.TempDir(), out: filepath.Join(t.TempDir(), "dist")}
	d := regdata.Dir{Root: r.data}
	key := ghtest.NewKeyEd25519(t, "regen worker e2e")
	if err := regdata.WriteFileAtomic(filepath.Join(r.data, "keys/a/acme/worker-e2e.asc"), []byte(key.Armored()), 0o644); err != nil {
		t.Fatal(err)
	}
	r.widget = r.gh.AddProviderRelease("acme", "terraform-provider-widget", ghtest.ProviderRelease{
		Type: "widget", Version: "1.0.0", Protocols: []string{"5.0"}, Key: key,
		Platforms: []ghtest.Platform{{OS: runtime.GOOS, Arch: runtime.GOARCH}, {OS: "windows", Arch: "amd64"}},
	})
	a := r.widget
	v := regdata.ProviderVersion{Version: a.Version, Protocols: a.Protocols, SHASumsURL: a.ShasumsURL,
		SHASumsSignatureURL: a.SignatureURL, Discovered: "2026-01-02T03:04:05Z"}
	for _, pkg := range a.Packages {
		v.Targets = append(v.Targets, regdata.Target{OS: pkg.OS, Arch: pkg.Arch, Filename: pkg.Filename,
			DownloadURL: pkg.DownloadURL, SHASum: pkg.SHA256, H1: pkg.H1, Size: pkg.Size})
	}
	if err := d.WriteProvider(regdata.ProviderAddr{Namespace: "acme", Type: "widget"}, &regdata.ProviderFile{Versions: []regdata.ProviderVersion{v}}); err != nil {
		t.Fatal(err)
	}
	repo := r.gh.NewRepo("acme", "terraform-aws-vpc")
	first := repo.Commit(map[string]string{"main.tf": "output \"cidr\" {\n  value = \"10.0.0.0/16\"\n}\n"}, "first")
	repo.Tag("v1.0", first) // two-part tag: clients request 1.0.0
	second := repo.Commit(map[string]string{"main.tf": "output \"cidr\" {\n  value = \"10.1.0.0/16\"\n}\n"}, "second")
	repo.Tag("v1.1.0", second)
	repo.Commit(map[string]string{"main.tf": "output \"cidr\" {\n  value = \"moved-on\"\n}\n"}, "later")
	mf := &regdata.ModuleFile{Versions: []regdata.ModuleVersion{
		{Version: "v1.1.0", Commit: second, Discovered: "2026-01-03T03:04:05Z"},
		{Version: "v1.0", Commit: first, Discovered: "2026-01-02T03:04:05Z"},
	}}
	if err := d.WriteModule(regdata.ModuleAddr{Namespace: "acme", Name: "vpc", System: "aws"}, mf); err != nil {
		t.Fatal(err)
	}
	if _, err := build.Run(context.Background(), build.Options{
		Data: r.data, Out: r.out, Jobs: 2,
		Generator: generator.Options{GitHubURL: r.gh.URL},
	}); err != nil {
		t.Fatalf("building the registry: %v", err)
	}
	return r
}

// tokensFile writes a tokens file (serve/auth's format) accepting
// testToken.
func tokensFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "tokens")
	if err := auth.AppendToken(p, testToken, "worker e2e"); err != nil {
		t.Fatal(err)
	}
	return p
}

// terraformInit runs the real terraform init in a new workspace holding
// mainTF (HOST replaced by the worker's host), with a CLI config holding
// cliConfig, trusting caFile. It returns the output, workspace and error.
func terraformInit(t *testing.T, r *registry, w *runningWorker, caFile, mainTF, cliConfig string) (string, string, error) {
	t.Helper()
	host := func(s string) string { return strings.ReplaceAll(s, "HOST", w.Host) }
	return tftest.Init(t, "terraform", host(mainTF), host(cliConfig), append(r.gh.GitEnv(), "SSL_CERT_FILE="+caFile)...)
}

// mainTF asks for the signed provider and the module by version; the
// module source's host has dots (127.0.0.1:PORT), as Terraform requires.
const mainTF = `terraform {
  required_providers {
    widget = {
      source  = "HOST/acme/widget"
      version = "1.0.0"
    }
  }
}

module "vpc" {
  source  = "HOST/acme/vpc/aws"
  version = "1.0.0"
}

module "latest" {
  source = "HOST/acme/vpc/aws"
}
`

// TestTerraformInitThroughWorker builds a registry with generator/build,
// loads it into the worker's R2 bucket in workerd, serves it over TLS
// with a bearer token required, and runs the real terraform init through
// it: service discovery, the provider (signature, checksums) and the module
// from a real git repository, whose download the worker answers with the
// X-Terraform-Get header Terraform needs. Without a credentials block,
// init fails with 401.
func TestTerraformInitThroughWorker(t *testing.T) {
	if testing.Short() {
		t.Skip("starts workerd and runs terraform init")
	}
	dir := workerDir(t)
	testtool.Require(t, "terraform", "")
	r := newRegistry(t)
	writeDiscovery(t, r.out)
	certFile, keyFile, caFile := tlsFiles(t)
	tokens := tokensFile(t)
	w := startWorker(t, dir, r.out, certFile, keyFile, "--tokens", tokens)

	t.Run("with-credentials", func(t *testing.T) {
		out, work, err := terraformInit(t, r, w, caFile, mainTF, fmt.Sprintf("credentials %q {\n  token = %q\n}\n", "HOST", testToken))
		if err != nil {
			t.Fatalf("terraform init through the worker failed: %v\n%s", err, out)
		}
		for mod, want := range map[string]string{"vpc": "10.0.0.0/16", "latest": "10.1.0.0/16"} {
			data, err := os.ReadFile(filepath.Join(work, ".terraform/modules", mod, "main.tf"))
			if err != nil || !strings.Contains(string(data), want) {
				t.Errorf("module %s: main.tf %q, %v; want the tagged commit's, holding %s", mod, data, err, want)
			}
		}
		lock, err := os.ReadFile(filepath.Join(work, ".terraform.lock.hcl"))
		if err != nil {
			t.Fatal(err)
		}
		pkg := r.widget.Package(runtime.GOOS, runtime.GOARCH)
		for _, want := range []string{pkg.H1, "zh:" + pkg.SHA256} {
			if !strings.Contains(string(lock), want) {
				t.Errorf("lock file lacks %s:\n%s", want, lock)
			}
		}
	})

	t.Run("without-credentials", func(t *testing.T) {
		out, _, err := terraformInit(t, r, w, caFile, mainTF, "")
		if err == nil {
			t.Fatalf("terraform init succeeded without a token:\n%s", out)
		}
		if !strings.Contains(out, "401") && !strings.Contains(strings.ToLower(out), "unauthorized") {
			t.Errorf("terraform init without a token: want a 401 in its output:\n%s", out)
		}
	})

	t.Run("same-answers-as-regen-serve", func(t *testing.T) {
		compareWithServe(t, r.out, tokens, w, caFile, "Bearer "+testToken, "", "Bearer wrong", "bearer  "+testToken+" ")
	})

	t.Run("wrong-token", func(t *testing.T) {
		out, _, err := terraformInit(t, r, w, caFile, mainTF, fmt.Sprintf("credentials %q {\n  token = %q\n}\n", "HOST", "not-"+testToken))
		if err == nil {
			t.Fatalf("terraform init succeeded with a wrong token:\n%s", out)
		}
	})
}
