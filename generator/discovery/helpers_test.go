package discovery

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/moddocs"
	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/regdata/events"
	"github.com/regen-registry/regen/stats"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got; run with -update if intended):\n%s", file, d)
	}
}

// dump renders files as one golden text: a header line per file, then its
// content (JSON indented for readability).
func dump(t *testing.T, files []File) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, f := range files {
		b.WriteString("=== " + f.Path + " (" + string(f.Class) + ")\n")
		if json.Valid(f.Data) && f.Data[0] == '{' {
			var ind bytes.Buffer
			if err := json.Indent(&ind, f.Data, "", "  "); err != nil {
				t.Fatal(err)
			}
			b.Write(ind.Bytes())
		} else {
			b.Write(f.Data)
		}
		if b.Len() > 0 && b.Bytes()[b.Len()-1] != '\n' {
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

var buildTime = time.Date(2026, 11, 5, 12, 0, 0, 0, time.UTC)

func publishedVersions(t *testing.T, addr regdata.ModuleAddr, versions ...regdata.ModuleVersion) []regdata.Published[regdata.ModuleVersion] {
	t.Helper()
	pub, dropped := regdata.PublishedModuleVersions(addr, &regdata.ModuleFile{Versions: versions}, &regdata.Blacklist{})
	if len(dropped) > 0 {
		t.Fatalf("dropped %v", dropped)
	}
	return pub
}

func providerVersions(t *testing.T, addr regdata.ProviderAddr, versions ...regdata.ProviderVersion) []regdata.Published[regdata.ProviderVersion] {
	t.Helper()
	for i := range versions {
		versions[i] = servable(versions[i])
	}
	pub, dropped := regdata.PublishedProviderVersions(addr, &regdata.ProviderFile{Versions: versions}, &regdata.Blacklist{})
	if len(dropped) > 0 {
		t.Fatalf("dropped %v", dropped)
	}
	return pub
}

// vpcDoc is the documentation of a small module with a submodule and an
// example.
func vpcDoc() *moddocs.Doc {
	return &moddocs.Doc{
		Format: moddocs.Format,
		Root: moddocs.Module{
			ReadmeFile: "README.md",
			Readme:     "# AWS VPC\n\n[![CI](https://x/badge.svg)](https://x)\n\nTerraform module which creates **VPC** resources on [AWS](https://aws.amazon.com).\n\n## Usage\n",
			Inputs: []moddocs.Input{
				{Name: "cidr", Type: "string", Description: "The IPv4 CIDR block", Default: json.RawMessage(`"10.0.0.0/16"`)},
				{Name: "name", Type: "string", Required: true},
			},
			Outputs:   []moddocs.Output{{Name: "vpc_id", Description: "The ID of the VPC"}},
			Resources: []moddocs.Resource{{Mode: moddocs.ModeManaged, Type: "aws_vpc", Name: "this"}, {Mode: moddocs.ModeData, Type: "aws_region", Name: "current"}},
			Providers: []moddocs.ProviderRequirement{{Name: "aws", Source: "hashicorp/aws", VersionConstraints: []string{">= 5.0"}}},
		},
		Submodules: []moddocs.Module{{Path: "modules/endpoints", ReadmeFile: "README.md", Readme: "# Endpoints\n",
			ModuleCalls: []moddocs.ModuleCall{{Name: "sg", Source: "terraform-aws-modules/security-group/aws", Version: "~> 5.0"}}}},
		Examples: []moddocs.Module{{Path: "examples/simple", ModuleCalls: []moddocs.ModuleCall{{Name: "vpc", Source: "../../"}}}},
		Licenses: []moddocs.License{{SPDX: "Apache-2.0", File: "LICENSE", Confidence: 1, Compatible: true}},
	}
}

// fixture is a small registry: modules (one documented), providers and an
// event log.
type fixture struct {
	modules   []ModuleInput
	providers []ProviderInput
	events    []events.Event
}

// downloads returns each entry's counts as the fixture's inputs give them.
func (fx fixture) downloads(entry string) stats.Summary {
	for _, m := range fx.modules {
		if m.Addr.Key() == entry {
			return m.Downloads
		}
	}
	for _, p := range fx.providers {
		if p.Addr.Key() == entry {
			return p.Downloads
		}
	}
	return stats.Summary{}
}

func newFixture(t *testing.T) fixture {
	vpc := regdata.ModuleAddr{Namespace: "Acme", Name: "vpc", System: "aws"}
	vpcGCP := regdata.ModuleAddr{Namespace: "Acme", Name: "vpc", System: "google"}
	consul := regdata.ModuleAddr{Namespace: "hashicorp", Name: "consul", System: "aws"}
	random := regdata.ProviderAddr{Namespace: "hashicorp", Type: "random"}
	systems := SystemsByName([]regdata.ModuleAddr{vpc, vpcGCP, consul})
	day := func(d int) string { return time.Date(2026, 10, d, 9, 0, 0, 0, time.UTC).Format(time.RFC3339) }
	return fixture{
		modules: []ModuleInput{
			{
				Addr: vpc,
				Versions: publishedVersions(t, vpc,
					regdata.ModuleVersion{Version: "v1.0", Commit: strings.Repeat("a", 40), Discovered: day(1)},
					regdata.ModuleVersion{Version: "v1.1.0", Commit: strings.Repeat("b", 40), Discovered: day(20)}),
				Systems:   systems["acme/vpc"],
				Source:    "https://github.com/Acme/terraform-aws-vpc",
				Verified:  true,
				Downloads: stats.Summary{Week: 3, Month: 10, Year: 40, Total: 41},
				Latest:    vpcDoc(),
			},
			{
				Addr:        vpcGCP,
				Versions:    publishedVersions(t, vpcGCP, regdata.ModuleVersion{Version: "0.1.0"}),
				Systems:     systems["acme/vpc"],
				Source:      "https://github.com/Acme/terraform-google-vpc",
				Description: "VPC networks on Google Cloud",
			},
			{
				Addr:        consul,
				Versions:    publishedVersions(t, consul, regdata.ModuleVersion{Version: "v0.12.0", Commit: strings.Repeat("c", 40), Discovered: day(3)}),
				Systems:     systems["hashicorp/consul"],
				Source:      "https://github.com/hashicorp/terraform-aws-consul",
				Description: "A Terraform Module for how to run Consul on AWS",
				Downloads:   stats.Summary{Total: 1000},
			},
		},
		providers: []ProviderInput{{
			Addr: random,
			Versions: providerVersions(t, random,
				regdata.ProviderVersion{Version: "3.6.0", Discovered: day(2)},
				regdata.ProviderVersion{Version: "3.5.1", Discovered: day(1)}),
			Source:      "https://github.com/hashicorp/terraform-provider-random",
			Description: "Random values",
			Warnings:    []string{"This provider has moved to opentofu/random."},
			Downloads:   stats.Summary{Total: 7},
		}},
		events: []events.Event{
			{Type: events.ModuleCreated, Time: time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC), Namespace: "Acme", Name: "vpc", Target: "aws", URL: "https://github.com/Acme/terraform-aws-vpc"},
			{Type: events.ModuleVersionReleased, Time: time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC), Namespace: "Acme", Name: "vpc", Target: "aws", Version: "v1.0", Commit: "aaa", URL: "https://github.com/Acme/terraform-aws-vpc"},
			{Type: events.ProviderVersionReleased, Time: time.Date(2026, 10, 2, 9, 0, 0, 0, time.UTC), Namespace: "hashicorp", Name: "random", Version: "3.6.0", URL: "https://github.com/hashicorp/terraform-provider-random/releases/download/v3.6.0/SHA256SUMS"},
			{Type: events.ModuleVersionReleased, Time: time.Date(2026, 10, 20, 9, 0, 0, 0, time.UTC), Namespace: "Acme", Name: "vpc", Target: "aws", Version: "v1.1.0", Commit: "bbb"},
			{Type: events.ModuleVersionReleased, Time: time.Date(2026, 10, 21, 9, 0, 0, 0, time.UTC), Namespace: "Acme", Name: "vpc", Target: "aws", Version: "v1.2.0", Commit: "ddd"},
			{Type: events.ModuleVersionRevoked, Time: time.Date(2026, 10, 22, 9, 0, 0, 0, time.UTC), Namespace: "Acme", Name: "vpc", Target: "aws", Version: "v1.2.0", Reason: "broken"},
			{Type: events.ModuleDeleted, Time: time.Date(2026, 10, 25, 9, 0, 0, 0, time.UTC), Namespace: "old", Name: "gone", Target: "aws"},
			{Type: events.ModuleDeleted, Time: time.Date(2026, 8, 1, 9, 0, 0, 0, time.UTC), Namespace: "older", Name: "gone", Target: "aws"},
		},
	}
}

// servable fills in what a provider version needs to be published (see
// regdata.ProviderVersionViolations) and the discovery documents ignore:
// checksum URLs and one target.
func servable(v regdata.ProviderVersion) regdata.ProviderVersion {
	if len(v.Targets) > 0 {
		return v
	}
	const base = "https://example.test/"
	v.SHASumsURL, v.SHASumsSignatureURL = base+"SUMS", base+"SUMS.sig"
	v.Targets = []regdata.Target{{OS: "linux", Arch: "amd64", Filename: "p.zip", DownloadURL: base + "p.zip", SHASum: strings.Repeat("a", 64)}}
	return v
}
