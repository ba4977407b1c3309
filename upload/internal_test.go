package upload

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/manifest"
)

func TestPublicURLs(t *testing.T) {
	for _, tc := range []struct {
		base, key string
		want      []string
	}{
		{"https://r.example.com", "v1/providers/ns/t/versions", []string{"https://r.example.com/v1/providers/ns/t/versions"}},
		{"https://r.example.com/", "v1/providers/ns/t/1.0.0+b/download/linux/amd64", []string{"https://r.example.com/v1/providers/ns/t/1.0.0+b/download/linux/amd64"}},
		{"https://r.example.com/sub", "v1/modules/ns a/x", []string{"https://r.example.com/sub/v1/modules/ns%20a/x"}},
		{"https://r.example.com", "v1/modules/ns/index.json", []string{
			"https://r.example.com/v1/modules/ns/index.json", "https://r.example.com/v1/modules/ns", "https://r.example.com/v1/modules/ns/"}},
		{"https://r.example.com", "index.json", []string{"https://r.example.com/index.json"}},
	} {
		if diff := cmp.Diff(tc.want, publicURLs(tc.base, tc.key)); diff != "" {
			t.Errorf("publicURLs(%q, %q) (-want +got):\n%s", tc.base, tc.key, diff)
		}
	}
}

func TestGuessClass(t *testing.T) {
	for key, want := range map[string]manifest.Class{
		".well-known/terraform.json":                   manifest.ClassDiscovery,
		"v1/providers/ns/t/versions":                   manifest.ClassIndex,
		"mirror/h/ns/t/index.json":                     manifest.ClassIndex,
		"v1/providers/ns/t/1.0.0/download/linux/amd64": manifest.ClassLeaf,
		"v1/modules/ns/n/aws/1.0.0/download":           manifest.ClassLeaf,
		"mirror/h/ns/t/1.2.3.json":                     manifest.ClassLeaf,
		"v1/modules/ns/index.json":                     manifest.ClassIndex,
		"registry/docs/search.ndjson":                  manifest.ClassListing,
		"v1/providers.json":                            manifest.ClassListing,
	} {
		if got := guessClass(key); got != want {
			t.Errorf("guessClass(%q) = %s, want %s", key, got, want)
		}
	}
}

func FuzzCheckKey(f *testing.F) {
	for _, s := range []string{"a/b", "../x", "a//b", "/a", "a/./b", "", "a\\b", "v1/providers/ns/t/versions"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if CheckKey(key) != nil {
			return
		}
		// An accepted key stays inside the root whatever joins it.
		if filepath.IsAbs(key) || strings.HasPrefix(key, "/") {
			t.Fatalf("accepted absolute key %q", key)
		}
		clean := filepath.ToSlash(filepath.Clean(filepath.FromSlash(key)))
		if clean != key {
			t.Fatalf("accepted unclean key %q (clean %q)", key, clean)
		}
		if strings.HasPrefix(clean, "../") || clean == ".." {
			t.Fatalf("accepted escaping key %q", key)
		}
	})
}

