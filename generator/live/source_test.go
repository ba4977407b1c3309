package live

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/regen-registry/regen/generator"
	"github.com/regen-registry/regen/generator/build"
	"github.com/regen-registry/regen/internal/fixtures"
	"github.com/regen-registry/regen/manifest"
	"github.com/regen-registry/regen/serve"
)

const testData = "../testdata/data"

// sampleData is real OpenTofu registry data the repository carries.
var sampleData = fixtures.OpenTofuSample()

var opts = generator.Options{BaseURL: "https://registry.example.test", GitHubURL: "file:///srv/git"}

func open(t *testing.T, s *Source, name string) ([]byte, error) {
	t.Helper()
	doc, err := s.Open(context.Background(), name)
	if err != nil {
		return nil, err
	}
	defer doc.Body.Close()
	return io.ReadAll(doc.Body)
}

// TestSameBytesAsBuild opens every path of a built tree through the live
// source and compares.
func TestSameBytesAsBuild(t *testing.T) {
	for _, data := range []string{testData, sampleData} {
		out := filepath.Join(t.TempDir(), "out")
		if _, err := build.Run(context.Background(), build.Options{Data: data, Out: out, Generator: opts}); err != nil {
			t.Fatal(err)
		}
		s, err := New(data, opts)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		filepath.WalkDir(out, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(out, p)
			rel = filepath.ToSlash(rel)
			if strings.HasPrefix(rel, ".regen/") {
				return nil
			}
			want, _ := os.ReadFile(p)
			got, err := open(t, s, rel)
			if err != nil {
				t.Errorf("%s: %v", rel, err)
			} else if string(got) != string(want) {
				t.Errorf("%s: live bytes differ from the build", rel)
			}
			n++
			return nil
		})
		if n < 20 {
			t.Errorf("%s: only %d files compared", data, n)
		}
	}
}

func TestNotFound(t *testing.T) {
	s, err := New(testData, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{
		"v1/providers/example/widget/9.9.9/download/linux/amd64",
		"v1/providers/example/widget/1.1.0/download/linux/amd64", // blacklisted
		"v1/providers/example/widget/2.0.0/download/plan9/amd64",
		"v1/providers/nobody/widget/versions",
		"v1/providers/Example/widget/versions", // generated paths are lower-case
		"v1/modules/example/net/aws/0.9.0/download",
		"v1/modules/example/net/gcp/versions",
		"mirror/other.example.test/example/widget/index.json",
		"v1/providers/example/widget/other",
		"v1/modules/x/y/z/1.0.0/download",
		"robots.txt",
	} {
		if _, err := open(t, s, p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: err = %v, want not found", p, err)
		}
	}
}

func TestThroughServeHandler(t *testing.T) {
	data := t.TempDir()
	copyDir(t, testData, data)
	s, err := New(data, opts)
	if err != nil {
		t.Fatal(err)
	}
	h, err := serve.NewHandler(serve.HandlerOptions{Source: s})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(p string) *http.Response {
		t.Helper()
		resp, err := client.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	if r := get("/v1/modules/example/net/aws/download"); r.StatusCode != http.StatusFound || r.Header.Get("Location") != "/v1/modules/example/net/aws/1.2.0/download" {
		t.Errorf("latest download: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := get("/v1/modules/example/net/aws/1.0.0/download"); r.StatusCode != 200 || r.Header.Get("X-Terraform-Get") != "git::file:///srv/git/example/terraform-aws-net?ref=v1.0" {
		t.Errorf("module download: %d %q", r.StatusCode, r.Header.Get("X-Terraform-Get"))
	}
	if r := get("/v1/providers/Example/Widget/versions"); r.StatusCode != 200 || r.Header.Get("Content-Type") != manifest.ContentType("versions") {
		t.Errorf("mixed-case provider versions: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	if r := get("/v1/providers/example/widget/9.9.9/download/linux/amd64"); r.StatusCode != 404 {
		t.Errorf("unknown version: %d", r.StatusCode)
	}
	// Edits to the data folder show on the next request.
	p := filepath.Join(data, "modules/e/example/net/aws.json")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, []byte(strings.Replace(string(b), `"v1.2.0"`, `"v1.5.0"`, 1)), 0o644)
	if r := get("/v1/modules/example/net/aws/download"); r.Header.Get("Location") != "/v1/modules/example/net/aws/1.5.0/download" {
		t.Errorf("after an edit, latest = %s", r.Header.Get("Location"))
	}
	// Two files differing only in case: an error naming both, not a guess.
	os.MkdirAll(filepath.Join(data, "providers/e/EXAMPLE"), 0o755)
	os.WriteFile(filepath.Join(data, "providers/e/EXAMPLE/widget.json"), []byte(`{"versions":[]}`), 0o644)
	if _, err := open(t, s, "v1/providers/example/widget/versions"); err == nil || errors.Is(err, fs.ErrNotExist) ||
		!strings.Contains(err.Error(), "providers/e/EXAMPLE/widget.json") || !strings.Contains(err.Error(), "providers/e/example/widget.json") {
		t.Errorf("case collision: %v", err)
	}
	if r := get("/v1/providers/example/widget/versions"); r.StatusCode != 500 {
		t.Errorf("case collision served with %d", r.StatusCode)
	}
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if e.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestNotRegular: files the build ignores or refuses are not served live
// either. A module file symlinked to a file outside the data folder, or a
// FIFO in its place, is not found (the FIFO answered at once), and a
// provider whose key is a symlink to /dev/zero fails at once, without
// reading it.
func TestNotRegular(t *testing.T) {
	data := t.TempDir()
	if err := os.CopyFS(data, os.DirFS(testData)); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "aws.json")
	if err := os.WriteFile(outside, []byte(`{"versions":[{"version":"6.6.6","commit":"`+strings.Repeat("6", 40)+`"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	mods := filepath.Join(data, "modules", "e", "example")
	for _, dir := range []string{"linked", "piped"} {
		if err := os.MkdirAll(filepath.Join(mods, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(outside, filepath.Join(mods, "linked", "aws.json")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(mods, "piped", "aws.json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(data, "keys", "e", "example", "zero.asc")); err != nil {
		t.Fatal(err)
	}
	s, err := New(data, opts)
	if err != nil {
		t.Fatal(err)
	}
	within := func(name string, check func([]byte, error)) {
		t.Helper()
		done := make(chan struct{})
		go func() {
			defer close(done)
			check(open(t, s, name))
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no answer after 10s", name)
		}
	}
	for _, name := range []string{"v1/modules/example/linked/aws/versions", "v1/modules/example/linked/aws/6.6.6/download", "v1/modules/example/piped/aws/versions"} {
		within(name, func(body []byte, err error) {
			if !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s: %q, %v, want not found", name, body, err)
			}
		})
	}
	within("v1/providers/example/widget/versions", func(body []byte, err error) {
		if err == nil || !strings.Contains(err.Error(), "keys/e/example/zero.asc") || !strings.Contains(err.Error(), "symbolic link") {
			t.Errorf("provider with a /dev/zero key: %q, %v, want an error naming the key file", body, err)
		}
	})
}
