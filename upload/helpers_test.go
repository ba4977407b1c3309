package upload_test

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/regen-registry/regen/manifest"

	"github.com/regen-registry/regen/upload"
	"github.com/regen-registry/regen/upload/filestore"
	"github.com/regen-registry/regen/upload/s3store"
	"github.com/regen-registry/regen/upload/uploadtest"
)

// registryV1 is the first state of the test registry.
func registryV1() uploadtest.Registry {
	return uploadtest.Registry{
		Providers: []uploadtest.Provider{
			{Namespace: "acme", Type: "widget", Versions: []uploadtest.ProviderVersion{{Version: "1.0.0"}}},
			{Namespace: "hashicorp", Type: "aws", Versions: []uploadtest.ProviderVersion{
				{Version: "5.1.0"}, {Version: "5.0.0", Platforms: []string{"linux_amd64"}},
			}},
			{Namespace: "old", Type: "gone", Versions: []uploadtest.ProviderVersion{{Version: "0.1.0"}}},
		},
		Modules: []uploadtest.Module{
			{Namespace: "terraform-aws-modules", Name: "vpc", System: "aws", Versions: []string{"5.0.0", "4.0.0"}},
		},
	}
}

// registryV2 bumps aws, revokes widget 1.0.0 for 1.1.0, removes old/gone,
// adds a module version and a module.
func registryV2() uploadtest.Registry {
	r := registryV1()
	r.Providers = []uploadtest.Provider{
		{Namespace: "acme", Type: "widget", Versions: []uploadtest.ProviderVersion{{Version: "1.1.0"}}},
		{Namespace: "hashicorp", Type: "aws", Versions: []uploadtest.ProviderVersion{
			{Version: "5.2.0"}, {Version: "5.1.0"}, {Version: "5.0.0", Platforms: []string{"linux_amd64"}},
		}},
	}
	r.Modules = []uploadtest.Module{
		{Namespace: "terraform-aws-modules", Name: "vpc", System: "aws", Versions: []string{"6.0.0", "5.0.0", "4.0.0"}},
		{Namespace: "zz", Name: "net", System: "google", Versions: []string{"0.1.0"}},
	}
	return r
}

func build(t testing.TB, r uploadtest.Registry) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "dist")
	if err := uploadtest.Build(dir, r); err != nil {
		t.Fatal(err)
	}
	return dir
}

// target is a store under test with what the test needs to inspect it.
type target struct {
	store   upload.Store
	http    *uploadtest.CountingTransport // nil for folders
	bucket  string
	headers bool // the store keeps Content-Type and Cache-Control
}

type backend struct {
	name string
	open func(t *testing.T) target
}

// backends returns the real S3 server (versitygw) and a plain folder.
func backends() []backend {
	return []backend{
		{"s3", func(t *testing.T) target { return newS3Target(t, nil) }},
		{"file", func(t *testing.T) target {
			s, err := filestore.New(filepath.Join(t.TempDir(), "www"))
			if err != nil {
				t.Fatal(err)
			}
			return target{store: s}
		}},
	}
}

func newS3Target(t *testing.T, edit func(*s3store.Config)) target {
	srv := uploadtest.StartVersityGW(t)
	return newS3TargetOn(t, srv, edit)
}

func newS3TargetOn(t *testing.T, srv *uploadtest.S3Server, edit func(*s3store.Config)) target {
	ct := uploadtest.NewCountingTransport()
	bucket := srv.NewBucket(t)
	c := srv.Config(bucket)
	c.HTTPClient = ct.Client()
	if edit != nil {
		edit(&c)
	}
	s, err := s3store.New(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return target{store: s, http: ct, bucket: bucket, headers: true}
}

func run(t testing.TB, o upload.Options) *upload.Summary {
	t.Helper()
	sum, err := upload.Run(context.Background(), o)
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	return sum
}

func mustEqual(t testing.TB, tg target, dir string) {
	t.Helper()
	if err := uploadtest.Equal(context.Background(), tg.store, dir, tg.headers, upload.DefaultCachePolicy()); err != nil {
		t.Fatalf("target differs from the build:\n%v", err)
	}
}

func countFiles(t testing.TB, dir string) int {
	t.Helper()
	m, err := uploadtest.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	return len(m)
}

// urlSet is a Purger recording the URLs it is asked to purge.
type urlSet struct {
	mu   sync.Mutex
	urls map[string]bool
}

func (u *urlSet) Purge(_ context.Context, urls []string) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.urls == nil {
		u.urls = map[string]bool{}
	}
	for _, x := range urls {
		u.urls[x] = true
	}
	return nil
}

func (u *urlSet) reset() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.urls = nil
}

func (u *urlSet) sorted() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := []string{}
	for x := range u.urls {
		out = append(out, x)
	}
	sort.Strings(out)
	return out
}

// wantPurged returns the URLs an upload from the build in oldDir to the
// one in newDir must purge: paths whose content changed in place, and
// paths gone (a folder's index.json also under the folder's URLs).
func wantPurged(t testing.TB, base, oldDir, newDir string) []string {
	t.Helper()
	old, err := uploadtest.ReadManifest(oldDir)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := uploadtest.ReadManifest(newDir)
	if err != nil {
		t.Fatal(err)
	}
	urls := func(p string) []string {
		u := base + "/" + p
		if dir, ok := strings.CutSuffix(u, "/"+manifest.DirIndex); ok {
			return []string{u, dir, dir + "/"}
		}
		return []string{u}
	}
	out := []string{}
	for p, f := range cur {
		if o, ok := old[p]; ok && o.SHA256 != f.SHA256 {
			out = append(out, urls(p)...)
		}
	}
	for p := range old {
		if _, ok := cur[p]; !ok {
			out = append(out, urls(p)...)
		}
	}
	sort.Strings(out)
	return out
}
