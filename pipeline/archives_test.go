package pipeline

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/regen-registry/regen/modarchive"
	"github.com/regen-registry/regen/regdata"
)

var (
	vpc = regdata.ModuleAddr{Namespace: "alpha", Name: "vpc", System: "aws"}
	dns = regdata.ModuleAddr{Namespace: "alpha", Name: "dns", System: "aws"}
)

// putPackage packages a module source with modarchive.Pack and records it
// in the store, as ingest's filler does; it returns the package's hash.
func putPackage(t *testing.T, s *modarchive.Store, addr regdata.ModuleAddr, version, body string) string {
	t.Helper()
	ctx := context.Background()
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "main.tf"), body)
	tmp, err := s.TempDir()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.CreateTemp(tmp, "package-*.tar.gz")
	if err != nil {
		t.Fatal(err)
	}
	p, err := modarchive.Pack(ctx, src, modarchive.PackLimits{}, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, addr, version, strings.Repeat("c", 40), f.Name(), p); err != nil {
		t.Fatal(err)
	}
	return p.SHA256
}

// ageStore makes every file of a store an hour old: a store restored from
// the cache before the shard's ingest started.
func ageStore(t *testing.T, dir string) {
	t.Helper()
	old := time.Now().Add(-time.Hour)
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Chtimes(p, old, old)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// copyDir copies a store (the cache the publish job restores).
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err == nil {
			writeFile(t, filepath.Join(dst, rel), string(b))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// archiveShard makes a shard's working copy whose store was restored with
// vpc 0.5.0 and then filled by the shard's ingest with vpc 1.0.0, a
// refused vpc 0.9.0 and dns 1.0.0, after recording the run's start as
// regen ingest --shard does. It returns the data folder, its store and the
// hashes of vpc 0.5.0 and 1.0.0.
func archiveShard(t *testing.T, bare string) (data string, s *modarchive.Store, old, fresh string) {
	t.Helper()
	data = clone(t, bare)
	s = modarchive.NewStore(modarchive.DefaultDir(data))
	old = putPackage(t, s, vpc, "v0.5.0", "# vpc 0.5.0\n")
	ageStore(t, s.Dir())
	if err := WriteRunMark(data, RunMark{Shard: "a", Started: time.Now().Add(-time.Second)}); err != nil {
		t.Fatal(err)
	}
	release(t, data, "alpha", "1.0.0", time.Now())
	fresh = putPackage(t, s, vpc, "v1.0.0", "# vpc 1.0.0\n")
	if err := s.PutError(context.Background(), vpc, "v0.9.0", strings.Repeat("d", 40), errors.New("source gone")); err != nil {
		t.Fatal(err)
	}
	putPackage(t, s, dns, "v1.0.0", "# dns 1.0.0\n")
	return data, s, old, fresh
}

// A shard's new packages and index entries travel in its pack and are
// merged into the publish job's store; packages the cache already had do
// not travel, and entries whose package is nowhere are left for the build.
func TestPackApplyArchives(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	bare := origin(t, "alpha")
	shard, s, old, fresh := archiveShard(t, bare)
	out := filepath.Join(t.TempDir(), "a.tar.gz")
	res, err := Pack(ctx, PackOptions{Data: shard, Archives: s.Dir(), Out: out})
	if err != nil {
		t.Fatal(err)
	}
	m, err := readPack(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Archives != 4 || len(res.ArchivesLeft) != 0 || slices.Contains(m.Archives, modarchive.ObjectPath(old)) ||
		!slices.Contains(m.Archives, modarchive.ObjectPath(fresh)) {
		t.Fatalf("packed %+v: %q, want two indexes and the two new packages", res, m.Archives)
	}

	// The publish job's store: the same cache as the shard's (vpc 0.5.0).
	data := clone(t, bare)
	pub := modarchive.NewStore(modarchive.DefaultDir(data))
	putPackage(t, pub, vpc, "v0.5.0", "# vpc 0.5.0\n")
	ares, err := Apply(ctx, ApplyOptions{Data: data, Archives: pub.Dir(), Packs: []string{out}})
	if err != nil {
		t.Fatal(err)
	}
	if p := ares.Packs[0]; p.Archives != 4 || p.Files != 1 {
		t.Errorf("applied %+v", p)
	}
	idx, _, err := pub.Index(ctx, vpc)
	if err != nil {
		t.Fatal(err)
	}
	want, _, _ := s.Index(ctx, vpc)
	if len(idx) != 3 || idx["v1.0.0"] != want["v1.0.0"] || idx["v0.9.0"].Error != "source gone" || idx["v0.5.0"].SHA256 != old {
		t.Errorf("publish store's vpc index: %+v, want the shard's %+v", idx, want)
	}
	for _, h := range []string{fresh, old} {
		a, _ := os.ReadFile(s.Object(h))
		b, err := os.ReadFile(pub.Object(h))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("package %s in the publish store: %v", h, err)
		}
	}
	if d, _, _ := pub.Index(ctx, dns); len(d) != 1 {
		t.Errorf("dns index: %+v", d)
	}

	// A publish store restored from another cache lacks vpc 0.5.0's
	// package: that entry is left out (the build packages it again), the
	// shard's new ones are merged.
	other := modarchive.NewStore(t.TempDir())
	if _, err := Apply(ctx, ApplyOptions{Data: clone(t, bare), Archives: other.Dir(), Packs: []string{out}}); err != nil {
		t.Fatal(err)
	}
	if idx, _, err := other.Index(ctx, vpc); err != nil || len(idx) != 2 || idx["v1.0.0"].SHA256 != fresh {
		t.Errorf("vpc index in a store without vpc 0.5.0: %+v %v", idx, err)
	}

	// Without an archive store (archive mode off) the packages are not
	// applied, and the rest of the pack is.
	data = clone(t, bare)
	if _, err := Apply(ctx, ApplyOptions{Data: data, Packs: []string{out}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(modarchive.DefaultDir(data)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("archive store written with archive mode off: %v", err)
	}
}

// The packages a pack carries are bounded: a module that does not fit is
// left out whole, index and packages.
func TestPackBoundsArchives(t *testing.T) {
	t.Parallel()
	bare := origin(t, "alpha")
	shard, s, _, fresh := archiveShard(t, bare)
	fi, err := os.Stat(s.Object(fresh))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "a.tar.gz")
	res, err := Pack(context.Background(), PackOptions{Data: shard, Archives: s.Dir(), MaxArchiveBytes: fi.Size() + 10, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	// dns (sorted first) fits; vpc would take the pack past the bound.
	if !slices.Equal(res.ArchivesLeft, []string{"index/alpha/vpc/aws.json"}) || res.Archives != 2 {
		t.Errorf("packed %+v, want dns only", res)
	}
}

// rewritePack rewrites a pack's entries with edit (which may rename them)
// and returns the new pack.
func rewritePack(t *testing.T, in string, edit func(name string, data []byte) (string, []byte)) string {
	t.Helper()
	f, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	out := filepath.Join(t.TempDir(), filepath.Base(in))
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		name, data := edit(h.Name, data)
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// A damaged package, a path out of the store and another shard's index
// are refused before anything is written, naming the file.
func TestApplyRefusesBadArchives(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	bare := origin(t, "alpha")
	shard, s, _, fresh := archiveShard(t, bare)
	out := filepath.Join(t.TempDir(), "a.tar.gz")
	if _, err := Pack(ctx, PackOptions{Data: shard, Archives: s.Dir(), Out: out}); err != nil {
		t.Fatal(err)
	}
	obj := archivesPrefix + modarchive.ObjectPath(fresh)
	// renameInPack moves the store file from to the store path to, in
	// the manifest and in the tar.
	renameInPack := func(from, to string) string {
		return rewritePack(t, out, func(name string, data []byte) (string, []byte) {
			if name == manifestName {
				var m Manifest
				if err := json.Unmarshal(data, &m); err != nil {
					t.Fatal(err)
				}
				for i, a := range m.Archives {
					if a == from {
						m.Archives[i] = to
					}
				}
				data, _ = json.Marshal(m)
			}
			if name == archivesPrefix+from {
				name = archivesPrefix + to
			}
			return name, data
		})
	}
	for _, c := range []struct {
		name, pack, want string
	}{
		{"tampered package", rewritePack(t, out, func(name string, data []byte) (string, []byte) {
			if name == obj {
				data = append(bytes.Clone(data), 0)
			}
			return name, data
		}), obj + ": content does not match its sha256"},
		{"damaged index", rewritePack(t, out, func(name string, data []byte) (string, []byte) {
			if name == archivesPrefix+"index/alpha/vpc/aws.json" {
				data = []byte(`{"versions":{"v1.0.0":{"sha256":"../../etc/passwd"}}}`)
			}
			return name, data
		}), `archives/index/alpha/vpc/aws.json: version "v1.0.0": want a sha256 or an error`},
		{"path out of the store", renameInPack(modarchive.ObjectPath(fresh), "../../evil.tar.gz"), `archive file "../../evil.tar.gz": not a clean relative path`},
		{"path out of the store, inside", renameInPack(modarchive.ObjectPath(fresh), "objects/../../x/"+fresh+".tar.gz"), "not a clean relative path"},
		{"another shard's index", renameInPack("index/alpha/vpc/aws.json", "index/zulu/vpc/aws.json"), `archive file "index/zulu/vpc/aws.json" is not a package or an index of shard a`},
		{"package under a wrong name", renameInPack(modarchive.ObjectPath(fresh), "objects/00/"+fresh+".tar.gz"), "is not a package or an index"},
	} {
		data := clone(t, bare)
		pub := modarchive.NewStore(filepath.Join(t.TempDir(), "store"))
		_, err := Apply(ctx, ApplyOptions{Data: data, Archives: pub.Dir(), Packs: []string{c.pack}})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
		if st := git(t, data, "status", "--porcelain"); st != "" {
			t.Errorf("%s: a refused apply wrote:\n%s", c.name, st)
		}
		if _, err := os.Stat(pub.Dir()); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: a refused apply wrote the archive store: %v", c.name, err)
		}
	}
}

// Pack refuses an index of a module outside the shard in the store, as
// it refuses such a data file.
func TestPackRefusesArchivesOutsideTheShard(t *testing.T) {
	t.Parallel()
	bare := origin(t, "alpha")
	shard, s, _, _ := archiveShard(t, bare)
	putPackage(t, s, regdata.ModuleAddr{Namespace: "zulu", Name: "edge", System: "gcp"}, "v1.0.0", "# z\n")
	_, err := Pack(context.Background(), PackOptions{Data: shard, Archives: s.Dir(), Out: filepath.Join(t.TempDir(), "p.tar.gz")})
	if err == nil || !strings.Contains(err.Error(), `"index/zulu/edge/gcp.json" is not a package or an index of shard a`) {
		t.Fatalf("err = %v", err)
	}
}

// Two shards whose modules have the same source both carry its package
// (one name, one content); applying both stores it once and lists it in
// both modules' indexes.
func TestApplyArchivesSharedPackage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	bare := origin(t, "alpha", "zulu")
	var packs []string
	var hashes []string
	for _, s := range []struct {
		shard string
		addr  regdata.ModuleAddr
	}{{"a", vpc}, {"z", regdata.ModuleAddr{Namespace: "zulu", Name: "vpc", System: "aws"}}} {
		data := clone(t, bare)
		if err := WriteRunMark(data, RunMark{Shard: s.shard, Started: time.Now().Add(-time.Second)}); err != nil {
			t.Fatal(err)
		}
		store := modarchive.NewStore(modarchive.DefaultDir(data))
		hashes = append(hashes, putPackage(t, store, s.addr, "v1.0.0", "# the same source\n"))
		out := filepath.Join(t.TempDir(), s.shard+".tar.gz")
		if _, err := Pack(ctx, PackOptions{Data: data, Archives: store.Dir(), Out: out}); err != nil {
			t.Fatal(err)
		}
		packs = append(packs, out)
	}
	if hashes[0] != hashes[1] {
		t.Fatalf("the same source packaged as %s and %s", hashes[0], hashes[1])
	}
	pub := modarchive.NewStore(t.TempDir())
	res, err := Apply(ctx, ApplyOptions{Data: clone(t, bare), Archives: pub.Dir(), Packs: packs})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Packs {
		if p.Archives != 2 {
			t.Errorf("applied %+v, want an index and the package", p)
		}
	}
	for _, ns := range []string{"alpha", "zulu"} {
		idx, _, err := pub.Index(ctx, regdata.ModuleAddr{Namespace: ns, Name: "vpc", System: "aws"})
		if err != nil || idx["v1.0.0"].SHA256 != hashes[0] {
			t.Errorf("%s/vpc/aws: %+v %v", ns, idx, err)
		}
	}
}
