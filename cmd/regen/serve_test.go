package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/regen-registry/regen/internal/tlstest"
	"github.com/regen-registry/regen/serve/auth"
	"github.com/regen-registry/regen/stats"
)

// startServe runs `regen serve` in-process with args on a free port and
// returns its base URL (http:// or, with TLS flags, https://) and a function that stops it and
// returns its error.
func startServe(t *testing.T, args ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan error, 1)
	go func() {
		root := newRootCmd(pw, &stderr)
		root.SetArgs(append([]string{"serve", "--addr", "127.0.0.1:0"}, args...))
		err := root.ExecuteContext(ctx)
		pw.CloseWithError(err)
		done <- err
	}()
	stopped := false
	var stopErr error
	stop := func() error {
		if stopped {
			return stopErr
		}
		stopped = true
		cancel()
		select {
		case stopErr = <-done:
		case <-time.After(10 * time.Second):
			t.Error("regen serve did not shut down")
		}
		return stopErr
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("regen serve: %v\n%s", err, stderr.String())
		}
	})
	listening := regexp.MustCompile(`listening on (https?://127\.0\.0\.1:\d+)`)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		io.Copy(io.Discard, pr)
		close(found)
	}()
	select {
	case u, ok := <-found:
		if !ok {
			t.Fatalf("regen serve exited before listening: %v\n%s", stop(), stderr.String())
		}
		return u, stop
	case <-time.After(20 * time.Second):
		t.Fatalf("regen serve did not print its address; stderr:\n%s", stderr.String())
	}
	return "", stop
}

// TestServeTokensStatsAndQueries builds the bundled registry-data and
// serves it privately with download counting: requests need a token but
// service discovery, searches are answered, downloads are counted.
func TestServeTokensStatsAndQueries(t *testing.T) {
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "dist")
	if _, err := runRegen(t, ctx, "build", "--data", filepath.Join("..", "..", "registry-data"), "--out", out); err != nil {
		t.Fatal(err)
	}
	tokens := filepath.Join(t.TempDir(), "tokens")
	token := auth.NewToken()
	if err := auth.AppendToken(tokens, token, "test"); err != nil {
		t.Fatal(err)
	}
	statsDir := filepath.Join(t.TempDir(), "stats")
	base, stop := startServe(t, "--dir", out, "--tokens", tokens, "--stats", statsDir)

	get := func(path, tok string) (int, []byte) {
		t.Helper()
		resp, b := tlstest.Get(t, http.DefaultClient, base+path, tok)
		return resp.StatusCode, b
	}

	for _, c := range []struct {
		path, token string
		want        int
	}{
		{"/.well-known/terraform.json", "", http.StatusOK},
		{"/v1/providers/cloudraya/cloudraya/versions", "", http.StatusUnauthorized},
		{"/v1/providers/cloudraya/cloudraya/versions", "regen_wrong", http.StatusUnauthorized},
		{"/v1/providers/cloudraya/cloudraya/versions", token, http.StatusOK},
		{"/v1/modules/search?q=x", "", http.StatusUnauthorized},
		{"/v1/modules/hashicorp/consul/aws/0.11.0/download", token, http.StatusOK},
		{"/v1/modules/search?offset=99999999999999999999&q=x", token, http.StatusBadRequest},
	} {
		if got, body := get(c.path, c.token); got != c.want {
			t.Errorf("GET %s (token %t): %d, want %d\n%s", c.path, c.token != "", got, c.want, body)
		}
	}

	// The same client downloading the same version again counts once.
	for range 5 {
		if got, _ := get("/v1/modules/hashicorp/consul/aws/0.11.0/download", token); got != http.StatusOK {
			t.Errorf("repeated download: %d", got)
		}
	}

	status, body := get("/v1/modules/search?q=x", token)
	var doc struct {
		Meta    map[string]any   `json:"meta"`
		Modules []map[string]any `json:"modules"`
	}
	if err := json.Unmarshal(body, &doc); status != http.StatusOK || err != nil || doc.Meta == nil {
		t.Errorf("search: %d, %v, want JSON with a meta object:\n%s", status, err, body)
	}
	status, body = get("/v1/modules/search?q=consul", token)
	if status != http.StatusOK || !strings.Contains(string(body), `"consul"`) {
		t.Errorf("search for consul: %d\n%s", status, body)
	}

	if err := stop(); err != nil {
		t.Fatalf("regen serve: %v", err)
	}
	c, err := stats.NewStore(statsDir).Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s := c.Summary("module/hashicorp/consul/aws", time.Now()); s.Total != 1 {
		t.Errorf("downloads counted at shutdown: %+v, want a total of 1", s)
	}
}

// TestServeDataLive serves a data folder without a build.
func TestServeDataLive(t *testing.T) {
	base, _ := startServe(t, "--data", filepath.Join("..", "..", "registry-data"))
	resp, err := http.Get(base + "/v1/providers/cloudraya/cloudraya/versions")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("live versions: %d", resp.StatusCode)
	}
}

// TestServeDirOrData checks that serve needs a tree or a data folder, not
// both.
func TestServeDirOrData(t *testing.T) {
	ctx := context.Background()
	t.Chdir(t.TempDir())
	if _, err := runRegen(t, ctx, "serve"); err == nil || !strings.Contains(err.Error(), `"dir"`) {
		t.Errorf("serve without --dir or --data: %v", err)
	}
	if _, err := runRegen(t, ctx, "serve", "--dir", ".", "--data", "."); err == nil || !strings.Contains(err.Error(), "exclusive") {
		t.Errorf("serve with --dir and --data: %v", err)
	}
	// regen.yaml implies both out (--dir) and data (--data): the tree is
	// served unless the command line asks for the data folder.
	write(t, "regen.yaml", "host: registry.example.test\n")
	if _, err := runRegen(t, ctx, "serve"); err == nil || !strings.Contains(err.Error(), "serving dist") {
		t.Errorf("serve with regen.yaml must serve its out folder: %v", err)
	}
	if _, err := runRegen(t, ctx, "serve", "--data", "nowhere"); err == nil || !strings.Contains(err.Error(), "serving live: data folder nowhere") {
		t.Errorf("serve --data with regen.yaml must serve the data folder given: %v", err)
	}
}

// A registry configured private is never served to everyone: serve
// refuses to start without --tokens.
func TestServePrivateNeedsTokens(t *testing.T) {
	ctx := context.Background()
	t.Chdir(t.TempDir())
	write(t, "regen.yaml", "host: registry.example.test\naccess: private\n")
	if _, err := runRegen(t, ctx, "serve"); err == nil || !strings.Contains(err.Error(), "no --tokens") {
		t.Errorf("serve of a private registry without --tokens: %v", err)
	}
	if _, err := runRegen(t, ctx, "serve", "--access", "secret"); err == nil || !strings.Contains(err.Error(), "public or private") {
		t.Errorf("serve --access secret: %v", err)
	}
}
