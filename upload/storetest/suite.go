package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/upload"
)

// Features tells the suite what an implementation keeps.
type Features struct {
	// Headers is true when the store keeps Content-Type and Cache-Control
	// (S3) and false when it cannot (a plain folder).
	Headers bool
	// ETagMD5 is true when listings and Head report the hex MD5 of the
	// content as ETag.
	ETagMD5 bool
}

// Run runs the suite; open must return a new empty store each call.
func Run(t *testing.T, open func(t *testing.T) upload.Store, f Features) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s upload.Store, f Features)
	}{
		{"PutGetHead", testPutGetHead},
		{"Overwrite", testOverwrite},
		{"NotFound", testNotFound},
		{"Delete", testDelete},
		{"List", testList},
		{"ListStops", testListStops},
		{"InvalidKeys", testInvalidKeys},
		{"SpecialKeys", testSpecialKeys},
		{"EmptyObject", testEmptyObject},
		{"AtomicOverwrite", testAtomicOverwrite},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t), f)
		})
	}
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func put(t *testing.T, s upload.Store, key string, body []byte, meta upload.Meta) {
	t.Helper()
	if meta.SHA256 == "" {
		meta.SHA256 = sum(body)
	}
	if err := s.Put(context.Background(), key, bytes.NewReader(body), int64(len(body)), meta); err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
}

func get(t *testing.T, s upload.Store, key string) []byte {
	t.Helper()
	rc, err := s.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("reading %q: %v", key, err)
	}
	return b
}

func list(t *testing.T, s upload.Store, prefix string) map[string]int64 {
	t.Helper()
	got := map[string]int64{}
	err := s.List(context.Background(), prefix, func(o upload.ObjectInfo) error {
		if _, dup := got[o.Key]; dup {
			return fmt.Errorf("key %q listed twice", o.Key)
		}
		got[o.Key] = o.Size
		return nil
	})
	if err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	return got
}

func testPutGetHead(t *testing.T, s upload.Store, f Features) {
	body := []byte(`{"versions":[{"version":"1.0.0"}]}` + "\n")
	meta := upload.Meta{ContentType: "application/json", CacheControl: "public, max-age=60", SHA256: sum(body)}
	put(t, s, "v1/providers/ns/t/versions", body, meta)
	if got := get(t, s, "v1/providers/ns/t/versions"); !bytes.Equal(got, body) {
		t.Fatalf("Get = %q, want %q", got, body)
	}
	info, err := s.Head(context.Background(), "v1/providers/ns/t/versions")
	if err != nil {
		t.Fatalf("Head: %v", err)
	}
	want := upload.ObjectInfo{Key: "v1/providers/ns/t/versions", Size: int64(len(body)), Meta: upload.Meta{SHA256: sum(body)}}
	if f.Headers {
		want.Meta.ContentType, want.Meta.CacheControl = meta.ContentType, meta.CacheControl
	}
	if f.ETagMD5 {
		want.ETag = md5hex(body)
	}
	if diff := cmp.Diff(want, info); diff != "" {
		t.Errorf("Head (-want +got):\n%s", diff)
	}
}

func testOverwrite(t *testing.T, s upload.Store, f Features) {
	put(t, s, "a/b", []byte("old content"), upload.Meta{ContentType: "text/plain", CacheControl: "no-store"})
	put(t, s, "a/b", []byte("new"), upload.Meta{ContentType: "application/json", CacheControl: "public, max-age=60"})
	if got := get(t, s, "a/b"); string(got) != "new" {
		t.Fatalf("after overwrite Get = %q, want %q", got, "new")
	}
	info, err := s.Head(context.Background(), "a/b")
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != 3 || info.Meta.SHA256 != sum([]byte("new")) {
		t.Errorf("Head after overwrite = %+v, want size 3 and the new sha256", info)
	}
	if f.Headers && (info.Meta.ContentType != "application/json" || info.Meta.CacheControl != "public, max-age=60") {
		t.Errorf("metadata not replaced: %+v", info.Meta)
	}
}

