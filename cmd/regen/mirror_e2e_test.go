package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestMirrorWithPortTerraform runs the real terraform against the provider
// network mirror of a registry whose host has a port (127.0.0.1:PORT, as
// a local preview has). A client asks a mirror for
// <url>/<source host>/<ns>/<type>/index.json and refuses a source host
// with a port there ("first path segment in URL cannot contain colon"),
// so regen keys the mirror by the host without its port: installing
// 127.0.0.1/acme/widget through a network_mirror block works.
func TestMirrorWithPortTerraform(t *testing.T) {
	if testing.Short() {
		t.Skip("runs terraform init")
	}
	bins := clientBinaries(t)
	r := newE2ERegistry(t)
	ctx := context.Background()
	if _, err := runRegen(t, ctx, "build", "--data", r.data, "--out", r.out, "--github-url", r.gh.URL, "--host", "127.0.0.1:8443"); err != nil {
		t.Fatalf("regen build: %v", err)
	}
	if _, err := os.Stat(filepath.Join(r.out, "mirror/127.0.0.1/acme/widget/index.json")); err != nil {
		t.Fatalf("mirror not keyed by the host without its port: %v", err)
	}
	if _, err := os.Stat(filepath.Join(r.out, "mirror/127.0.0.1:8443")); err == nil {
		t.Error("a mirror keyed by host:port was written; no client can use it")
	}
	r.serve(t)
	r.cliConfig = "provider_installation {\n  network_mirror {\n    url = \"https://HOST/mirror/\"\n  }\n}\n"

	for name, bin := range bins {
		t.Run(name, func(t *testing.T) {
			out, work, err := r.init(t, bin, "terraform {\n  required_providers {\n    widget = {\n      source  = \"127.0.0.1/acme/widget\"\n      version = \"1.0.0\"\n    }\n  }\n}\n")
			if err != nil {
				t.Fatalf("%s init through the mirror failed: %v\n%s", name, err, out)
			}
			lock, err := os.ReadFile(filepath.Join(work, ".terraform.lock.hcl"))
			if err != nil || !strings.Contains(string(lock), r.sums["widget"].Package(runtime.GOOS, runtime.GOARCH).H1) {
				t.Errorf("lock file %q, %v; want the widget's h1 hash", lock, err)
			}
		})
	}

	// What regen avoids: the same mirror asked for a source host with a
	// port is refused by the client before any request.
	out, _, err := r.init(t, bins["terraform"], "terraform {\n  required_providers {\n    widget = {\n      source = \"HOST/acme/widget\"\n    }\n  }\n}\n")
	if err == nil || !strings.Contains(strings.Join(strings.Fields(out), " "), "first path segment in URL cannot contain colon") {
		t.Errorf("terraform with a host:port source through a mirror: err %v, output:\n%s", err, out)
	}
}
