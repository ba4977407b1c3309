package worker_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/regen-registry/regen/generator/search"
	"github.com/regen-registry/regen/manifest"
	"github.com/regen-registry/regen/serve"
)

var update = flag.Bool("update", false, "rewrite the fixtures under test/fixtures")

// searchFixtureDir holds a search index written by generator/search and the
// answers generator/search gives to a set of queries; the node tests
// (test/search.test.mjs) check that the worker's reader gives the same.
const searchFixtureDir = "test/fixtures/search"

// fixtureModules is a small registry with names, descriptions and
// popularity chosen to exercise every ranking tier, filter and shard split.
func fixtureModules() []search.Module {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	mk := func(ns, name, prov, desc string, downloads int64, verified bool) search.Module {
		return search.Module{
			Namespace: ns, Name: name, Provider: prov, Version: "1.2.0", Tag: "v1.2",
			Description: desc, Source: "https://git.example.test/" + ns + "/terraform-" + prov + "-" + name,
			PublishedAt: t0.Add(time.Duration(downloads%89) * time.Hour), Downloads: downloads, Verified: verified,
		}
	}
	return []search.Module{
		mk("terraform-aws-modules", "vpc", "aws", "Terraform module to create AWS VPC resources", 150_000, true),
		mk("terraform-aws-modules", "vpc-endpoints", "aws", "Terraform module to create AWS VPC Endpoints", 5_000, false),
		mk("terraform-aws-modules", "eks", "aws", "Amazon Elastic Kubernetes (EKS) resources", 90_000, true),
		mk("terraform-aws-modules", "eks-pod-identity", "aws", "AWS EKS Pod Identity resources", 2_000, false),
		mk("terraform-aws-modules", "security-group", "aws", "Create AWS Security Group resources", 100_000, true),
		mk("terraform-aws-modules", "s3-bucket", "aws", "Create AWS S3 resources", 80_000, true),
		mk("terraform-aws-modules", "lambda", "aws", "Takes care of a lot of AWS Lambda/serverless tasks (build dependencies, packages)", 60_000, true),
		mk("terraform-aws-modules", "rds", "aws", "Create AWS RDS resources", 50_000, true),
		mk("terraform-aws-modules", "rds-aurora", "aws", "Create AWS RDS Aurora resources", 30_000, true),
		mk("cloudposse", "label", "null", "Define a consistent naming convention by (namespace, stage, name, [attributes])", 70_000, false),
		mk("cloudposse", "vpc", "aws", "Defines a VPC with public/private subnets across multiple AZs", 3_000, false),
		mk("cloudposse", "s3-log-storage", "aws", "An S3 bucket suitable for receiving logs from CloudFront and CloudTrail", 20_000, false),
		mk("terraform-google-modules", "network", "google", "Google Cloud networking: VPC networks, subnets, routes and firewall rules", 25_000, true),
		mk("terraform-google-modules", "kubernetes-engine", "google", "Configures opinionated GKE clusters", 22_000, true),
		mk("Azure", "naming", "azurerm", "Generate resources names", 8_000, true),
		mk("Azure", "network", "azurerm", "Azure RM Module for Network", 4_000, true),
		mk("Azure", "Network", "azure", "Classic Azure network (mixed-case name)", 3_500, false),
		mk("Azure", "aks", "azurerm", "Deploy an AKS cluster", 6_000, true),
		mk("hashicorp", "consul", "aws", "Run Consul on AWS using Terraform and Packer", 1_000, true),
		mk("hashicorp", "subnets", "cidr", "Calculate subnet IP address prefixes for a network address range", 12_000, false),
		mk("k7faq", "aks_cluster", "azure", "AKS cluster with node pools", 1_000, false),
		mk("k7faq", "aks-cluster", "azurerm", "AKS cluster, dashed name", 900, false),
		mk("observeinc", "lambda", "aws", "Observe Lambda forwarder", 500, false),
		mk("someone", "database", "aws", "Managed PostgreSQL database on RDS with automated backups", 50, false),
		mk("x", "y", "z", "Single-letter address", 10, false),
		mk("acme", "vpc", "aws", "ünïcödé description — and a very long token abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz", 0, false),
	}
}

func fixtureProviders() []search.Provider {
	t0 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	mk := func(ns, typ string, downloads int64) search.Provider {
		return search.Provider{Namespace: ns, Type: typ, Version: "2.0.0", Description: "The " + typ + " provider",
			Source: "https://git.example.test/" + ns + "/terraform-provider-" + typ, PublishedAt: t0, Downloads: downloads}
	}
	return []search.Provider{
		mk("hashicorp", "aws", 900), mk("hashicorp", "google", 800), mk("hashicorp", "random", 700),
		mk("hashicorp", "null", 600), mk("Azure", "azapi", 50), mk("integrations", "github", 400),
		mk("cloudflare", "cloudflare", 300), mk("hashicorp-x", "thing", 1), mk("hashicorp", "tls", 5),
		mk("a", "b", 0), mk("z", "last", 2),
	}
}

