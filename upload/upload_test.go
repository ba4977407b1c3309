package upload_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/upload"
	"github.com/regen-registry/regen/upload/s3store"
	"github.com/regen-registry/regen/upload/uploadtest"
)

func TestUploadThenNoChangeThenChange(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			tg := b.open(t)
			v1 := build(t, registryV1())
			sum := run(t, upload.Options{Dir: v1, Store: tg.store, MaxDelete: 1000})
			if want := int64(countFiles(t, v1)); sum.Uploaded != want || sum.Skipped != 0 || sum.Deleted != 0 {
				t.Errorf("first upload: %+v, want %d uploaded, none skipped or deleted", sum, want)
			}
			mustEqual(t, tg, v1)

			// No change: a handful of requests, nothing sent.
			if tg.http != nil {
				tg.http.Reset()
			}
			sum = run(t, upload.Options{Dir: v1, Store: tg.store, MaxDelete: 1000})
			if !sum.NoChange || sum.Uploaded != 0 {
				t.Errorf("no-change upload: %+v, want NoChange and nothing uploaded", sum)
			}
			if tg.http != nil {
				reqs := tg.http.Requests()
				if len(reqs) > 2 {
					t.Errorf("no-change upload made %d requests, want at most 2: %v", len(reqs), reqs)
				}
			}

			// Change: only the changed objects are sent; gone ones deleted.
			v2 := build(t, registryV2())
			changed, gone, err := uploadtest.Changed(v1, v2)
			if err != nil {
				t.Fatal(err)
			}
			if tg.http != nil {
				tg.http.Reset()
			}
			sum = run(t, upload.Options{Dir: v2, Store: tg.store, MaxDelete: 1000})
			if sum.Uploaded != int64(changed) || sum.Deleted != int64(gone) || sum.Skipped != int64(countFiles(t, v2)-changed) {
				t.Errorf("incremental upload: %+v, want %d uploaded, %d deleted", sum, changed, gone)
			}
			if tg.http != nil {
				if puts := tg.http.ObjectPuts(tg.bucket); len(puts) != changed {
					t.Errorf("incremental upload sent %d objects, want %d", len(puts), changed)
				}
			}
			mustEqual(t, tg, v2)
		})
	}
}

func TestChangeOneFileDeleteOne(t *testing.T) {
	tg := newS3Target(t, nil)
	r := registryV1()
	dir := build(t, r)
	run(t, upload.Options{Dir: dir, Store: tg.store, MaxDelete: 1000})

	// Drop hashicorp/aws 5.0.0: its two leaves go, its indexes change.
	r.Providers[1].Versions = r.Providers[1].Versions[:1]
	dir2 := build(t, r)
	tg.http.Reset()
	sum := run(t, upload.Options{Dir: dir2, Store: tg.store, MaxDelete: 1000})
	puts := tg.http.ObjectPuts(tg.bucket)
	sort.Strings(puts)
	// The provider listing names only the latest version, which did not
	// change, so it is not sent.
	want := []string{
		"mirror/registry.example.test/hashicorp/aws/index.json",
		"v1/providers/hashicorp/aws/versions",
	}
	if diff := cmp.Diff(want, puts); diff != "" {
		t.Errorf("objects sent (-want +got):\n%s", diff)
	}
	var deletes []string
	for _, r := range tg.http.Requests() {
		if r.Method == http.MethodDelete && !strings.Contains(r.Path, "/.regen/") {
			deletes = append(deletes, strings.TrimPrefix(r.Path, "/"+tg.bucket+"/"))
		}
	}
	sort.Strings(deletes)
	wantDel := []string{"mirror/registry.example.test/hashicorp/aws/5.0.0.json", "v1/providers/hashicorp/aws/5.0.0/download/linux/amd64"}
	if diff := cmp.Diff(wantDel, deletes); diff != "" {
		t.Errorf("objects deleted (-want +got):\n%s", diff)
	}
	if sum.Deleted != 2 || sum.Uploaded != 2 {
		t.Errorf("summary %+v", sum)
	}
	mustEqual(t, tg, dir2)
}

