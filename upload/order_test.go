package upload_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/manifest"
	"github.com/regen-registry/regen/upload"
	"github.com/regen-registry/regen/upload/cfpurge"
	"github.com/regen-registry/regen/upload/filestore"
	"github.com/regen-registry/regen/upload/uploadtest"
)

// event is one step a recording store or purger saw.
type event struct {
	kind string // put, put-done, delete, delete-done, purge
	key  string
}

type recorder struct {
	mu     sync.Mutex
	events []event
}

func (r *recorder) add(kind, key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, event{kind, key})
}

// recordingStore records the start and end of every write.
type recordingStore struct {
	upload.Store
	rec *recorder
}

func (s recordingStore) Put(ctx context.Context, key string, body io.ReadSeeker, size int64, meta upload.Meta) error {
	s.rec.add("put", key)
	defer s.rec.add("put-done", key)
	return s.Store.Put(ctx, key, body, size, meta)
}

func (s recordingStore) Delete(ctx context.Context, key string) error {
	s.rec.add("delete", key)
	defer s.rec.add("delete-done", key)
	return s.Store.Delete(ctx, key)
}

type recordingPurger struct{ rec *recorder }

func (p recordingPurger) Purge(_ context.Context, urls []string) error {
	for _, u := range urls {
		p.rec.add("purge", u)
	}
	return nil
}

// TestPublishOrder checks the safe order on the sequence of writes: each
// class complete before the next starts (leaves, indexes, listings,
// discovery), purges of a class after its writes and before the next
// class, tombstones before deletes, deletes after every write and in
// reverse class order, the manifest and then its checksum last.
func TestPublishOrder(t *testing.T) {
	fs, err := filestore.New(filepath.Join(t.TempDir(), "www"))
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	store := recordingStore{fs, rec}
	v1 := build(t, registryV1())
	r2 := registryV2()
	r2.Host = "mirror2.example.test" // every mirror document moves: more deletes
	v2 := build(t, r2)
	base := "https://registry.example.test"
	run(t, upload.Options{Dir: v1, Store: store, MaxDelete: 1000, Jobs: 8})
	rec.events = nil
	run(t, upload.Options{Dir: v2, Store: store, MaxDelete: 1000, Jobs: 8, Purger: recordingPurger{rec}, PublicURL: base})

	old, err := uploadtest.ReadManifest(v1)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := uploadtest.ReadManifest(v2)
	if err != nil {
		t.Fatal(err)
	}
	rank := map[manifest.Class]int{}
	for i, c := range manifest.Order {
		rank[c] = i
	}
	classOf := func(key string) (int, bool) {
		if f, ok := cur[key]; ok {
			return rank[f.Class], true
		}
		if f, ok := old[key]; ok {
			return rank[f.Class], true
		}
		return 0, false
	}
	// phase numbers: puts of class c → c; deletes of class c → n + (n-1 - c);
	// then the manifest (2n) and its checksum (2n+1), n classes.
	n := len(manifest.Order)
	phase := func(e event) (int, bool) {
		key := strings.TrimPrefix(e.key, base+"/")
		if e.kind == "purge" && cur[key].Path == "" && old[key].Path == "" {
			key = strings.TrimSuffix(key, "/") + "/" + manifest.DirIndex // a folder's URL
		}
		switch {
		case strings.HasPrefix(key, upload.StateDirPrefix) && strings.HasSuffix(key, "/"+upload.ManifestName):
			return 2 * n, true
		case strings.HasPrefix(key, upload.StateDirPrefix) && strings.HasSuffix(key, "/"+upload.ManifestSumName):
			return 2*n + 1, true
		case strings.HasPrefix(key, upload.StateDirPrefix) && strings.Contains(key, "/"+upload.JournalDir):
			return 0, false
		}
		c, ok := classOf(key)
		if !ok {
			t.Fatalf("event on unknown key %q", key)
		}
		_, inBuild := cur[key]
		switch {
		case e.kind == "delete" || e.kind == "delete-done" || e.kind == "purge" && !inBuild:
			return n + (n - 1 - c), true
		}
		return c, true
	}
	seen := map[int]bool{}
	highest := -1
	var firstDelete, lastTombstone = -1, -1
	for i, e := range rec.events {
		if strings.Contains(e.key, "/"+upload.JournalDir) && e.kind == "put-done" && firstDelete < 0 {
			lastTombstone = i
		}
		if e.kind == "delete" && firstDelete < 0 {
			firstDelete = i
		}
		p, ok := phase(e)
		if !ok {
			continue
		}
		seen[p] = true
		switch e.kind {
		case "put", "delete": // a start may not precede the end of an earlier phase's write
			if p < highest {
				t.Errorf("event %d %s %s (phase %d) after phase %d began", i, e.kind, e.key, p, highest)
			}
			highest = max(highest, p)
		case "purge": // purges of class c come after c's writes, before c+1's
			if p != highest {
				t.Errorf("event %d purge %s (phase %d) while phase %d runs", i, e.key, p, highest)
			}
		}
	}
	// Every start of phase p follows every end of phases < p.
	lastDone := map[int]int{}
	for i, e := range rec.events {
		if p, ok := phase(e); ok && strings.HasSuffix(e.kind, "-done") {
			lastDone[p] = i
		}
	}
	for i, e := range rec.events {
		p, ok := phase(e)
		if !ok || strings.HasSuffix(e.kind, "-done") || e.kind == "purge" {
			continue
		}
		for q, last := range lastDone {
			if q < p && last > i {
				t.Errorf("%s %s (phase %d) started before phase %d finished", e.kind, e.key, p, q)
			}
		}
	}
	leaf, index := rank[manifest.ClassLeaf], rank[manifest.ClassIndex]
	for _, p := range []int{leaf, index, rank[manifest.ClassListing], n + n - 1 - index, n + n - 1 - leaf, 2 * n, 2*n + 1} {
		if !seen[p] {
			t.Errorf("phase %d never happened: the scenario does not exercise it", p)
		}
	}
	if firstDelete < 0 || lastTombstone < 0 || lastTombstone > firstDelete {
		t.Errorf("no tombstone checkpoint written before the first delete (tombstone %d, delete %d)", lastTombstone, firstDelete)
	}
}