// moduleQuery is one query of the fixture and generator/search's answer.
type moduleQuery struct {
	Query search.Query `json:"query"`
	Total int          `json:"total"`
	IDs   []string     `json:"ids"` // "Namespace/Name/Provider@Version" in answer order
}

type providerQuery struct {
	Namespace string   `json:"namespace"`
	Offset    int      `json:"offset"`
	Limit     int      `json:"limit"`
	Total     int      `json:"total"`
	IDs       []string `json:"ids"`
}

func fixtureQueries() ([]search.Query, []providerQuery) {
	var qs []search.Query
	for _, text := range []string{
		"vpc", "vp", "v", "x", "aws", "aws vpc", "vpc aws", "eks", "eks pod", "rds", "rds aurora", "aks cluster",
		"aks_cluster", "network", "Network", "azure network", "kubernetes", "s3", "s3 bucket", "lambda",
		"the", "the module", "terraform", "--", "", "cloud", "google vpc", "nothing-matches", "postgresql rds",
		"a b c d e f g h i j", "ünïcödé", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz", "resources",
		"security group", "sec", "label naming",
	} {
		qs = append(qs, search.Query{Text: text})
	}
	qs = append(qs,
		search.Query{Text: "vpc", Limit: 2},
		search.Query{Text: "vpc", Offset: 2, Limit: 2},
		search.Query{Text: "vpc", Offset: 50},
		search.Query{Text: "aws", Limit: 1000},
		search.Query{Text: "vpc", Provider: "AWS"},
		search.Query{Text: "vpc", Namespace: "cloudposse"},
		search.Query{Text: "vpc", Verified: true},
		search.Query{Text: "network", Namespace: "azure"},
		search.Query{Text: "network", Namespace: "Azure", Provider: "azurerm"},
		search.Query{},
		search.Query{Offset: 20},
		search.Query{Limit: 3, Offset: 3},
		search.Query{Namespace: "azure"},
		search.Query{Namespace: "AZURE", Limit: 2, Offset: 1},
		search.Query{Namespace: "terraform-aws-modules", Verified: true},
		search.Query{Provider: "aws"},
		search.Query{Provider: "azurerm", Offset: 1},
		search.Query{Provider: "nope"},
		search.Query{Verified: true},
		search.Query{Verified: true, Offset: 5, Limit: 5},
		search.Query{Namespace: "Azure", Name: "network"},
		search.Query{Namespace: "k7faq", Name: "aks_cluster"},
		search.Query{Namespace: "k7faq", Name: "aks-cluster"},
		search.Query{Namespace: "k7faq", Name: "AKS-Cluster"},
		search.Query{Namespace: "../x", Name: "y"},
		search.Query{Namespace: "nobody"},
		search.Query{Provider: "../../meta"},
	)
	pqs := []providerQuery{
		{}, {Limit: 3}, {Offset: 4, Limit: 3}, {Offset: 100}, {Namespace: "hashicorp"}, {Namespace: "HashiCorp", Offset: 1, Limit: 2},
		{Namespace: "hashicorp-x"}, {Namespace: "a"}, {Namespace: "z"}, {Namespace: "azure"}, {Namespace: "nobody"}, {Namespace: "0"},
	}
	return qs, pqs
}

func moduleID(m search.Module) string {
	return m.Namespace + "/" + m.Name + "/" + m.Provider + "@" + m.Version
}

