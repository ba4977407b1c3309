package verify

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/regen-registry/regen/manifest"
	"github.com/regen-registry/regen/serve"
)

// treeFiles is a small built registry tree, as `regen build` writes it.
var treeFiles = map[string]string{
	".well-known/terraform.json":             `{"modules.v1":"/v1/modules/","providers.v1":"/v1/providers/"}` + "\n",
	"v1/providers/hashicorp/random/versions": `{"versions":[{"version":"3.6.0","protocols":["5.0"],"platforms":[{"os":"linux","arch":"amd64"}]}]}` + "\n",
	"v1/providers/hashicorp/random/3.6.0/download/linux/amd64": `{"protocols":["5.0"],"os":"linux","arch":"amd64","filename":"terraform-provider-random_3.6.0_linux_amd64.zip",` +
		`"download_url":"https://github.com/hashicorp/terraform-provider-random/releases/download/v3.6.0/terraform-provider-random_3.6.0_linux_amd64.zip",` +
		`"shasums_url":"https://github.com/hashicorp/terraform-provider-random/releases/download/v3.6.0/terraform-provider-random_3.6.0_SHA256SUMS",` +
		`"shasums_signature_url":"https://github.com/hashicorp/terraform-provider-random/releases/download/v3.6.0/terraform-provider-random_3.6.0_SHA256SUMS.sig",` +
		`"shasum":"58ad6ad1a5d3e1f2bb5f1bf2fd0f7c0aa2a6e1a9b0c0d5c1b7b2a5a4e3f2d1c0","signing_keys":{"gpg_public_keys":[]}}` + "\n",
	"v1/modules/acme/vpc/aws/versions":                         `{"modules":[{"versions":[{"version":"1.1.0"},{"version":"1.0.0"}]}]}` + "\n",
	"v1/modules/acme/vpc/aws/1.0.0/download":                   `{"location":"git::https://github.com/acme/terraform-aws-vpc?ref=1111111111111111111111111111111111111111","version":"1.0.0"}` + "\n",
	"v1/modules/acme/vpc/aws/1.1.0/download":                   `{"location":"git::https://github.com/acme/terraform-aws-vpc?ref=2222222222222222222222222222222222222222","version":"1.1.0"}` + "\n",
	"v1/modules/acme/vpc/aws/download":                         `{"location":"git::https://github.com/acme/terraform-aws-vpc?ref=2222222222222222222222222222222222222222","version":"1.1.0"}` + "\n",
	"mirror/registry.opentofu.org/hashicorp/random/index.json": `{"versions":{"3.6.0":{}}}` + "\n",
	"mirror/registry.opentofu.org/hashicorp/random/3.6.0.json": `{"archives":{"linux_amd64":{"url":"https://github.com/hashicorp/terraform-provider-random/releases/download/v3.6.0/terraform-provider-random_3.6.0_linux_amd64.zip","hashes":["h1:R5Ucn26riKIEijcsiOMBR3uOAjuOMfI1x7XvH4P6B1w="]}}}` + "\n",
	"registry/docs/modules/acme/vpc/aws/1.1.0/README.md":       "# VPC\n\nMakes a VPC.\n",
}

// servedFiles is the number of files of the tree a registry serves.
var servedFiles = len(treeFiles)

// buildTree writes treeFiles and their manifest (one entry per top-level
// group, plus an unserved file) under a new directory.
func buildTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	byKey := map[string][]manifest.File{}
	for p, body := range treeFiles {
		writeFile(t, dir, p, body)
		sum := sha256.Sum256([]byte(body))
		key := "module/acme/vpc/aws"
		switch {
		case strings.HasPrefix(p, ".well-known"):
			key = "~global"
		case strings.Contains(p, "random"):
			key = "provider/hashicorp/random"
		}
		byKey[key] = append(byKey[key], manifest.File{
			Path: p, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(body)),
			Type: manifest.ContentType(p), Class: manifest.ClassLeaf,
		})
	}
	byKey["~global"] = append(byKey["~global"], manifest.File{Path: ".regen/state.json", SHA256: "00", Size: 1, Type: "application/json", Class: manifest.ClassLeaf})
	mp := filepath.Join(dir, filepath.FromSlash(manifest.Path))
	if err := os.MkdirAll(filepath.Dir(mp), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(mp)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := manifest.NewWriter(f, manifest.Header{Options: "test"})
	if err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		files := byKey[k]
		slices.SortFunc(files, func(a, b manifest.File) int { return strings.Compare(a.Path, b.Path) })
		if err := w.Write(manifest.Entry{Key: k, Input: "i", Files: files}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func writeFile(t *testing.T, dir, p, body string) {
	t.Helper()
	full := filepath.Join(dir, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// copyTree copies the served files of src to a new directory, as an
// upload would.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dst, ".regen")); err != nil {
		t.Fatal(err)
	}
	return dst
}

// serveTree serves dir with regen serve's handler.
func serveTree(t *testing.T, dir string) http.Handler {
	t.Helper()
	src, err := serve.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	h, err := serve.NewHandler(serve.HandlerOptions{Source: src})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// staticHost serves dir like an object store whose objects were uploaded
// with their manifest Content-Type: files as they are, no extra headers,
// no redirects.
func staticHost(dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(r.URL.Path, "/")
		b, err := fs.ReadFile(os.DirFS(dir), p)
		if err != nil {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte("<Error><Code>NoSuchKey</Code></Error>"))
			return
		}
		w.Header().Set("Content-Type", manifest.ContentType(p))
		_, _ = w.Write(b)
	})
}

// requestLog counts requests per path.
type requestLog struct {
	mu sync.Mutex
	n  map[string]int
}

func (l *requestLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		if l.n == nil {
			l.n = map[string]int{}
		}
		l.n[strings.TrimPrefix(r.URL.Path, "/")]++
		l.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

func (l *requestLog) paths() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for p := range l.n {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

func startServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func fileNamed(i int) manifest.File {
	return manifest.File{Path: "f" + string(rune('a'+i)), Size: int64(i)}
}