func TestMetadataThroughS3API(t *testing.T) {
	tg := newS3Target(t, nil)
	dir := build(t, registryV1())
	run(t, upload.Options{Dir: dir, Store: tg.store, MaxDelete: 1000})
	client := tg.store.(*s3store.Store).Client()
	files, err := uploadtest.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		key, typ, cache string
	}{
		{"v1/providers/hashicorp/aws/versions", "application/json", "public, max-age=60"},
		{"v1/providers/hashicorp/aws/5.1.0/download/linux/amd64", "application/json", "public, max-age=86400"},
		{"v1/modules/terraform-aws-modules/vpc/aws/5.0.0/download", "application/json", "public, max-age=86400"},
		{"mirror/registry.example.test/hashicorp/aws/5.1.0.json", "application/json", "public, max-age=86400"},
		{"mirror/registry.example.test/hashicorp/aws/index.json", "application/json", "public, max-age=60"},
		{"listings/providers.json", "application/json", "public, max-age=60"},
		{".well-known/terraform.json", "application/json", "public, max-age=60"},
	} {
		out, err := client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(tg.bucket), Key: aws.String(tc.key)})
		if err != nil {
			t.Fatalf("HeadObject %s: %v", tc.key, err)
		}
		got := [3]string{aws.ToString(out.ContentType), aws.ToString(out.CacheControl), out.Metadata["sha256"]}
		want := [3]string{tc.typ, tc.cache, files[tc.key].SHA256}
		if got != want {
			t.Errorf("%s: Content-Type, Cache-Control, sha256 = %q, want %q", tc.key, got, want)
		}
	}
	// regen's own objects are not cacheable.
	state, err := upload.StateFolder(context.Background(), tg.store)
	if err != nil || state == "" {
		t.Fatalf("state folder %q, %v", state, err)
	}
	out, err := client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(tg.bucket), Key: aws.String(state + upload.ManifestName)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.CacheControl) != "no-store" {
		t.Errorf("manifest Cache-Control = %q", aws.ToString(out.CacheControl))
	}
}

func TestPrefixTarget(t *testing.T) {
	srv := uploadtest.StartVersityGW(t)
	tg := newS3TargetOn(t, srv, func(c *s3store.Config) { c.Prefix = "registry" })
	dir := build(t, registryV1())
	run(t, upload.Options{Dir: dir, Store: tg.store, MaxDelete: 1000})
	mustEqual(t, tg, dir)
	// Everything is under the prefix.
	root, err := s3store.New(context.Background(), srv.Config(tg.bucket))
	if err != nil {
		t.Fatal(err)
	}
	err = root.List(context.Background(), "", func(o upload.ObjectInfo) error {
		if !strings.HasPrefix(o.Key, "registry/") {
			t.Errorf("object %s outside the prefix", o.Key)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMaxDeleteRefusesBeforeWriting(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			tg := b.open(t)
			v1 := build(t, registryV1())
			run(t, upload.Options{Dir: v1, Store: tg.store, MaxDelete: 1000})
			v2 := build(t, registryV2())
			_, gone, _ := uploadtest.Changed(v1, v2)
			_, err := upload.Run(context.Background(), upload.Options{Dir: v2, Store: tg.store, MaxDelete: gone - 1})
			var tm *upload.TooManyDeletesError
			if !errors.As(err, &tm) || tm.Count != gone || tm.Max != gone-1 || len(tm.Examples) == 0 {
				t.Fatalf("err = %v, want TooManyDeletesError{%d, %d}", err, gone, gone-1)
			}
			if !strings.Contains(err.Error(), "--max-delete") {
				t.Errorf("error %q does not say how to proceed", err)
			}
			mustEqual(t, tg, v1) // nothing written
			// Raised, it proceeds.
			run(t, upload.Options{Dir: v2, Store: tg.store, MaxDelete: gone})
			mustEqual(t, tg, v2)
		})
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	tg := newS3Target(t, nil)
	v1 := build(t, registryV1())
	run(t, upload.Options{Dir: v1, Store: tg.store, MaxDelete: 1000})
	v2 := build(t, registryV2())
	changed, gone, _ := uploadtest.Changed(v1, v2)
	tg.http.Reset()
	sum := run(t, upload.Options{Dir: v2, Store: tg.store, MaxDelete: 1000, DryRun: true})
	if !sum.DryRun || sum.Uploaded != int64(changed) || sum.Deleted != int64(gone) {
		t.Errorf("dry run summary %+v, want %d to upload and %d to delete", sum, changed, gone)
	}
	for _, r := range tg.http.Requests() {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			t.Errorf("dry run sent %s %s", r.Method, r.Path)
		}
	}
	mustEqual(t, tg, v1)
	if !strings.Contains(sum.String(), "would upload") {
		t.Errorf("dry-run summary %q does not say 'would'", sum)
	}
}

func TestVerifyRepairsTamperedTarget(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			tg := b.open(t)
			ctx := context.Background()
			dir := build(t, registryV1())
			run(t, upload.Options{Dir: dir, Store: tg.store, MaxDelete: 1000})
			// Tamper behind regen's back.
			if err := tg.store.Delete(ctx, "v1/providers/acme/widget/1.0.0/download/linux/amd64"); err != nil {
				t.Fatal(err)
			}
			bad := "{}\n" // another size
			if err := tg.store.Put(ctx, "v1/providers/hashicorp/aws/versions", strings.NewReader(bad), int64(len(bad)), upload.Meta{}); err != nil {
				t.Fatal(err)
			}
			same := mustRead(t, filepath.Join(dir, "listings/modules.json"))
			flipped := []byte(strings.Replace(string(same), "vpc", "vqc", 1)) // same size, other content
			if err := tg.store.Put(ctx, "listings/modules.json", strings.NewReader(string(flipped)), int64(len(flipped)), upload.Meta{}); err != nil {
				t.Fatal(err)
			}
			if err := tg.store.Put(ctx, "stale/object", strings.NewReader("x"), 1, upload.Meta{}); err != nil {
				t.Fatal(err)
			}
			// A plain run trusts the manifest and sees no change.
			if sum := run(t, upload.Options{Dir: dir, Store: tg.store, MaxDelete: 1000}); !sum.NoChange {
				t.Fatalf("plain run: %+v, want no change", sum)
			}
			// --verify repairs what regen published, and leaves the object
			// it did not publish alone.
			sum := run(t, upload.Options{Dir: dir, Store: tg.store, MaxDelete: 1000, Verify: true})
			if !sum.Verified || sum.Uploaded != 3 || sum.Deleted != 0 || sum.Unowned != 1 {
				t.Errorf("verify: %+v, want 3 uploaded, none deleted, 1 unowned", sum)
			}
			if _, err := tg.store.Head(ctx, "stale/object"); err != nil {
				t.Errorf("an object regen did not publish was deleted by --verify: %v", err)
			}
			sum = run(t, upload.Options{Dir: dir, Store: tg.store, MaxDelete: 1000, Verify: true, DeleteUnowned: true})
			if sum.Uploaded != 0 || sum.Deleted != 1 || !sum.UnownedDeleted {
				t.Errorf("verify --delete-unowned: %+v, want 1 deleted", sum)
			}
			mustEqual(t, tg, dir)
		})
	}
}

