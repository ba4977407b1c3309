package serve

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkHandler measures one cached-ETag GET through the Handler and a
// Dir (no network): go test -run XXX -bench . ./serve/
func BenchmarkHandler(b *testing.B) {
	src, err := NewDir(newTree(b))
	if err != nil {
		b.Fatal(err)
	}
	h, err := NewHandler(HandlerOptions{Source: src})
	if err != nil {
		b.Fatal(err)
	}
	for _, path := range []string{
		"/v1/providers/hashicorp/random/versions",
		"/v1/modules/acme/vpc/aws/1.2.3/download",
		"/v1/providers/HashiCorp/Random/versions",
		"/v1/providers/hashicorp/nope/versions",
	} {
		b.Run(path, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK && rec.Code != http.StatusNotFound {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}
