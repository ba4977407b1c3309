package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/regen-registry/regen/internal/ghtest"
	"github.com/regen-registry/regen/internal/testtool"
	"github.com/regen-registry/regen/internal/tftest"
	"github.com/regen-registry/regen/regdata"
)

// e2eRegistry is a registry-data folder whose providers and module live on a
// loopback GitHub, built and served by regen over TLS.
type e2eRegistry struct {
	gh     *ghtest.Server
	data   string
	out    string
	caFile string
	host   string // 127.0.0.1:PORT of regen serve
	sums   map[string]*ghtest.ProviderArtifacts
	// cliConfig is the clients' CLI configuration ("" by default:
	// discovery goes through /.well-known over TLS).
	cliConfig string
}

// runRegen runs one regen command in-process and returns its stdout.
func runRegen(t *testing.T, ctx context.Context, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	root := newRootCmd(&stdout, &stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil {
		t.Logf("regen %s: %v\nstderr:\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), err
}

func newE2ERegistry(t *testing.T) *e2eRegistry {
	t.Helper()
	r := &e2eRegistry{gh: ghtest.New(t, ghtest.WithTLS()), data: t.TempDir(), out: filepath.Join(t.TempDir(), "dist"), sums: map[string]*ghtest.ProviderArtifacts{}}
	d := regdata.Dir{Root: r.data}
	key := ghtest.NewKeyEd25519(t, "regen e2e")
	if err := regdata.WriteFileAtomic(filepath.Join(r.data, "keys/a/acme/regen-e2e.asc"), []byte(key.Armored()), 0o644); err != nil {
		t.Fatal(err)
	}
	host := ghtest.Platform{OS: runtime.GOOS, Arch: runtime.GOARCH}
	other := ghtest.Platform{OS: "windows", Arch: "amd64"}
	for _, p := range []struct {
		typ          string
		badSignature bool
		wrongShasum  bool
	}{{typ: "widget"}, {typ: "badsig", badSignature: true}, {typ: "badsum", wrongShasum: true}} {
		a := r.gh.AddProviderRelease("acme", "terraform-provider-"+p.typ, ghtest.ProviderRelease{
			Type: p.typ, Version: "1.0.0", Protocols: []string{"5.0"}, Key: key,
			Platforms: []ghtest.Platform{host, other}, BadSignature: p.badSignature,
		})
		r.sums[p.typ] = a
		v := regdata.ProviderVersion{Version: a.Version, Protocols: a.Protocols, SHASumsURL: a.ShasumsURL,
			SHASumsSignatureURL: a.SignatureURL, Discovered: "2026-01-02T03:04:05Z"}
		for _, pkg := range a.Packages {
			sum := pkg.SHA256
			if p.wrongShasum {
				sum = strings.Repeat("ab", 32)
			}
			v.Targets = append(v.Targets, regdata.Target{OS: pkg.OS, Arch: pkg.Arch, Filename: pkg.Filename,
				DownloadURL: pkg.DownloadURL, SHASum: sum, H1: pkg.H1, Size: pkg.Size})
		}
		if err := d.WriteProvider(regdata.ProviderAddr{Namespace: "acme", Type: p.typ}, &regdata.ProviderFile{Versions: []regdata.ProviderVersion{v}}); err != nil {
			t.Fatal(err)
		}
	}
	repo := r.gh.NewRepo("acme", "terraform-aws-vpc")
	first := repo.Commit(map[string]string{"main.tf": "output \"cidr\" {\n  value = \"10.0.0.0/16\"\n}\n"}, "first")
	repo.Tag("v1.0", first) // two-part tag: clients request 1.0.0
	repo.Commit(map[string]string{"main.tf": "output \"cidr\" {\n  value = \"moved-on\"\n}\n"}, "later")
	mf := &regdata.ModuleFile{Versions: []regdata.ModuleVersion{{Version: "v1.0", Commit: first, Discovered: "2026-01-02T03:04:05Z"}}}
	if err := d.WriteModule(regdata.ModuleAddr{Namespace: "acme", Name: "vpc", System: "aws"}, mf); err != nil {
		t.Fatal(err)
	}
	return r
}

// serve starts regen serve --self-signed on a free port and returns when
// it listens.
func (r *e2eRegistry) serve(t *testing.T) {
	t.Helper()
	r.caFile = filepath.Join(t.TempDir(), "ca.pem")
	u, _ := startServe(t, "--dir", r.out, "--self-signed", "--ca-out", r.caFile)
	r.host = strings.TrimPrefix(u, "https://")
}

// init runs a registry client CLI's (terraform or tofu) init in a new
// workspace holding mainTF, with HOST replaced by the server's host there
// and in the CLI configuration, and returns its output, the workspace and
// error.
func (r *e2eRegistry) init(t *testing.T, bin, mainTF string) (string, string, error) {
	t.Helper()
	// One CA bundle: regen serve's self-signed CA and the loopback GitHub's.
	caServe, err := os.ReadFile(r.caFile)
	if err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(t.TempDir(), "ca-bundle.pem")
	if err := os.WriteFile(bundle, append(append(caServe, '\n'), r.gh.CAPEM()...), 0o644); err != nil {
		t.Fatal(err)
	}
	host := func(s string) string { return strings.ReplaceAll(s, "HOST", r.host) }
	return tftest.Init(t, bin, host(mainTF), host(r.cliConfig), append(r.gh.GitEnv(), "SSL_CERT_FILE="+bundle)...)
}

const e2eMain = `terraform {
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
`

// clientBinaries returns the real registry clients on this machine:
// terraform, which the test needs, and tofu when it is installed (or named
// by $REGEN_TOFU). OpenTofu is optional: the log says when it is not run.
func clientBinaries(t *testing.T) map[string]string {
	t.Helper()
	bins := map[string]string{"terraform": testtool.Require(t, "terraform", "")}
	if p := os.Getenv("REGEN_TOFU"); p != "" {
		bins["tofu"] = p
	} else if p, err := exec.LookPath("tofu"); err == nil {
		bins["tofu"] = p
	} else {
		t.Log("NOTE: tofu is not installed (set REGEN_TOFU to run it): only terraform is run against the registry")
	}
	return bins
}

// TestEndToEndRealClients builds a registry with regen build, serves it with
// regen serve over TLS, and runs the real terraform (and tofu, when
// present) init against it: a signed provider from a loopback GitHub
// release and a module from a real git repository over smart HTTP.
func TestEndToEndRealClients(t *testing.T) {
	if testing.Short() {
		t.Skip("runs terraform init")
	}
	bins := clientBinaries(t)
	r := newE2ERegistry(t)
	ctx := context.Background()
	if out, err := runRegen(t, ctx, "validate", "--data", r.data); err != nil {
		t.Log(out)
		t.Fatalf("regen validate: %v", err)
	}
	if _, err := runRegen(t, ctx, "build", "--data", r.data, "--out", r.out, "--github-url", r.gh.URL); err != nil {
		t.Fatalf("regen build: %v", err)
	}
	r.serve(t)

	for name, bin := range bins {
		t.Run(name, func(t *testing.T) {
			out, work, err := r.init(t, bin, e2eMain)
			if err != nil {
				t.Fatalf("%s init failed: %v\n%s", name, err, out)
			}
			// The module is the tag's commit, not the branch head.
			mainTF, err := os.ReadFile(filepath.Join(work, ".terraform/modules/vpc/main.tf"))
			if err != nil || !strings.Contains(string(mainTF), "10.0.0.0/16") {
				t.Errorf("module files: %q, %v; want the v1.0 commit's main.tf", mainTF, err)
			}
			lock, err := os.ReadFile(filepath.Join(work, ".terraform.lock.hcl"))
			if err != nil {
				t.Fatal(err)
			}
			a := r.sums["widget"]
			pkg := a.Package(runtime.GOOS, runtime.GOARCH)
			for _, want := range []string{pkg.H1, "zh:" + pkg.SHA256} {
				if !strings.Contains(string(lock), want) {
					t.Errorf("lock file lacks %s:\n%s", want, lock)
				}
			}
		})
	}

	for _, tc := range []struct{ typ, want string }{
		{"badsig", "invalid signature"},
		{"badsum", "unexpected SHA-256 hash"},
	} {
		t.Run("terraform-rejects-"+tc.typ, func(t *testing.T) {
			tf := fmt.Sprintf("terraform {\n  required_providers {\n    x = {\n      source = \"HOST/acme/%s\"\n    }\n  }\n}\n", tc.typ)
			out, _, err := r.init(t, bins["terraform"], tf)
			if err == nil {
				t.Fatalf("terraform init succeeded for %s:\n%s", tc.typ, out)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("terraform init for %s: want %q in output:\n%s", tc.typ, tc.want, out)
			}
		})
	}
}

// TestBuildServesNormalisedVersions checks the served versions list uses
// the normalised version that clients request.
func TestBuildServesNormalisedVersions(t *testing.T) {
	r := newE2ERegistry(t)
	if _, err := runRegen(t, context.Background(), "build", "--data", r.data, "--out", r.out, "--github-url", r.gh.URL); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(r.out, "v1/modules/acme/vpc/aws/versions"))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Modules []struct {
			Versions []struct{ Version string } `json:"versions"`
		} `json:"modules"`
	}
	if err := json.Unmarshal(data, &got); err != nil || len(got.Modules) != 1 || len(got.Modules[0].Versions) != 1 || got.Modules[0].Versions[0].Version != "1.0.0" {
		t.Fatalf("versions = %s (%v); want one module with version 1.0.0", data, err)
	}
	if _, err := os.Stat(filepath.Join(r.out, "v1/modules/acme/vpc/aws/1.0.0/download")); err != nil {
		t.Errorf("download document for the normalised version: %v", err)
	}
}
