package search

import (
	"context"
	"io/fs"
	"strings"
	"testing"
	"time"
)

// qualityCases is the search-quality table: a query and the module that
// must rank first. Both the in-memory index and the one loaded back from
// its files must agree.
var qualityCases = []struct {
	q    Query
	want string // key of the expected top result
	why  string
}{
	{Query{Text: "vpc"}, "terraform-aws-modules/vpc/aws", "exact name, most downloads among exact names"},
	{Query{Text: "eks"}, "terraform-aws-modules/eks/aws", "exact name beats name prefix (eks-pod-identity)"},
	{Query{Text: "iam"}, "terraform-aws-modules/iam/aws", "exact name beats description (project-factory)"},
	{Query{Text: "security group"}, "terraform-aws-modules/security-group/aws", "terms joined with - equal the name"},
	{Query{Text: "securi"}, "terraform-aws-modules/security-group/aws", "name prefix, popularity tie-break"},
	{Query{Text: "s3"}, "terraform-aws-modules/s3-bucket/aws", "name prefix beats description mentions"},
	{Query{Text: "rds aurora"}, "terraform-aws-modules/rds-aurora/aws", "exact multi-word name"},
	{Query{Text: "ALB"}, "terraform-aws-modules/alb/aws", "case-insensitive"},
	{Query{Text: "consul"}, "hashicorp/consul/aws", "only exact name"},
	{Query{Text: "azure naming"}, "azure/naming/azurerm", "namespace + name beat a description hit"},
	{Query{Text: "kubernetes google"}, "terraform-google-modules/kubernetes-engine/google", "name token + provider beat description + nothing"},
	{Query{Text: "lambda"}, "terraform-aws-modules/lambda/aws", "two exact names: popularity"},
	{Query{Text: "bucket"}, "terraform-aws-modules/s3-bucket/aws", "name token beats description"},
	{Query{Text: "postgres"}, "gruntwork-io/postgres-rds/aws", "name prefix beats description prefix (postgresql)"},
	{Query{Text: "gke"}, "terraform-google-modules/kubernetes-engine/google", "description only"},
	{Query{Text: "network azurerm"}, "azure/network/azurerm", "address tier, popularity"},
	{Query{Text: "hashicorp/vault"}, "hashicorp/vault/aws", "namespace/name"},
	{Query{Text: "ecs fargate"}, "umotif-public/ecs-fargate/aws", "exact name beats more popular… prefix"},
	{Query{Text: "terraform"}, "terraform-aws-modules/vpc/aws", "a query of stop words only keeps them"},
	{Query{Text: "cidr subnet"}, "hashicorp/subnets/cidr", "provider + name prefix"},
	{Query{Text: "virtual network"}, "azure/avm-res-network-virtualnetwork/azurerm", "both terms in the name"},
	{Query{Text: "aks"}, "azure/aks/azurerm", "exact beats prefix (aks_cluster)"},
	{Query{Text: "backup"}, "lgallard/backup/aws", "exact beats description prefix (backups)"},
	{Query{Text: "pod identity"}, "terraform-aws-modules/eks-pod-identity/aws", "two name hits"},
	{Query{Text: "the module for vpc"}, "terraform-aws-modules/vpc/aws", "stop words dropped"},
	{Query{Text: "vpc", Namespace: "terraform-google-modules"}, "terraform-google-modules/network/google", "namespace filter"},
	{Query{Text: "vpc", Provider: "IBM"}, "terraform-ibm-modules/vpc/ibm", "provider filter, case-insensitive"},
	{Query{Text: "lambda", Verified: true}, "terraform-aws-modules/lambda/aws", "verified filter"},
	{Query{Text: "observe lambda"}, "observeinc/lambda/aws", "namespace prefix"},
}

func TestSearchQuality(t *testing.T) {
	built := Build(fixtureModules(), fixtureProviders(), BuildOptions{Built: time.Unix(0, 0), ShardBytes: 200})
	loaded := roundTrip(t, built)
	for name, ix := range map[string]*Index{"built": built, "loaded": loaded} {
		for _, c := range qualityCases {
			res := ix.Modules(c.q)
			if len(res.Modules) == 0 {
				t.Errorf("%s: %+v: no results, want %s (%s)", name, c.q, c.want, c.why)
				continue
			}
			if got := res.Modules[0].Key(); got != c.want {
				t.Errorf("%s: %+v: top result %s, want %s (%s); results: %v", name, c.q, got, c.want, c.why, keys(res.Modules))
			}
		}
	}
}

func keys(ms []Module) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Key())
	}
	return out
}

