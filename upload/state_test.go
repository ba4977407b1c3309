package upload_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/regen-registry/regen/upload"
	"github.com/regen-registry/regen/upload/filestore"
	"github.com/regen-registry/regen/upload/uploadtest"
)

// Regression (issue 10, item 8): upload kept its manifest (a list of every
// object) at fixed names under .regen/, which a bucket served by plain S3
// or CloudFront hands to anyone asking for them.
func TestStateIsNotAtGuessableNames(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			tg := b.open(t)
			ctx := context.Background()
			run(t, upload.Options{Dir: build(t, registryV1()), Store: tg.store, MaxDelete: 1000})
			for _, k := range []string{".regen/manifest.ndjson.gz", ".regen/manifest.sha256", ".regen/journal/0000000001.gz"} {
				if _, err := tg.store.Head(ctx, k); !errors.Is(err, upload.ErrNotFound) {
					t.Errorf("%s: %v, want nothing at a name anyone can guess", k, err)
				}
			}
			state, err := upload.StateFolder(ctx, tg.store)
			if err != nil {
				t.Fatal(err)
			}
			id := strings.TrimSuffix(strings.TrimPrefix(state, upload.StateDirPrefix), "/")
			if len(id) != 32 {
				t.Fatalf("state folder %q: want %s and 32 random hex digits", state, upload.StateDirPrefix)
			}
			if _, err := tg.store.Head(ctx, state+upload.ManifestName); err != nil {
				t.Errorf("manifest not in the state folder: %v", err)
			}
		})
	}
}

// A target written by an earlier regen (state at the legacy names) is
// taken over: its manifest says what regen owns, then the legacy objects
// are removed.
func TestLegacyStateIsReadThenRemoved(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			tg := b.open(t)
			ctx := context.Background()
			v1 := build(t, registryV1())
			run(t, upload.Options{Dir: v1, Store: tg.store, MaxDelete: 1000})
			state, err := upload.StateFolder(ctx, tg.store)
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{upload.ManifestName, upload.ManifestSumName} {
				rc, err := tg.store.Get(ctx, state+name)
				if err != nil {
					t.Fatal(err)
				}
				body := mustReadAll(t, rc)
				if err := tg.store.Put(ctx, ".regen/"+name, strings.NewReader(string(body)), int64(len(body)), upload.Meta{}); err != nil {
					t.Fatal(err)
				}
				if err := tg.store.Delete(ctx, state+name); err != nil {
					t.Fatal(err)
				}
			}
			v2 := build(t, registryV2())
			_, gone, err := uploadtest.Changed(v1, v2)
			if err != nil {
				t.Fatal(err)
			}
			sum := run(t, upload.Options{Dir: v2, Store: tg.store, MaxDelete: 1000})
			if sum.Verified || sum.Deleted != int64(gone) {
				t.Errorf("%+v, want a plan from the legacy manifest deleting %d objects", sum, gone)
			}
			for _, k := range []string{".regen/manifest.ndjson.gz", ".regen/manifest.sha256"} {
				if _, err := tg.store.Head(ctx, k); !errors.Is(err, upload.ErrNotFound) {
					t.Errorf("legacy %s kept: %v", k, err)
				}
			}
			if sum := run(t, upload.Options{Dir: v2, Store: tg.store, MaxDelete: 1000}); !sum.NoChange {
				t.Errorf("after the move: %+v, want no change", sum)
			}
			mustEqual(t, tg, v2)
		})
	}
}

// Options.State keeps the state out of the target altogether.
func TestSeparateStateStore(t *testing.T) {
	tg := backends()[1].open(t)
	ctx := context.Background()
	stateStore, err := filestore.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	foreign := putForeign(t, tg.store)
	v1 := build(t, registryV1())
	run(t, upload.Options{Dir: v1, Store: tg.store, State: stateStore, MaxDelete: 1000})
	err = tg.store.List(ctx, ".regen/", func(o upload.ObjectInfo) error {
		t.Errorf("%s written to the target", o.Key)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stateStore.Head(ctx, upload.ManifestName); err != nil {
		t.Errorf("no manifest in the state store: %v", err)
	}
	if sum := run(t, upload.Options{Dir: v1, Store: tg.store, State: stateStore, MaxDelete: 1000}); !sum.NoChange {
		t.Errorf("second run: %+v, want no change", sum)
	}
	v2 := build(t, registryV2())
	_, gone, _ := uploadtest.Changed(v1, v2)
	if sum := run(t, upload.Options{Dir: v2, Store: tg.store, State: stateStore, MaxDelete: 1000}); sum.Deleted != int64(gone) {
		t.Errorf("v2: %+v, want %d deleted", sum, gone)
	}
	mustExist(t, tg.store, foreign, "after uploads with a separate state")
}
