package tlstest

import (
	"io"
	"net/http"
	"testing"
)

// Get sends GET url through c with "Authorization: Bearer token" (none
// when token is empty), as a private registry's clients do, and returns
// the response with its body read. The test fails when no response comes.
func Get(t testing.TB, c *http.Client, url, token string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp, b
}