// roundTrip writes the index's files and loads them back.
func roundTrip(t testing.TB, ix *Index) *Index {
	t.Helper()
	files, err := ix.Files(4)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]byte{}
	for _, f := range files {
		m[f.Path] = f.Data
	}
	loaded, err := Load(context.Background(), func(_ context.Context, name string) ([]byte, error) {
		d, ok := m[name]
		if !ok {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		return d, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return loaded
}

func TestSearchFullOrderAndPaging(t *testing.T) {
	ix := Build(fixtureModules(), fixtureProviders(), BuildOptions{})
	all := ix.Modules(Query{Text: "vpc", Limit: 100})
	want := []string{
		// exact name, by downloads
		"terraform-aws-modules/vpc/aws", "cloudposse/vpc/aws", "terraform-ibm-modules/vpc/ibm",
		// name prefix
		"terraform-aws-modules/vpc-endpoints/aws",
		// description only, by downloads
		"terraform-google-modules/network/google", "terraform-google-modules/project-factory/google",
	}
	if got := keys(all.Modules); strings.Join(got, " ") != strings.Join(want, " ") || all.Total != len(want) {
		t.Fatalf("vpc results %v (total %d), want %v", got, all.Total, want)
	}
	for off := 0; off < len(want); off++ {
		page := ix.Modules(Query{Text: "vpc", Offset: off, Limit: 2})
		if page.Total != len(want) {
			t.Errorf("offset %d: total %d", off, page.Total)
		}
		end := min(off+2, len(want))
		if got := keys(page.Modules); strings.Join(got, " ") != strings.Join(want[off:end], " ") {
			t.Errorf("offset %d: %v, want %v", off, got, want[off:end])
		}
	}
	if res := ix.Modules(Query{Text: "vpc", Offset: 99}); res.Total != len(want) || len(res.Modules) != 0 {
		t.Errorf("past the end: %+v", res)
	}
	if res := ix.Modules(Query{Text: "zzzz"}); res.Total != 0 {
		t.Errorf("no match: %+v", res)
	}
	if res := ix.Modules(Query{Text: "!!!"}); res.Total != 0 {
		t.Errorf("no terms: %+v", res)
	}
	// A one-character term matches only the equal term, never as a prefix.
	if res := ix.Modules(Query{Text: "v"}); res.Total != 0 {
		t.Errorf("one-character prefix matched %v", keys(res.Modules))
	}
}

func TestListings(t *testing.T) {
	ix := Build(fixtureModules(), fixtureProviders(), BuildOptions{})
	all := ix.Modules(Query{Limit: 3})
	if all.Total != len(fixtureModules()) || strings.Join(keys(all.Modules), " ") != "terraform-aws-modules/vpc/aws terraform-aws-modules/iam/aws terraform-aws-modules/security-group/aws" {
		t.Errorf("default listing: %d %v", all.Total, keys(all.Modules))
	}
	ns := ix.Modules(Query{Namespace: "AZURE", Limit: 100})
	if ns.Total != 4 || keys(ns.Modules)[0] != "azure/naming/azurerm" {
		t.Errorf("namespace listing: %d %v", ns.Total, keys(ns.Modules))
	}
	g := ix.Modules(Query{Provider: "google", Offset: 1, Limit: 2})
	if g.Total != 4 || strings.Join(keys(g.Modules), " ") != "terraform-google-modules/kubernetes-engine/google terraform-google-modules/project-factory/google" {
		t.Errorf("provider listing: %d %v", g.Total, keys(g.Modules))
	}
	v := ix.Modules(Query{Namespace: "cloudposse", Verified: true})
	if v.Total != 0 {
		t.Errorf("verified cloudposse: %v", keys(v.Modules))
	}
	nn := ix.Modules(Query{Namespace: "terraform-aws-modules", Name: "VPC"})
	if nn.Total != 1 || nn.Modules[0].Key() != "terraform-aws-modules/vpc/aws" {
		t.Errorf("namespace+name: %v", keys(nn.Modules))
	}
	if !ix.HasNamespace("azure") || ix.HasNamespace("nope") {
		t.Error("HasNamespace")
	}
	total, page := ix.Providers("HashiCorp", 0, 10)
	if total != 2 || page[0].Type != "aws" || page[1].Type != "random" {
		t.Errorf("provider namespace listing: %d %+v", total, page)
	}
	total, page = ix.Providers("", 1, 2)
	if total != 6 || len(page) != 2 || page[0].Key() != "ciscodevnet/ciscomcd" {
		t.Errorf("provider listing: %d %+v", total, page)
	}
}
