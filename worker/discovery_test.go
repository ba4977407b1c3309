package worker_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/regen-registry/regen/generator/discovery"
	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/stats"
)

// writeDiscovery adds the discovery documents (listings, search index,
// feeds) of a registry of 40 modules and 6 providers to tree, unless the
// build already wrote a search index. Search shards and table shards are
// kept small so that queries read several of them.
func writeDiscovery(t *testing.T, tree string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(tree, "v1/search-index/meta.json")); err == nil {
		return
	}
	c := discovery.NewCollector(discovery.Options{Now: time.Date(2026, 11, 5, 12, 0, 0, 0, time.UTC), SearchShardBytes: 96, DocShardSize: 3})
	names := []string{"vpc", "eks", "iam", "s3-bucket", "lambda", "rds", "alb", "vpc-endpoints", "security-group", "network"}
	systems := []string{"aws", "google", "azurerm"}
	i := 0
	for _, ns := range []string{"acme", "Bravo", "charlie", "search"} {
		for j := range names {
			i++
			a := regdata.ModuleAddr{Namespace: ns, Name: names[j], System: systems[(i+j)%3]}
			if ns == "Bravo" && j == 0 {
				a.Name = "VPC" // mixed case: listings keep it, routes match it case-insensitively
			}
			pub, _ := regdata.PublishedModuleVersions(a, &regdata.ModuleFile{Versions: []regdata.ModuleVersion{
				{Version: "v1.0.0", Discovered: "2026-10-01T00:00:00Z"}, {Version: fmt.Sprintf("v1.%d", j+1), Discovered: "2026-10-02T00:00:00Z"},
			}}, &regdata.Blacklist{})
			if err := c.AddModule(discovery.ModuleInput{
				Addr: a, Versions: pub, Source: "https://git.example.test/" + ns + "/terraform-" + a.System + "-" + a.Name,
				Description: fmt.Sprintf("Terraform module for %s on %s — “quoted” <b>&</b> \u2028", strings.ReplaceAll(names[j], "-", " "), a.System),
				Verified:    i%3 == 0, Downloads: stats.Summary{Total: int64((i * 7919) % 1000)},
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for k, p := range []string{"hashicorp/aws", "hashicorp/random", "acme/widget", "Bravo/thing", "hashicorp-labs/x", "z/last"} {
		ns, typ, _ := strings.Cut(p, "/")
		a := regdata.ProviderAddr{Namespace: ns, Type: typ}
		pub, _ := regdata.PublishedProviderVersions(a, &regdata.ProviderFile{Versions: []regdata.ProviderVersion{{
			Version: "1.0.0", Discovered: "2026-10-01T00:00:00Z",
			SHASumsURL: "https://example.test/SUMS", SHASumsSignatureURL: "https://example.test/SUMS.sig",
			Targets: []regdata.Target{{OS: "linux", Arch: "amd64", Filename: "p.zip", DownloadURL: "https://example.test/p.zip", SHASum: strings.Repeat("a", 64)}},
		}}}, &regdata.Blacklist{})
		if err := c.AddProvider(discovery.ProviderInput{Addr: a, Versions: pub, Description: "The " + typ + " provider", Downloads: stats.Summary{Total: int64(k)}}); err != nil {
			t.Fatal(err)
		}
	}
	files, err := c.Finish()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if err := regdata.WriteFileAtomic(filepath.Join(tree, filepath.FromSlash(f.Path)), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// queryProbes are searches and listings with parameters, good and bad.
func queryProbes() []probe {
	var ps []probe
	for _, p := range []string{
		"/v1/modules/search?q=vpc", "/v1/modules/search?q=VPC+aws", "/v1/modules/search?q=vpc&limit=2",
		"/v1/modules/search?q=vpc&limit=2&offset=2", "/v1/modules/search?q=vpc&offset=100",
		"/v1/modules/search?q=network&namespace=Bravo&provider=GOOGLE", "/v1/modules/search?q=s3&verified=true",
		"/v1/modules/search?q=security%20group", "/v1/modules/search?q=the", "/v1/modules/search?q=%E2%80%9Cquoted%E2%80%9D",
		"/v1/modules/search?q=+vpc+&x=1&q=eks", "/v1/modules/search?q=-", "/v1/modules/search?q=nothing-at-all",
		"/v1/modules/search", "/v1/modules/search?q=", "/v1/modules/search?q=%20", "/v1/modules/search/?q=iam",
		"/v1/modules?offset=0&limit=10", "/v1/modules?limit=3&offset=3", "/v1/modules?limit=1000", "/v1/modules?offset=39&limit=5",
		"/v1/modules?provider=aws", "/v1/modules?provider=aws&verified=true&limit=4", "/v1/modules?verified=1",
		"/v1/modules?verified=F", "/v1/modules?namespace=charlie&limit=3", "/v1/modules/?limit=2",
		"/v1/modules/acme?limit=4", "/v1/modules/ACME?offset=8", "/v1/modules/acme?provider=google",
		"/v1/modules/nobody?limit=1", "/v1/modules/search?limit=1&q=rds", "/v1/modules/bravo/vpc?limit=5",
		"/v1/modules/Bravo/VPC?x", "/v1/modules/acme/nothing?limit=1", "/v1/modules/acme/vpc/aws?limit=1",
		"/v1/providers?limit=2", "/v1/providers?offset=2&limit=2", "/v1/providers?namespace=hashicorp",
		"/v1/providers/hashicorp?limit=1&offset=1", "/v1/providers/HASHICORP?limit=1", "/v1/providers/nobody?limit=1",
		"/v1/providers/hashicorp-labs?limit=5", "/v1/providers?offset=99",
		"/v1/modules?offset=-1", "/v1/modules?offset=x", "/v1/modules?limit=0", "/v1/modules?limit=1.5",
		"/v1/modules?offset=99999999999999999999", "/v1/modules?offset=+3", "/v1/modules?verified=maybe",
		"/v1/modules?offset=1;limit=2", "/v1/modules?q=%zz", "/v1/modules?namespace=" + strings.Repeat("a", 257),
		"/v1/modules?offset=123456789012345678&limit=1", "/v1/modules/.hidden?limit=1", "/v1/modules/a..b?limit=1",
		"/v2/modules?limit=1", "/v1/modules/search?q=vpc&offset=1&limit=1&namespace=acme&provider=aws&verified=false",
	} {
		ps = append(ps, probe{method: http.MethodGet, path: p})
	}
	ps = append(ps,
		probe{method: http.MethodHead, path: "/v1/modules/search?q=vpc"},
		probe{method: http.MethodHead, path: "/v1/modules?offset=x"},
		probe{method: http.MethodPost, path: "/v1/modules/search?q=vpc"},
		probe{method: http.MethodGet, path: "/v1/modules"},
		probe{method: http.MethodGet, path: "/v1/modules/acme"},
		probe{method: http.MethodGet, path: "/v1/modules/bravo/vpc"},
		probe{method: http.MethodGet, path: "/v1/providers"},
		probe{method: http.MethodGet, path: "/v1/providers/hashicorp"},
	)
	return ps
}