func TestTargetWithoutManifestIsReconciled(t *testing.T) {
	// A bucket published by other means (rclone): objects without regen
	// metadata, no manifest. The first regen upload sends only what
	// differs (by ETag); strays are regen's to delete only when told so.
	tg := newS3Target(t, nil)
	ctx := context.Background()
	dir := build(t, registryV1())
	files, err := uploadtest.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	for key := range files {
		body := mustRead(t, filepath.Join(dir, key))
		if key == "v1/providers/hashicorp/aws/versions" {
			body = []byte("stale\n")
		}
		if err := tg.store.Put(ctx, key, strings.NewReader(string(body)), int64(len(body)), upload.Meta{ContentType: "application/json"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tg.store.Put(ctx, "v1/providers/old/removed/versions", strings.NewReader("{}"), 2, upload.Meta{}); err != nil {
		t.Fatal(err)
	}
	tg.http.Reset()
	sum := run(t, upload.Options{Dir: dir, Store: tg.store, MaxDelete: 1000, DeleteUnowned: true})
	if !sum.Verified || sum.Uploaded != 1 || sum.Deleted != 1 || sum.Unowned != 1 || sum.Skipped != int64(len(files)-1) {
		t.Errorf("summary %+v, want 1 uploaded, 1 (unowned) deleted, the rest skipped", sum)
	}
	if puts := tg.http.ObjectPuts(tg.bucket); len(puts) != 1 || puts[0] != "v1/providers/hashicorp/aws/versions" {
		t.Errorf("sent %v", puts)
	}
	// Content matches; metadata of the skipped objects is what they had.
	if err := uploadtest.Equal(ctx, tg.store, dir, false, upload.CachePolicy{}); err == nil || !strings.Contains(err.Error(), "sha256 metadata") {
		t.Errorf("expected only metadata differences on objects regen did not write, got %v", err)
	}
}

func TestBuildFileNotMatchingManifest(t *testing.T) {
	tg := newS3Target(t, nil)
	dir := build(t, registryV1())
	p := filepath.Join(dir, "v1/providers/hashicorp/aws/versions")
	if err := os.WriteFile(p, []byte("tampered"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := upload.Run(context.Background(), upload.Options{Dir: dir, Store: tg.store, MaxDelete: 1000})
	if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "rebuild") {
		t.Fatalf("err = %v, want an error naming %s and asking for a rebuild", err, p)
	}
	// The leaves went out, the broken index did not, and no manifest was
	// published: the next run starts over from the journal.
	if _, err := tg.store.Head(context.Background(), "v1/providers/hashicorp/aws/versions"); !errors.Is(err, upload.ErrNotFound) {
		t.Errorf("broken index published: %v", err)
	}
	state, err := upload.StateFolder(context.Background(), tg.store)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tg.store.Head(context.Background(), state+upload.ManifestName); state == "" || !errors.Is(err, upload.ErrNotFound) {
		t.Errorf("manifest published after a failed upload: %v", err)
	}
}

func TestMissingBuildManifest(t *testing.T) {
	tg := newS3Target(t, nil)
	_, err := upload.Run(context.Background(), upload.Options{Dir: t.TempDir(), Store: tg.store})
	if err == nil || !strings.Contains(err.Error(), "regen build") {
		t.Fatalf("err = %v, want a hint to run regen build", err)
	}
}

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