func TestSpoolRoundTrip(t *testing.T) {
	s, err := newSpool(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	var want []action
	for i := range 1000 {
		a := action{Entry: "e", Path: strings.Repeat("x", i%50) + "/p", SHA256: "ab", Size: int64(i), Class: manifest.ClassIndex, Send: i%2 == 0, Purge: i%3 == 0}
		want = append(want, a)
		if err := s.add(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.seal(); err != nil {
		t.Fatal(err)
	}
	for range 2 { // readable more than once
		var got []action
		if err := s.each(func(a action) error { got = append(got, a); return nil }); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(action{})); diff != "" {
			t.Fatalf("spool (-want +got):\n%s", diff)
		}
	}
}

// memStore is an in-memory Store for unit tests of unexported helpers
// (the uploader itself is tested against real stores).
type memStore struct {
	mu      sync.Mutex
	objects map[string][]byte
}

func (m *memStore) Put(_ context.Context, key string, body io.ReadSeeker, _ int64, _ Meta) error {
	b, err := io.ReadAll(body)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objects[key] = b
	return err
}

func (m *memStore) Get(_ context.Context, key string) (io.ReadCloser, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.objects[key]
	if !ok {
		return nil, ErrNotFound
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

func (m *memStore) Head(_ context.Context, key string) (ObjectInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.objects[key]
	if !ok {
		return ObjectInfo{}, ErrNotFound
	}
	return ObjectInfo{Key: key, Size: int64(len(b))}, nil
}

func (m *memStore) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.objects, key)
	return nil
}

func (m *memStore) List(_ context.Context, prefix string, fn func(ObjectInfo) error) error {
	m.mu.Lock()
	keys := sortedKeys(m.objects)
	m.mu.Unlock()
	for _, k := range keys {
		if strings.HasPrefix(k, prefix) {
			if err := fn(ObjectInfo{Key: k}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m *memStore) String() string { return "mem://" }

func TestLocateStateIgnoresForeignNames(t *testing.T) {
	st := &memStore{objects: map[string][]byte{}}
	ctx := context.Background()
	dir := StateDirPrefix + "0123456789abcdef0123456789abcdef/"
	keys := []string{
		dir + JournalDir + "0000000002.gz", dir + JournalDir + "0000000010.gz", dir + JournalDir + "notes.txt", dir + JournalDir + "sub/0000000099.gz",
		StateDirPrefix + "not-hex/" + JournalDir + "0000000050.gz", ".regen/worker/src/index.js",
		legacyPrefix + JournalDir + "0000000001.gz",
	}
	for _, k := range keys {
		if err := st.Put(ctx, k, strings.NewReader("x"), 1, Meta{}); err != nil {
			t.Fatal(err)
		}
	}
	s, err := locateState(ctx, &Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{legacyPrefix + JournalDir + "0000000001.gz", dir + JournalDir + "0000000002.gz", dir + JournalDir + "0000000010.gz"}
	if diff := cmp.Diff(want, s.segments); diff != "" {
		t.Errorf("segments (-want +got):\n%s", diff)
	}
	if s.next != 11 || s.prefix != dir || s.fresh {
		t.Errorf("next segment %d, prefix %q, fresh %v; want 11, %q, false", s.next, s.prefix, s.fresh, dir)
	}
	if diff := cmp.Diff([]string{legacyPrefix + JournalDir + "0000000001.gz"}, s.legacy); diff != "" {
		t.Errorf("legacy (-want +got):\n%s", diff)
	}

	// Two state folders: refused, naming both.
	other := StateDirPrefix + "fedcba9876543210fedcba9876543210/"
	if err := st.Put(ctx, other+ManifestSumName, strings.NewReader("x"), 1, Meta{}); err != nil {
		t.Fatal(err)
	}
	if _, err := locateState(ctx, &Options{Store: st}); err == nil || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), other) {
		t.Errorf("two state folders: err = %v, want one naming both", err)
	}
}

func TestNewStateIsUnguessable(t *testing.T) {
	ctx := context.Background()
	a, err := locateState(ctx, &Options{Store: &memStore{objects: map[string][]byte{}}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := locateState(ctx, &Options{Store: &memStore{objects: map[string][]byte{}}})
	if !a.fresh || !validStateID(a.id) || a.id == b.id || !strings.HasPrefix(a.prefix, StateDirPrefix) {
		t.Errorf("fresh states %q and %q: want two different random 32-hex ids under %s", a.prefix, b.prefix, StateDirPrefix)
	}
}

func TestSummaryString(t *testing.T) {
	s := Summary{Target: "s3://b", Uploaded: 12, Bytes: 34500, Skipped: 7, Deleted: 2, Purged: 3, Resumed: 4, Retries: 5, Duration: 1500 * time.Millisecond}
	want := "s3://b: uploaded 12 objects (34.5 kB), skipped 7, deleted 2, purged 3 URLs, 4 already sent by an interrupted run, 5 retries in 1.5s"
	if got := s.String(); got != want {
		t.Errorf("String() =\n%q, want\n%q", got, want)
	}
	s = Summary{Target: "s3://b", NoChange: true, Duration: 40 * time.Millisecond}
	if got := s.String(); got != "s3://b is up to date (no change) in 40ms" {
		t.Errorf("no-change String() = %q", got)
	}
}

// FuzzLocateState feeds object keys found in a target (anyone with write
// access to the bucket chooses them) to the state lookup: it never
// panics, and every journal segment it picks is in the state folder or
// the legacy journal.
func FuzzLocateState(f *testing.F) {
	f.Add(".regen/state-0123456789abcdef0123456789abcdef/journal/0000000001.gz\n.regen/journal/0000000002.gz")
	f.Add(".regen/state-0123456789abcdef0123456789abcdef/x\n.regen/state-fedcba9876543210fedcba9876543210/y")
	f.Add(".regen/manifest.ndjson.gz\n.regen/journal/-1.gz\n.regen/journal/99999999999999999999.gz\n.regen/journal/9999999999.gz\n.regen/journal/+000000001.gz")
	f.Fuzz(func(t *testing.T, keys string) {
		st := &memStore{objects: map[string][]byte{}}
		for _, k := range strings.Split(keys, "\n") {
			st.objects[k] = nil
		}
		s, err := locateState(context.Background(), &Options{Store: st})
		if err != nil {
			return
		}
		if !strings.HasPrefix(s.prefix, StateDirPrefix) || !validStateID(s.id) {
			t.Fatalf("state prefix %q", s.prefix)
		}
		for _, seg := range s.segments {
			if !strings.HasPrefix(seg, s.prefix+JournalDir) && !strings.HasPrefix(seg, legacyPrefix+JournalDir) {
				t.Fatalf("segment %q outside the state", seg)
			}
		}
		if s.next < 1 {
			t.Fatalf("next segment %d", s.next)
		}
	})
}
