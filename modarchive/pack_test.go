package modarchive

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/regen-registry/regen/regdata"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, body := range files {
		mode := os.FileMode(0o644)
		if strings.HasSuffix(p, ".sh") {
			mode = 0o755
		}
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
	}
}

var sample = map[string]string{
	"main.tf":                               "variable \"x\" {}\n",
	"b/z.tf":                                "# z\n",
	"b/a.tf":                                "# a\n",
	"run.sh":                                "#!/bin/sh\n",
	".git/config":                           "[core]\n",
	"x/.git/HEAD":                           "ref: refs/heads/main\n",
	"ünïcode/ä.tf":                          "# unicode\n",
	strings.Repeat("long/", 30) + "deep.tf": "# past ustar's 100-byte name\n",
}

func pack(t *testing.T, dir string, lim PackLimits) ([]byte, Package, error) {
	t.Helper()
	var buf bytes.Buffer
	p, err := Pack(context.Background(), dir, lim, &buf)
	return buf.Bytes(), p, err
}

// The same files give the same bytes whatever their times, owners,
// creation order or non-executable permission bits; entries are sorted,
// normalised, and .git is left out.
func TestPackIsDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	writeFiles(t, a, sample)
	writeFiles(t, b, sample)
	old := time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := os.Chtimes(filepath.Join(b, "main.tf"), old, old); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(b, "main.tf"), 0o600); err != nil {
		t.Fatal(err)
	}
	pa, infoA, err := pack(t, a, PackLimits{})
	if err != nil {
		t.Fatal(err)
	}
	pb, infoB, err := pack(t, b, PackLimits{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pa, pb) || infoA != infoB {
		t.Fatalf("two packs of the same files differ: %+v vs %+v", infoA, infoB)
	}
	if infoA.Size != int64(len(pa)) || infoA.Files != 6 {
		t.Errorf("info %+v for %d bytes, want 6 files", infoA, len(pa))
	}
	zr, err := gzip.NewReader(bytes.NewReader(pa))
	if err != nil {
		t.Fatal(err)
	}
	if zr.Name != "" || !zr.ModTime.IsZero() {
		t.Errorf("gzip header carries name %q, time %v", zr.Name, zr.ModTime)
	}
	tr := tar.NewReader(zr)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		wantMode := int64(0o644)
		if h.Name == "run.sh" {
			wantMode = 0o755
		}
		if h.Mode != wantMode || h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" || !h.ModTime.Equal(packTime) || h.Typeflag != tar.TypeReg {
			t.Errorf("%s: header not normalised: %+v", h.Name, h)
		}
		body, _ := io.ReadAll(tr)
		if string(body) != sample[h.Name] {
			t.Errorf("%s: content %q", h.Name, body)
		}
	}
	if !slices.IsSorted(names) || slices.ContainsFunc(names, func(n string) bool { return strings.Contains(n, ".git") }) {
		t.Errorf("entries %q: want sorted, without .git", names)
	}
}

func TestPackLimits(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, sample)
	var pe *PackError
	if _, _, err := pack(t, dir, PackLimits{MaxFiles: 5}); !errors.As(err, &pe) || !strings.Contains(err.Error(), "more than 5 files") {
		t.Errorf("file cap: %v", err)
	}
	if _, _, err := pack(t, dir, PackLimits{MaxBytes: 100}); !errors.As(err, &pe) || !strings.Contains(err.Error(), "limit of 100 bytes") {
		t.Errorf("size cap: %v", err)
	}
	if err := os.Symlink("main.tf", filepath.Join(dir, "link.tf")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := pack(t, dir, PackLimits{}); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("symlink: %v", err)
	}
}

func TestStoreRoundTripAndBadIndex(t *testing.T) {
	ctx := context.Background()
	s := NewStore(t.TempDir())
	addr := regdata.ModuleAddr{Namespace: "Acme", Name: "vpc", System: "aws"}
	tmp, err := s.TempDir()
	if err != nil {
		t.Fatal(err)
	}
	src := t.TempDir()
	writeFiles(t, src, map[string]string{"main.tf": "# m\n"})
	f, err := os.CreateTemp(tmp, "p-*")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Pack(ctx, src, PackLimits{}, f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, addr, "v1.0.0", strings.Repeat("a", 40), f.Name(), p); err != nil {
		t.Fatal(err)
	}
	if err := s.PutError(ctx, addr, "v0.1.0", strings.Repeat("b", 40), errors.New("source gone")); err != nil {
		t.Fatal(err)
	}
	idx, digest, err := s.Index(ctx, addr)
	if err != nil || digest == "" {
		t.Fatal(err)
	}
	if e := idx["v1.0.0"]; e.SHA256 != p.SHA256 || e.Size != p.Size || e.Files != 1 {
		t.Errorf("v1.0.0: %+v", e)
	}
	if e := idx["v0.1.0"]; e.Error != "source gone" || e.SHA256 != "" {
		t.Errorf("v0.1.0: %+v", e)
	}
	if _, err := os.Stat(s.Object(p.SHA256)); err != nil {
		t.Error(err)
	}
	missing := Missing(idx, []regdata.ModuleVersion{{Version: "v1.0.0"}, {Version: "v0.1.0"}, {Version: "v2.0.0"}})
	if len(missing) != 1 || missing[0].Version != "v2.0.0" {
		t.Errorf("Missing = %v", missing)
	}
	rel, _ := IndexPath(addr)
	if err := os.WriteFile(filepath.Join(s.Dir(), filepath.FromSlash(rel)), []byte(`{"versions":{"v1":{"sha256":"../../etc"}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Index(ctx, addr); err == nil || !strings.Contains(err.Error(), "index/acme/vpc/aws.json") {
		t.Errorf("bad index: %v, want an error naming the file", err)
	}
}
