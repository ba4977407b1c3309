package client_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/regen-registry/regen/client"
)

// Listing every module of a namespace page by page, then asking where to
// download one of them from.
func Example() {
	srv := exampleRegistry() // in real use: "https://registry.example.com"
	defer srv.Close()

	ctx := context.Background()
	c, err := client.New(srv.URL, srv.Client(),
		client.WithCredentials(client.CredentialsFromEnv([]string{"TF_TOKEN_registry_example_com=secret"})))
	if err != nil {
		log.Fatal(err)
	}
	for m, err := range c.Modules(ctx, client.ListOptions{Namespace: "acme", Limit: 2}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(m.ID, m.Downloads)
	}
	loc, err := c.ModuleDownload(ctx, client.ModuleAddr{Namespace: "acme", Name: "vpc", System: "aws"}, "1.2.0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(loc)
	// Output:
	// acme/vpc/aws/1.2.0 120
	// acme/dns/aws/0.3.1 45
	// acme/bucket/google/2.0.0 7
	// git::https://github.com/acme/terraform-aws-vpc?ref=v1.2.0
}

// exampleRegistry answers the few requests of Example.
func exampleRegistry() *httptest.Server {
	pages := map[string]string{
		"":  `{"meta":{"limit":2,"current_offset":0,"next_offset":2},"modules":[{"id":"acme/vpc/aws/1.2.0","downloads":120},{"id":"acme/dns/aws/0.3.1","downloads":45}]}`,
		"2": `{"meta":{"limit":2,"current_offset":2,"prev_offset":0},"modules":[{"id":"acme/bucket/google/2.0.0","downloads":7}]}`,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/terraform.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"modules.v1":"/v1/modules/","providers.v1":"/v1/providers/"}`)
	})
	mux.HandleFunc("GET /v1/modules/acme", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, pages[r.URL.Query().Get("offset")])
	})
	mux.HandleFunc("GET /v1/modules/acme/vpc/aws/1.2.0/download", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Terraform-Get", "git::https://github.com/acme/terraform-aws-vpc?ref=v1.2.0")
		w.WriteHeader(http.StatusNoContent)
	})
	return httptest.NewServer(mux)
}
