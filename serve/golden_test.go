package serve

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got; run with -update if intended):\n%s", file, diff)
	}
}

// goldenHeaders are the response headers recorded in the golden file;
// Date and Last-Modified vary between runs.
var goldenHeaders = []string{
	"Access-Control-Allow-Headers", "Access-Control-Allow-Methods", "Access-Control-Allow-Origin",
	"Access-Control-Expose-Headers", "Access-Control-Max-Age", "Allow", "Cache-Control",
	"Content-Length", "Content-Type", "Etag", "Location", "X-Terraform-Get",
}

// TestResponsesGolden records every kind of answer the Handler gives.
func TestResponsesGolden(t *testing.T) {
	ts := newTestServer(t)
	requests := []struct {
		method, path string
		hdr          map[string]string
	}{
		{"GET", "/.well-known/terraform.json", nil},
		{"GET", "/v1/providers/hashicorp/random/versions", nil},
		{"GET", "/v1/providers/hashicorp/random/3.6.0/download/linux/amd64", nil},
		{"GET", "/v1/modules/acme/vpc/aws/versions", nil},
		{"GET", "/v1/modules/acme/vpc/aws/1.2.3/download", nil},
		{"HEAD", "/v1/modules/acme/vpc/aws/1.2.3/download", nil},
		{"GET", "/v1/modules/acme/vpc/aws/download", nil},
		{"GET", "/v1/modules/Acme/VPC/aws/download", nil},
		{"GET", "/mirror/registry.terraform.io/hashicorp/random/index.json", nil},
		{"GET", "/mirror/registry.terraform.io/hashicorp/random/3.6.0.json", nil},
		{"GET", "/registry/docs/modules/acme/vpc/aws/1.2.3/README.md", nil},
		{"GET", "/v1/providers/hashicorp/random/versions", map[string]string{"If-None-Match": `"31e3efe3911f134b0a0531c9717f1513981500c60e23c89cba736408618cefa4"`}},
		{"GET", "/v1/providers/hashicorp/nope/versions", nil},
		{"GET", "/.regen/manifest.ndjson.gz", nil},
		{"HEAD", "/nope", nil},
		{"DELETE", "/v1/modules/acme/vpc/aws/versions", nil},
		{"OPTIONS", "/v1/modules/acme/vpc/aws/versions", map[string]string{"Origin": "https://app.example.test", "Access-Control-Request-Method": "GET"}},
	}
	var b strings.Builder
	for _, rq := range requests {
		resp, body := ts.do(t, rq.method, rq.path, rq.hdr)
		fmt.Fprintf(&b, "=== %s %s", rq.method, rq.path)
		for _, k := range slices.Sorted(mapKeys(rq.hdr)) {
			fmt.Fprintf(&b, " [%s: %s]", k, rq.hdr[k])
		}
		fmt.Fprintf(&b, "\n%s\n", resp.Status)
		for _, k := range goldenHeaders {
			if v := resp.Header.Values(k); len(v) > 0 {
				fmt.Fprintf(&b, "%s: %s\n", k, strings.Join(v, ", "))
			}
		}
		fmt.Fprintf(&b, "\n%s", body)
		if body != "" && !strings.HasSuffix(body, "\n") {
			b.WriteString("\n")
		}
	}
	checkGolden(t, "responses.golden", b.String())
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
