package build

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/regen-registry/regen/generator"
	"github.com/regen-registry/regen/internal/testtool"
	"github.com/regen-registry/regen/manifest"
	"github.com/regen-registry/regen/regdata"
)

// archiveRepo makes a git repository under root/acme/terraform-aws-vpc
// with two tagged commits at fixed dates (so fixed hashes) and returns
// them.
func archiveRepo(t *testing.T, root string) (c1, c2 string) {
	t.Helper()
	git := testtool.Require(t, "git", "")
	run := func(dir string, args ...string) string {
		cmd := exec.Command(git, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=regen", "GIT_AUTHOR_EMAIL=regen@example.invalid",
			"GIT_COMMITTER_NAME=regen", "GIT_COMMITTER_EMAIL=regen@example.invalid",
			"GIT_AUTHOR_DATE=2024-01-02T03:04:05Z", "GIT_COMMITTER_DATE=2024-01-02T03:04:05Z",
			"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	repo := filepath.Join(root, "acme", "terraform-aws-vpc")
	write := func(rel, body string, mode os.FileMode) {
		p := filepath.Join(repo, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(repo, 0o755); err != nil {
		t.Fatal(err)
	}
	run(repo, "init", "-q", "-b", "main")
	write("main.tf", "variable \"cidr\" {}\n", 0o644)
	write("modules/subnet/main.tf", "output \"id\" { value = 1 }\n", 0o644)
	write("scripts/check.sh", "#!/bin/sh\nexit 0\n", 0o755)
	if err := os.Symlink("main.tf", filepath.Join(repo, "link.tf")); err != nil {
		t.Fatal(err)
	}
	run(repo, "add", "-A")
	run(repo, "commit", "-q", "-m", "one")
	run(repo, "tag", "v1.0.0")
	c1 = run(repo, "rev-parse", "HEAD")
	write("README.md", "# VPC\n", 0o644)
	run(repo, "add", "-A")
	run(repo, "commit", "-q", "-m", "two")
	run(repo, "tag", "v1.1.0")
	c2 = run(repo, "rev-parse", "HEAD")
	run(repo, "config", "uploadpack.allowReachableSHA1InWant", "true")
	return c1, c2
}

// archiveData writes a data folder with module acme/vpc/aws at c1 and c2,
// plus a version whose commit does not exist.
func archiveData(t *testing.T, c1, c2 string) string {
	t.Helper()
	data := t.TempDir()
	d := regdata.Dir{Root: data}
	mf := &regdata.ModuleFile{Versions: []regdata.ModuleVersion{
		{Version: "v1.1.0", Commit: c2, Discovered: "2024-01-03T00:00:00Z"},
		{Version: "v1.0.0", Commit: c1, Discovered: "2024-01-02T00:00:00Z"},
		{Version: "v0.9.0", Commit: strings.Repeat("ab", 20), Discovered: "2024-01-01T00:00:00Z"},
	}}
	if err := d.WriteModule(regdata.ModuleAddr{Namespace: "acme", Name: "vpc", System: "aws"}, mf); err != nil {
		t.Fatal(err)
	}
	return data
}

func archiveOptions(data, out, git, store string) Options {
	return Options{
		Data: data, Out: out, Jobs: 2,
		Generator: generator.Options{GitHubURL: "file://" + git},
		Archives:  &ArchiveOptions{Dir: store, Fill: true},
	}
}

// Archive mode: versions download packages served from the tree; a
// version whose source cannot be fetched keeps its git download; the
// manifest records each package's sha256; the download answers match the
// golden files.
func TestArchiveModeBuild(t *testing.T) {
	git := t.TempDir()
	c1, c2 := archiveRepo(t, git)
	data := archiveData(t, c1, c2)
	store := filepath.Join(t.TempDir(), "registry-archives")
	out := filepath.Join(t.TempDir(), "out")
	o := archiveOptions(data, out, git, store)
	ctx := context.Background()
	rep, err := FillArchives(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if rep != (FillReport{Packaged: 2, Refused: 1}) {
		t.Fatalf("fill report %+v, want 2 packaged and 1 refused", rep)
	}
	mustBuild(t, o)

	var got bytes.Buffer
	for _, v := range []string{"1.1.0", "1.0.0", "0.9.0"} {
		p := "v1/modules/acme/vpc/aws/" + v + "/download"
		b, err := os.ReadFile(filepath.Join(out, p))
		if err != nil {
			t.Fatal(err)
		}
		got.WriteString("== " + p + "\n")
		got.Write(b)
	}
	b, _ := os.ReadFile(filepath.Join(out, "v1/modules/acme/vpc/aws/download"))
	got.WriteString("== v1/modules/acme/vpc/aws/download\n")
	got.Write(b)
	golden(t, "archives/downloads.txt", bytes.ReplaceAll(got.Bytes(), []byte(git), []byte("$GIT")))

	// Each package is in the tree, named by its sha256, and in the manifest.
	files := manifestRecords(t, out)
	var pkgs []string
	for _, f := range files {
		if f.Class != manifest.ClassPackage {
			continue
		}
		pkgs = append(pkgs, f.Path)
		body, err := os.ReadFile(filepath.Join(out, f.Path))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(body)
		if h := hex.EncodeToString(sum[:]); f.SHA256 != h || !strings.HasSuffix(f.Path, "/"+h+".tar.gz") || f.Size != int64(len(body)) {
			t.Errorf("%s: manifest says %s (%d bytes), content is %s (%d bytes)", f.Path, f.SHA256, f.Size, h, len(body))
		}
		if f.Type != "application/gzip" {
			t.Errorf("%s: content type %q", f.Path, f.Type)
		}
	}
	if len(pkgs) != 2 {
		t.Fatalf("packages in the manifest: %v, want 2", pkgs)
	}
	var loc struct{ Location string }
	b, _ = os.ReadFile(filepath.Join(out, "v1/modules/acme/vpc/aws/1.0.0/download"))
	if err := json.Unmarshal(b, &loc); err != nil {
		t.Fatal(err)
	}
	entries := tarEntries(t, filepath.Join(out, strings.TrimPrefix(loc.Location, "/")))
	want := []string{"main.tf 644", "modules/subnet/main.tf 644", "scripts/check.sh 755"}
	if !slices.Equal(entries, want) {
		t.Errorf("v1.0.0 package holds %q, want %q (no symlink, no .git)", entries, want)
	}

	// The git repository goes away: a rebuild needs nothing but the store.
	if err := os.RemoveAll(git); err != nil {
		t.Fatal(err)
	}
	o.Full = true
	rep, err = FillArchives(ctx, o)
	if err != nil || rep != (FillReport{}) {
		t.Fatalf("refill without changes: %+v, %v; want nothing fetched", rep, err)
	}
	s := mustBuild(t, o)
	if s.Written == 0 {
		t.Fatalf("full rebuild wrote nothing: %+v", s)
	}
	b2, _ := os.ReadFile(filepath.Join(out, "v1/modules/acme/vpc/aws/1.0.0/download"))
	if !bytes.Equal(b, b2) {
		t.Errorf("download changed after the repository was deleted:\n%s\n%s", b, b2)
	}
}

// Two stores filled from the same commits, and two builds, give
// byte-identical packages.
func TestArchivePackagesReproducible(t *testing.T) {
	git := t.TempDir()
	c1, c2 := archiveRepo(t, git)
	data := archiveData(t, c1, c2)
	var trees [2]map[string][]byte
	for i := range trees {
		store := filepath.Join(t.TempDir(), "registry-archives")
		out := filepath.Join(t.TempDir(), "out")
		o := archiveOptions(data, out, git, store)
		if _, err := FillArchives(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		mustBuild(t, o)
		trees[i] = map[string][]byte{}
		for _, f := range manifestRecords(t, out) {
			if f.Class == manifest.ClassPackage {
				b, err := os.ReadFile(filepath.Join(out, f.Path))
				if err != nil {
					t.Fatal(err)
				}
				trees[i][f.Path] = b
			}
		}
	}
	if len(trees[0]) != 2 || len(trees[0]) != len(trees[1]) {
		t.Fatalf("packages: %d and %d, want 2 each", len(trees[0]), len(trees[1]))
	}
	for p, b := range trees[0] {
		if !bytes.Equal(b, trees[1][p]) {
			t.Errorf("%s differs between two builds", p)
		}
	}
}

// manifestRecords returns every file record of a built tree's manifest.
func manifestRecords(t *testing.T, out string) []manifest.File {
	t.Helper()
	var files []manifest.File
	for _, e := range checkManifest(t, out) {
		files = append(files, e.Files...)
	}
	return files
}

// tarEntries lists a package's entries as "name mode", checking the fixed
// owner and time.
func tarEntries(t *testing.T, p string) []string {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var out []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" || !h.ModTime.Equal(modarchivePackTime) || h.Typeflag != tar.TypeReg {
			t.Errorf("%s: header %+v not normalised", h.Name, h)
		}
		out = append(out, h.Name+" "+strconvOct(h.Mode))
	}
	return out
}

// modarchivePackTime is the fixed time of every package entry.
var modarchivePackTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func strconvOct(m int64) string { return strconv.FormatInt(m, 8) }

// golden compares got with testdata/golden/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "golden", filepath.FromSlash(name))
	if *update {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs (go test -update rewrites it):\n--- want\n%s\n--- got\n%s", p, want, got)
	}
}