func testNotFound(t *testing.T, s upload.Store, _ Features) {
	ctx := context.Background()
	if _, err := s.Get(ctx, "missing/object"); !errors.Is(err, upload.ErrNotFound) {
		t.Errorf("Get(missing) error = %v, want ErrNotFound", err)
	}
	if _, err := s.Head(ctx, "missing/object"); !errors.Is(err, upload.ErrNotFound) {
		t.Errorf("Head(missing) error = %v, want ErrNotFound", err)
	}
	put(t, s, "dir/file", []byte("x"), upload.Meta{})
	// A "folder" is not an object, and a path below a file is missing.
	if _, err := s.Head(ctx, "dir"); !errors.Is(err, upload.ErrNotFound) {
		t.Errorf("Head(prefix of an object) error = %v, want ErrNotFound", err)
	}
	if _, err := s.Get(ctx, "dir/file/below"); !errors.Is(err, upload.ErrNotFound) {
		t.Errorf("Get(below an object) error = %v, want ErrNotFound", err)
	}
}

func testDelete(t *testing.T, s upload.Store, _ Features) {
	ctx := context.Background()
	if err := s.Delete(ctx, "never/existed"); err != nil {
		t.Errorf("Delete(missing) = %v, want nil", err)
	}
	put(t, s, "x/y/z", []byte("1"), upload.Meta{})
	put(t, s, "x/keep", []byte("2"), upload.Meta{})
	if err := s.Delete(ctx, "x/y/z"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Head(ctx, "x/y/z"); !errors.Is(err, upload.ErrNotFound) {
		t.Errorf("Head after Delete error = %v, want ErrNotFound", err)
	}
	if diff := cmp.Diff(map[string]int64{"x/keep": 1}, list(t, s, "")); diff != "" {
		t.Errorf("List after Delete (-want +got):\n%s", diff)
	}
	// The key is free again, as a file and as a folder.
	put(t, s, "x/y", []byte("3"), upload.Meta{})
	if err := s.Delete(ctx, "x/y"); err != nil {
		t.Fatal(err)
	}
	put(t, s, "x/y/z/w", []byte("4"), upload.Meta{})
}

func testList(t *testing.T, s upload.Store, _ Features) {
	objects := map[string]string{
		"v1/providers/ns/t/versions":                      "12345",
		"v1/providers/ns/t/1.0.0/download/linux/amd64":    "123",
		"v1/providers/ns/t2/versions":                     "1",
		"v1/providers.json":                               "12",
		"v1/modules/ns/n/aws/versions":                    "1234",
		".well-known/terraform.json":                      "123456",
		".regen/journal/0000000001.gz":                    "1234567",
		"mirror/registry.example.test/ns/t/index.json":    "12345678",
		"mirror/registry.example.test/ns/t/1.0.0.json":    "1",
		"mirror/registry.example.test/ns/t/1.0.0+b1.json": "22",
	}
	for k, v := range objects {
		put(t, s, k, []byte(v), upload.Meta{})
	}
	all := map[string]int64{}
	for k, v := range objects {
		all[k] = int64(len(v))
	}
	if diff := cmp.Diff(all, list(t, s, "")); diff != "" {
		t.Errorf("List(\"\") (-want +got):\n%s", diff)
	}
	for _, prefix := range []string{"v1/providers/", "v1/prov", "v1/providers/ns/t/", ".regen/journal/", "mirror/registry.example.test/ns/t/1.0.0", "nothing/here/", "zzz"} {
		want := map[string]int64{}
		for k, v := range all {
			if strings.HasPrefix(k, prefix) {
				want[k] = v
			}
		}
		if diff := cmp.Diff(want, list(t, s, prefix)); diff != "" {
			t.Errorf("List(%q) (-want +got):\n%s", prefix, diff)
		}
	}
}

func testListStops(t *testing.T, s upload.Store, _ Features) {
	for i := range 5 {
		put(t, s, fmt.Sprintf("k/%d", i), []byte("x"), upload.Meta{})
	}
	stop := errors.New("stop here")
	n := 0
	err := s.List(context.Background(), "", func(upload.ObjectInfo) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("List with a failing callback: err = %v after %d calls, want the callback's error after 1", err, n)
	}
}

func testInvalidKeys(t *testing.T, s upload.Store, _ Features) {
	for _, key := range []string{"", "/abs", "a//b", "a/../b", "../escape", "a/./b", "trailing/", "back\\slash", "ctl\x01"} {
		err := s.Put(context.Background(), key, bytes.NewReader([]byte("x")), 1, upload.Meta{})
		if err == nil {
			t.Errorf("Put(%q) succeeded, want an error", key)
		}
	}
	if got := list(t, s, ""); len(got) != 0 {
		t.Errorf("invalid keys left objects: %v", got)
	}
}

func testSpecialKeys(t *testing.T, s upload.Store, _ Features) {
	keys := []string{
		"v1/providers/ns/t/1.0.0+build.1/download/linux/amd64",
		"v1/modules/ns/with space/aws/versions",
		"v1/modules/ns/ünïcode/aws/versions",
		"v1/modules/ns/n/aws/v1.0.0~rc%2F1/download",
	}
	want := map[string]int64{}
	for i, k := range keys {
		body := []byte(strings.Repeat("x", i+1))
		put(t, s, k, body, upload.Meta{})
		want[k] = int64(len(body))
	}
	for i, k := range keys {
		if got := get(t, s, k); len(got) != i+1 {
			t.Errorf("Get(%q) = %q", k, got)
		}
	}
	if diff := cmp.Diff(want, list(t, s, "v1/")); diff != "" {
		t.Errorf("List (-want +got):\n%s", diff)
	}
}

func testEmptyObject(t *testing.T, s upload.Store, _ Features) {
	put(t, s, "empty", nil, upload.Meta{})
	if got := get(t, s, "empty"); len(got) != 0 {
		t.Errorf("Get(empty) = %q", got)
	}
	info, err := s.Head(context.Background(), "empty")
	if err != nil || info.Size != 0 {
		t.Errorf("Head(empty) = %+v, %v", info, err)
	}
}

// testAtomicOverwrite replaces an object repeatedly while readers check
// that they only ever see one of the complete versions.
func testAtomicOverwrite(t *testing.T, s upload.Store, _ Features) {
	const size = 256 << 10
	versions := [][]byte{bytes.Repeat([]byte("A"), size), bytes.Repeat([]byte("B"), size+7)}
	put(t, s, "hot/object", versions[0], upload.Meta{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var bad []string
	reads := 0
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				rc, err := s.Get(ctx, "hot/object")
				if err != nil {
					mu.Lock()
					bad = append(bad, "Get: "+err.Error())
					mu.Unlock()
					return
				}
				b, err := io.ReadAll(rc)
				rc.Close()
				mu.Lock()
				reads++
				if err != nil {
					bad = append(bad, "read: "+err.Error())
				} else if !bytes.Equal(b, versions[0]) && !bytes.Equal(b, versions[1]) {
					bad = append(bad, fmt.Sprintf("partial content: %d bytes", len(b)))
				}
				mu.Unlock()
			}
		}()
	}
	for i := range 40 {
		v := versions[(i+1)%2]
		if err := s.Put(ctx, "hot/object", bytes.NewReader(v), int64(len(v)), upload.Meta{SHA256: sum(v)}); err != nil {
			t.Errorf("Put #%d: %v", i, err)
			break
		}
	}
	close(done)
	wg.Wait()
	sort.Strings(bad)
	if len(bad) > 0 {
		t.Errorf("%d of %d reads saw a broken object, first: %s", len(bad), reads, bad[0])
	}
	if reads == 0 {
		t.Error("no read completed during the overwrites")
	}
}