// TestSearchFixture writes (with -update) or checks the search index
// fixture and generator/search's answers to the fixture queries. When it
// fails, the index format or ranking changed: run
// `go test ./worker -run TestSearchFixture -update` and then the node
// tests, which must agree with the new answers.
func TestSearchFixture(t *testing.T) {
	ix := search.Build(fixtureModules(), fixtureProviders(), search.BuildOptions{
		Built:        time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
		ShardBytes:   40, // tiny shards: many splits
		DocShardSize: 4,
	})
	files, err := ix.Files(4)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{}
	for _, f := range files {
		want[filepath.Join("tree", filepath.FromSlash(f.Path))] = f.Data
	}
	qs, pqs := fixtureQueries()
	var answers struct {
		Modules   []moduleQuery   `json:"modules"`
		Providers []providerQuery `json:"providers"`
	}
	for _, q := range qs {
		res := ix.Modules(q)
		a := moduleQuery{Query: q, Total: res.Total, IDs: []string{}}
		for _, m := range res.Modules {
			a.IDs = append(a.IDs, moduleID(m))
		}
		answers.Modules = append(answers.Modules, a)
	}
	for _, pq := range pqs {
		total, page := ix.Providers(pq.Namespace, pq.Offset, pq.Limit)
		pq.Total, pq.IDs = total, []string{}
		for _, p := range page {
			pq.IDs = append(pq.IDs, p.Namespace+"/"+p.Type+"@"+p.Version)
		}
		answers.Providers = append(answers.Providers, pq)
	}
	data, err := json.MarshalIndent(answers, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want["answers.json"] = append(data, '\n')

	if *update {
		if err := os.RemoveAll(searchFixtureDir); err != nil {
			t.Fatal(err)
		}
		for name, data := range want {
			p := filepath.Join(searchFixtureDir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	got := map[string][]byte{}
	err = filepath.WalkDir(searchFixtureDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		got[strings.TrimPrefix(p, searchFixtureDir+string(filepath.Separator))] = data
		return err
	})
	if err != nil {
		t.Fatalf("reading fixture (run with -update to write it): %v", err)
	}
	for name, w := range want {
		if g, ok := got[name]; !ok || !bytes.Equal(g, w) {
			t.Errorf("%s differs from what generator/search writes now; run `go test ./worker -run TestSearchFixture -update`, then `node --test test/`", filepath.Join(searchFixtureDir, name))
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s is stale; run with -update", filepath.Join(searchFixtureDir, name))
		}
	}
	if n := len(answers.Modules); n < 50 {
		t.Fatalf("only %d module queries", n)
	}
}

// pathsFixture holds, for tree paths of every shape, the Content-Type
// manifest.ContentType gives and the Cache-Control serve.DefaultCacheControl
// gives; test/paths.test.mjs checks the worker's fallbacks against it.
const pathsFixture = "test/fixtures/paths.json"

type pathAnswer struct {
	Path         string `json:"path"`
	ContentType  string `json:"content_type"`
	CacheControl string `json:"cache_control"`
}

// TestPathsFixture writes (with -update) or checks pathsFixture.
func TestPathsFixture(t *testing.T) {
	paths := []string{
		".well-known/terraform.json", "v1/providers/ns/t/versions", "v1/providers/ns/t/1.0.0/download/linux/amd64",
		"v1/providers/ns/t/1.0.0/download/linux", "v1/modules/ns/n/s/versions", "v1/modules/ns/n/s/download",
		"v1/modules/ns/n/s/1.0.0/download", "v1/modules/ns/n/s/v1.0.0", "v1/modules/ns/n/s/1.0.0", "v1/modules/ns/n/s/latest",
		"v1/modules/ns/n/s", "v1/modules/search", "v1/modules", "v1/modules/index.json", "v1/providers/ns/index.json",
		"mirror/registry.terraform.io/ns/t/index.json", "mirror/registry.terraform.io/ns/t/1.0.0.json",
		"mirror/registry.terraform.io/ns/t/v1.0.0.json", "mirror/h/ns/t/1.json", "registry/docs/modules/ns/n/s/1.0.0/index.json",
		"registry/docs/modules/ns/n/s/1.0.0/README.md", "registry/docs/search.ndjson", "v2/modules/ns/n/s/downloads/summary",
		"feeds/releases.atom", "sitemap.xml", "index.html", "app.js", "app.mjs", "robots.txt", "keys/a/acme/k.asc",
		"dump.gz", "image.png", "x.JSON", "x.MD", "v1/search-index/terms/aw.json", "v1/search-index/modules/0.json",
		"v1/modules/ns/n/s/1.2.3-rc.1", "v1/modules/ns/n/s/1.2", "README", "a.b.c", "trailing.",
	}
	var answers []pathAnswer
	for _, p := range paths {
		answers = append(answers, pathAnswer{Path: p, ContentType: manifest.ContentType(p), CacheControl: serve.DefaultCacheControl(p)})
	}
	data, err := json.MarshalIndent(answers, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, '\n')
	if *update {
		if err := os.WriteFile(pathsFixture, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(pathsFixture)
	if err != nil {
		t.Fatalf("reading %s (run with -update to write it): %v", pathsFixture, err)
	}
	if !bytes.Equal(got, data) {
		t.Errorf("%s differs from what manifest.ContentType and serve.DefaultCacheControl say now; run `go test ./worker -run TestPathsFixture -update`, then `node --test test/`", pathsFixture)
	}
}
