package client

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestGetEscapesSegmentsAndReturnsAnyStatus(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.URL.EscapedPath(), r.Header.Get("User-Agent"), r.Header.Get("Accept"))
		w.WriteHeader(http.StatusTeapot)
		_, _ = w.Write([]byte("tea"))
	}))
	defer srv.Close()
	c, _ := New(srv.URL+"/a%20b/", srv.Client(), WithUserAgent("test-agent"))
	resp, err := c.Get(t.Context(), "/v1/modules/ns/n?x/sys/1.0.0+build #1/download")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusTeapot || string(body) != "tea" {
		t.Errorf("status %d body %q", resp.StatusCode, body)
	}
	want := []string{"/a%20b/v1/modules/ns/n%3Fx/sys/1.0.0+build%20%231/download", "test-agent", "application/json"}
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("server saw %q, want %q", got, want)
	}
}

func TestAPIErrorMessage(t *testing.T) {
	e := &APIError{Method: "GET", URL: "https://r.example.com/v1/x", StatusCode: 404, Messages: []string{"Not Found", "really"}}
	if got, want := e.Error(), "GET https://r.example.com/v1/x: 404 Not Found: Not Found; really"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
