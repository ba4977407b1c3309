package cfpurge_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/upload/cfpurge"
)

// fakeAPI speaks the purge_cache endpoint of the Cloudflare API and fails
// the test on anything else.
type fakeAPI struct {
	t      *testing.T
	zone   string
	token  string
	mu     sync.Mutex
	calls  [][]string
	failN  int // answer 500 to the first failN calls
	status int // when non-zero, answer every call with this status and success=false
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/client/v4/zones/"+f.zone+"/purge_cache" {
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
		return
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+f.token {
		f.t.Errorf("Authorization = %q", got)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		f.t.Errorf("Content-Type = %q", ct)
	}
	body, _ := io.ReadAll(r.Body)
	var req map[string]json.RawMessage
	if err := json.Unmarshal(body, &req); err != nil {
		f.t.Errorf("body %q: %v", body, err)
	}
	if len(req) != 1 || req["files"] == nil {
		f.t.Errorf("body %s: want only a files list", body)
	}
	var files []string
	_ = json.Unmarshal(req["files"], &files)
	if len(files) == 0 || len(files) > 30 {
		f.t.Errorf("%d files in one call, want 1 to 30", len(files))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if f.status != 0 {
		w.WriteHeader(f.status)
		fmt.Fprint(w, `{"success":false,"errors":[{"code":10000,"message":"Authentication error"}],"messages":[],"result":null}`)
		return
	}
	if f.failN > 0 {
		f.failN--
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"success":false,"errors":[{"code":1,"message":"boom"}]}`)
		return
	}
	f.calls = append(f.calls, files)
	fmt.Fprintf(w, `{"success":true,"errors":[],"messages":[],"result":{"id":%q}}`, f.zone)
}

func newPurger(t *testing.T, api *fakeAPI) *cfpurge.Purger {
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	p, err := cfpurge.New(cfpurge.Config{ZoneID: api.zone, Token: api.token, APIURL: srv.URL + "/client/v4",
		RequestsPerSecond: 1000, Retries: 2, RetryDelaySeconds: 0})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPurgeBatchesOf30(t *testing.T) {
	api := &fakeAPI{t: t, zone: "zone123", token: "tok"}
	p := newPurger(t, api)
	var urls []string
	for i := range 65 {
		urls = append(urls, fmt.Sprintf("https://registry.example.test/v1/providers/ns/t%02d/versions", i))
	}
	if err := p.Purge(context.Background(), urls); err != nil {
		t.Fatal(err)
	}
	want := [][]string{urls[:30], urls[30:60], urls[60:]}
	if diff := cmp.Diff(want, api.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestPurgeRetriesServerErrors(t *testing.T) {
	api := &fakeAPI{t: t, zone: "z", token: "tok", failN: 2}
	p := newPurger(t, api)
	if err := p.Purge(context.Background(), []string{"https://r.example.test/a"}); err != nil {
		t.Fatal(err)
	}
	if len(api.calls) != 1 {
		t.Errorf("%d successful calls, want 1", len(api.calls))
	}
}

func TestPurgeErrorNamesZoneAndCause(t *testing.T) {
	api := &fakeAPI{t: t, zone: "zone9", token: "tok", status: http.StatusForbidden}
	p := newPurger(t, api)
	err := p.Purge(context.Background(), []string{"https://r.example.test/a"})
	if err == nil {
		t.Fatal("purge succeeded against a 403")
	}
	for _, want := range []string{"zone9", "Authentication error", "https://r.example.test/a"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestNewNeedsZoneAndToken(t *testing.T) {
	if _, err := cfpurge.New(cfpurge.Config{Token: "x"}); err == nil {
		t.Error("no zone accepted")
	}
	if _, err := cfpurge.New(cfpurge.Config{ZoneID: "x"}); err == nil {
		t.Error("no token accepted")
	}
}
