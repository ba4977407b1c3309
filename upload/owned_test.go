package upload_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/regen-registry/regen/upload"
	"github.com/regen-registry/regen/upload/s3store"
	"github.com/regen-registry/regen/upload/uploadtest"
)

// putForeign fills a target with objects another tool put there: 20
// database backups and a web site beside the registry.
func putForeign(t *testing.T, s upload.Store) []string {
	t.Helper()
	var keys []string
	for i := range 20 {
		keys = append(keys, fmt.Sprintf("backups/db-%02d.sql", i))
	}
	keys = append(keys, "site/index.html")
	for _, k := range keys {
		body := "not regen's: " + k
		if err := s.Put(context.Background(), k, strings.NewReader(body), int64(len(body)), upload.Meta{}); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func mustExist(t *testing.T, s upload.Store, keys []string, when string) {
	t.Helper()
	for _, k := range keys {
		if _, err := s.Head(context.Background(), k); err != nil {
			t.Errorf("%s: %s is gone: %v", when, k, err)
		}
	}
}

// Regression (issue 10, item 7): the first upload to a bucket or folder
// that holds other files deleted every one of them, up to --max-delete.
func TestFirstUploadLeavesObjectsRegenDidNotPublish(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			tg := b.open(t)
			foreign := putForeign(t, tg.store)
			v1 := build(t, registryV1())

			sum := run(t, upload.Options{Dir: v1, Store: tg.store, MaxDelete: 1000})
			if sum.Deleted != 0 || sum.Unowned != int64(len(foreign)) || sum.UnownedDeleted {
				t.Errorf("first upload: %+v, want nothing deleted and %d unowned objects reported", sum, len(foreign))
			}
			if !slices.Equal(sum.UnownedKeys, foreign) {
				t.Errorf("unowned keys %v, want %v", sum.UnownedKeys, foreign)
			}
			if !strings.Contains(sum.String(), fmt.Sprintf("left %d objects regen did not publish", len(foreign))) {
				t.Errorf("summary %q does not tell about the objects left alone", sum)
			}
			mustExist(t, tg.store, foreign, "after the first upload")

			// --verify, and a later upload removing versions, delete what
			// regen published and nothing else.
			v2 := build(t, registryV2())
			_, gone, err := uploadtest.Changed(v1, v2)
			if err != nil {
				t.Fatal(err)
			}
			if sum = run(t, upload.Options{Dir: v1, Store: tg.store, MaxDelete: 1000, Verify: true}); sum.Deleted != 0 || sum.Unowned != int64(len(foreign)) {
				t.Errorf("--verify: %+v, want nothing deleted", sum)
			}
			if sum = run(t, upload.Options{Dir: v2, Store: tg.store, MaxDelete: 1000, Verify: true}); sum.Deleted != int64(gone) {
				t.Errorf("--verify of v2: %+v, want the %d objects v2 dropped deleted", sum, gone)
			}
			mustExist(t, tg.store, foreign, "after --verify")

			// Explicit takeover: a dry run lists them, then they go.
			sum = run(t, upload.Options{Dir: v2, Store: tg.store, MaxDelete: 1000, Verify: true, DeleteUnowned: true, DryRun: true})
			if sum.Deleted != int64(len(foreign)) || !sum.UnownedDeleted || !slices.Equal(sum.UnownedKeys, foreign) {
				t.Errorf("dry run --delete-unowned: %+v, want %d would-be deletions listed", sum, len(foreign))
			}
			mustExist(t, tg.store, foreign, "after a dry run")
			sum = run(t, upload.Options{Dir: v2, Store: tg.store, MaxDelete: 1000, Verify: true, DeleteUnowned: true})
			if sum.Deleted != int64(len(foreign)) {
				t.Errorf("--delete-unowned: %+v, want %d deleted", sum, len(foreign))
			}
			for _, k := range foreign {
				if _, err := tg.store.Head(context.Background(), k); !errors.Is(err, upload.ErrNotFound) {
					t.Errorf("--delete-unowned kept %s: %v", k, err)
				}
			}
			mustEqual(t, tg, v2)
		})
	}
}

func TestMaxDeleteBoundsDeleteUnowned(t *testing.T) {
	tg := backends()[1].open(t)
	foreign := putForeign(t, tg.store)
	_, err := upload.Run(context.Background(), upload.Options{Dir: build(t, registryV1()), Store: tg.store, MaxDelete: 5, DeleteUnowned: true})
	var tooMany *upload.TooManyDeletesError
	if !errors.As(err, &tooMany) || tooMany.Count != len(foreign) {
		t.Fatalf("err = %v, want a refusal to delete %d objects", err, len(foreign))
	}
	mustExist(t, tg.store, foreign, "after a refused upload")
}

// An interrupted first upload leaves no manifest, only its journal: the
// next run plans from a listing, and what the journal lists is regen's.
func TestJournalOfInterruptedFirstUploadIsOwned(t *testing.T) {
	tg := backends()[1].open(t)
	ctx := context.Background()
	v1 := build(t, registryV1())
	run(t, upload.Options{Dir: v1, Store: tg.store, MaxDelete: 1000})
	state, err := upload.StateFolder(ctx, tg.store)
	if err != nil || state == "" {
		t.Fatalf("state folder %q, %v", state, err)
	}
	// Turn the committed manifest into a journal segment, as if the run had
	// died before committing.
	rc, err := tg.store.Get(ctx, state+upload.ManifestName)
	if err != nil {
		t.Fatal(err)
	}
	body := mustReadAll(t, rc)
	if err := tg.store.Put(ctx, state+upload.JournalDir+"0000000001.gz", strings.NewReader(string(body)), int64(len(body)), upload.Meta{}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{state + upload.ManifestName, state + upload.ManifestSumName} {
		if err := tg.store.Delete(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	v2 := build(t, registryV2())
	_, gone, err := uploadtest.Changed(v1, v2)
	if err != nil {
		t.Fatal(err)
	}
	if sum := run(t, upload.Options{Dir: v2, Store: tg.store, MaxDelete: 1000}); !sum.Verified || sum.Deleted != int64(gone) || sum.Unowned != 0 {
		t.Errorf("%+v, want a verified plan deleting the %d objects v2 dropped", sum, gone)
	}
	mustEqual(t, tg, v2)
}

func mustReadAll(t *testing.T, rc io.ReadCloser) []byte {
	t.Helper()
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Objects beside a prefix target (the bucket's root, a sibling folder
// whose name starts like the prefix) are never listed, so never touched,
// even with --delete-unowned.
func TestObjectsBesideAPrefixTargetSurvive(t *testing.T) {
	srv := uploadtest.StartVersityGW(t)
	tg := newS3TargetOn(t, srv, func(c *s3store.Config) { c.Prefix = "registry" })
	root, err := s3store.New(context.Background(), srv.Config(tg.bucket))
	if err != nil {
		t.Fatal(err)
	}
	beside := append(putForeign(t, root), "registry-old/v1/providers/acme/widget/versions")
	if err := root.Put(context.Background(), beside[len(beside)-1], strings.NewReader("{}"), 2, upload.Meta{}); err != nil {
		t.Fatal(err)
	}
	sum := run(t, upload.Options{Dir: build(t, registryV1()), Store: tg.store, MaxDelete: 1000, DeleteUnowned: true})
	if sum.Deleted != 0 || sum.Unowned != 0 {
		t.Errorf("%+v: saw objects outside its prefix", sum)
	}
	mustExist(t, root, beside, "after an upload under a prefix")
}