// TestPurgeChangedInPlace checks, through cfpurge against a fake
// Cloudflare API, that exactly the URLs whose content changed in place or
// that were deleted are purged, 30 per call; new paths are not.
func TestPurgeChangedInPlace(t *testing.T) {
	var mu sync.Mutex
	var purged []string
	calls := 0
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/client/v4/zones/zone1/purge_cache" || r.Header.Get("Authorization") != "Bearer secret" {
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
		}
		var req struct{ Files []string }
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Files) > cfpurge.BatchSize {
			t.Errorf("bad purge request: %v, %d files", err, len(req.Files))
		}
		mu.Lock()
		purged = append(purged, req.Files...)
		calls++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"success":true,"errors":[],"messages":[],"result":{"id":"zone1"}}`)
	}))
	defer api.Close()
	purger, err := cfpurge.New(cfpurge.Config{ZoneID: "zone1", Token: "secret", APIURL: api.URL + "/client/v4", RequestsPerSecond: 1000})
	if err != nil {
		t.Fatal(err)
	}
	tg := newS3Target(t, nil)
	base := "https://cdn.example.test/registry/"
	opts := func(dir string) upload.Options {
		return upload.Options{Dir: dir, Store: tg.store, MaxDelete: 1000, Purger: purger, PublicURL: base}
	}
	scale := uploadtest.Scale{Providers: 30, ProviderVersions: 2, Platforms: 2, Modules: 5, ModuleVersions: 2}
	r1 := uploadtest.Synthetic(scale)
	v1 := build(t, r1)
	run(t, opts(v1))
	if len(purged) != 0 {
		t.Fatalf("first upload purged %d URLs; new paths need none", len(purged))
	}
	r2 := uploadtest.Bump(r1, 1)
	r2.Providers = r2.Providers[2:]
	v2 := build(t, r2)
	sum := run(t, opts(v2))

	old, _ := uploadtest.ReadManifest(v1)
	cur, _ := uploadtest.ReadManifest(v2)
	var want []string
	urls := func(p string) []string {
		u := "https://cdn.example.test/registry/" + p
		if dir, ok := strings.CutSuffix(u, "/"+manifest.DirIndex); ok {
			return []string{u, dir, dir + "/"} // also served at the folder's URL
		}
		return []string{u}
	}
	for p, f := range cur {
		if o, ok := old[p]; ok && o.SHA256 != f.SHA256 {
			want = append(want, urls(p)...)
		}
	}
	for p := range old {
		if _, ok := cur[p]; !ok {
			want = append(want, urls(p)...)
		}
	}
	sort.Strings(want)
	sort.Strings(purged)
	if diff := cmp.Diff(want, purged); diff != "" {
		t.Errorf("purged URLs (-want +got):\n%s", diff)
	}
	if len(want) <= cfpurge.BatchSize || calls < (len(want)+cfpurge.BatchSize-1)/cfpurge.BatchSize {
		t.Errorf("%d URLs in %d calls: the scenario must need several batches", len(want), calls)
	}
	if sum.Purged != int64(len(want)) {
		t.Errorf("summary says %d purged, want %d", sum.Purged, len(want))
	}
}
