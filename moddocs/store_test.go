package moddocs

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/regen-registry/regen/regdata"
)

func fixedClock() time.Time { return time.Date(2025, 1, 2, 3, 4, 5, 600, time.UTC) }

func TestStorePutGet(t *testing.T) {
	ctx := context.Background()
	s := NewStore(t.TempDir(), fixedClock)
	addr := regdata.ModuleAddr{Namespace: "Acme", Name: "Full", System: "aws"}
	d := extractDir(t, "testdata/src/full")

	if has, err := s.Has(ctx, addr, "v1.0.0"); err != nil || has {
		t.Fatalf("Has on an empty store = %v, %v", has, err)
	}
	if _, err := s.Get(ctx, addr, "v1.0.0"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get on an empty store: %v, want ErrNotFound", err)
	}

	h1, err := s.Put(ctx, addr, "v1.0.0", "1111111111111111111111111111111111111111", d)
	if err != nil {
		t.Fatal(err)
	}
	// A second version with the same docs shares the object.
	h2, err := s.Put(ctx, addr, "v1.0.1", "2222222222222222222222222222222222222222", d)
	if err != nil {
		t.Fatal(err)
	}
	if h1 != h2 {
		t.Errorf("identical docs got different objects %s and %s", h1, h2)
	}
	objects, _ := filepath.Glob(filepath.Join(s.Dir(), "objects", "*", "*.json.gz"))
	if len(objects) != 1 || filepath.Base(objects[0]) != h1+".json.gz" || filepath.Base(filepath.Dir(objects[0])) != h1[:2] {
		t.Errorf("objects = %v, want one named by %s", objects, h1)
	}

	got, err := s.Get(ctx, addr, "v1.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(d, got); diff != "" {
		t.Errorf("Get returned a different Doc (-put +got):\n%s", diff)
	}
	if has, _ := s.Has(ctx, addr, "v1.0.0"); !has {
		t.Error("Has after Put = false")
	}

	// Index: lower-cased path, both versions, commit and time recorded.
	raw, err := os.ReadFile(filepath.Join(s.Dir(), "index", "acme", "full", "aws.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(`{
  "versions": {
    "v1.0.0": {
      "object": "%s",
      "commit": "1111111111111111111111111111111111111111",
      "format": 1,
      "extracted": "2025-01-02T03:04:05Z"
    },
    "v1.0.1": {
      "object": "%s",
      "commit": "2222222222222222222222222222222222222222",
      "format": 1,
      "extracted": "2025-01-02T03:04:05Z"
    }
  }
}
`, h1, h1)
	if diff := cmp.Diff(want, string(raw)); diff != "" {
		t.Errorf("index file (-want +got):\n%s", diff)
	}

	// The object is gzip'd canonical JSON whose sha256 is its name.
	zb, _ := os.ReadFile(objects[0])
	zr, err := gzip.NewReader(bytes.NewReader(zb))
	if err != nil {
		t.Fatal(err)
	}
	var plain bytes.Buffer
	if _, err := plain.ReadFrom(zr); err != nil {
		t.Fatal(err)
	}
	canon, _ := MarshalCanonical(d)
	if !bytes.Equal(plain.Bytes(), canon) {
		t.Error("stored object is not the canonical JSON")
	}

	// Nothing but the index and the object: no temporary files left.
	var files []string
	filepath.WalkDir(s.Dir(), func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			rel, _ := filepath.Rel(s.Dir(), p)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	if len(files) != 2 {
		t.Errorf("store files = %v", files)
	}
}

func TestStoreWritesAreDeterministic(t *testing.T) {
	ctx := context.Background()
	d := extractDir(t, "testdata/src/full")
	addr := regdata.ModuleAddr{Namespace: "acme", Name: "full", System: "aws"}
	var trees [2]map[string]string
	for i := range trees {
		s := NewStore(t.TempDir(), fixedClock)
		for _, v := range []string{"v2.0.0", "v1.0.0", "v1.5.0"} {
			if _, err := s.Put(ctx, addr, v, "", d); err != nil {
				t.Fatal(err)
			}
		}
		trees[i] = map[string]string{}
		filepath.WalkDir(s.Dir(), func(p string, e os.DirEntry, err error) error {
			if err == nil && !e.IsDir() {
				b, _ := os.ReadFile(p)
				rel, _ := filepath.Rel(s.Dir(), p)
				trees[i][rel] = string(b)
			}
			return err
		})
	}
	if diff := cmp.Diff(trees[0], trees[1]); diff != "" {
		t.Errorf("two stores written the same way differ:\n%s", diff)
	}
}

func TestStoreRecordedError(t *testing.T) {
	ctx := context.Background()
	s := NewStore(t.TempDir(), fixedClock)
	addr := regdata.ModuleAddr{Namespace: "acme", Name: "gone", System: "aws"}
	if err := s.PutError(ctx, addr, "v1.0.0", "", errors.New("fetching https://git.example/acme/gone: repository not found")); err != nil {
		t.Fatal(err)
	}
	if has, _ := s.Has(ctx, addr, "v1.0.0"); !has {
		t.Error("a recorded error does not count as extracted")
	}
	_, err := s.Get(ctx, addr, "v1.0.0")
	var rec *RecordedError
	if !errors.As(err, &rec) || !strings.Contains(rec.Message, "repository not found") {
		t.Fatalf("Get = %v, want a RecordedError", err)
	}
}

func TestStoreStaleFormatIsNotHad(t *testing.T) {
	ctx := context.Background()
	s := NewStore(t.TempDir(), fixedClock)
	addr := regdata.ModuleAddr{Namespace: "acme", Name: "old", System: "aws"}
	old := &Doc{Format: Format - 1}
	if _, err := s.Put(ctx, addr, "v1.0.0", "", old); err != nil {
		t.Fatal(err)
	}
	e, ok, err := s.Lookup(ctx, addr, "v1.0.0")
	if err != nil || !ok || e.Current() {
		t.Fatalf("Lookup = %+v %v %v", e, ok, err)
	}
	if has, _ := s.Has(ctx, addr, "v1.0.0"); has {
		t.Error("Has is true for an entry made with older extraction rules")
	}
}

func TestStoreDetectsCorruptObject(t *testing.T) {
	ctx := context.Background()
	s := NewStore(t.TempDir(), fixedClock)
	addr := regdata.ModuleAddr{Namespace: "acme", Name: "x", System: "aws"}
	h, err := s.Put(ctx, addr, "v1.0.0", "", &Doc{Format: Format})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(`{"format":1,"withheld":true}`))
	zw.Close()
	if err := os.WriteFile(filepath.Join(s.Dir(), filepath.FromSlash(ObjectPath(h))), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, addr, "v1.0.0"); err == nil || !strings.Contains(err.Error(), "does not match its hash") {
		t.Fatalf("Get of a tampered object = %v", err)
	}
}

func TestStoreRefusesBadAddresses(t *testing.T) {
	ctx := context.Background()
	s := NewStore(t.TempDir(), fixedClock)
	for _, a := range []regdata.ModuleAddr{
		{Namespace: "..", Name: "x", System: "aws"},
		{Namespace: "a/b", Name: "x", System: "aws"},
		{Namespace: "acme", Name: "", System: "aws"},
		{Namespace: ".hidden", Name: "x", System: "aws"},
	} {
		if _, err := s.Put(ctx, a, "v1", "", &Doc{Format: Format}); err == nil {
			t.Errorf("Put(%+v) succeeded", a)
		}
	}
	if _, err := s.Put(ctx, regdata.ModuleAddr{Namespace: "a", Name: "b", System: "c"}, "", "", &Doc{}); err == nil {
		t.Error("Put with an empty version succeeded")
	}
	if _, err := s.Object(ctx, "../../etc/passwd"); err == nil {
		t.Error("Object accepted a path")
	}
}

func TestStoreReadsBadIndexWithClearError(t *testing.T) {
	ctx := context.Background()
	s := NewStore(t.TempDir(), fixedClock)
	addr := regdata.ModuleAddr{Namespace: "acme", Name: "x", System: "aws"}
	write(t, filepath.Join(s.Dir(), "index", "acme", "x", "aws.json"), `{"versions":{"v1":{"object":"../x"}}}`)
	if _, err := s.Index(ctx, addr); err == nil || !strings.Contains(err.Error(), "index/acme/x/aws.json") {
		t.Errorf("Index of a bad file = %v, want an error naming it", err)
	}
}

func TestStoreConcurrentPuts(t *testing.T) {
	ctx := context.Background()
	s := NewStore(t.TempDir(), fixedClock)
	addr := regdata.ModuleAddr{Namespace: "acme", Name: "busy", System: "aws"}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			d := &Doc{Format: Format, Warnings: []string{fmt.Sprint(i % 5)}}
			if _, err := s.Put(ctx, addr, fmt.Sprintf("v1.0.%d", i), "", d); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	idx, err := s.Index(ctx, addr)
	if err != nil || len(idx) != 20 {
		t.Fatalf("index has %d entries (%v), want 20", len(idx), err)
	}
	objects, _ := filepath.Glob(filepath.Join(s.Dir(), "objects", "*", "*.json.gz"))
	if len(objects) != 5 {
		t.Errorf("%d objects, want 5 distinct docs", len(objects))
	}
}

func TestDefaultDir(t *testing.T) {
	got := DefaultDir("/srv/registry/registry-data")
	if got != "/srv/registry/registry-docs" {
		t.Errorf("DefaultDir = %q", got)
	}
}

func TestStoreGetterSharesObjects(t *testing.T) {
	ctx := context.Background()
	s := NewStore(t.TempDir(), fixedClock)
	a := regdata.ModuleAddr{Namespace: "acme", Name: "vpc", System: "aws"}
	d := &Doc{Format: Format, Root: Module{Readme: "# vpc"}}
	for _, v := range []string{"v1.0.0", "v1.1.0"} {
		if _, err := s.Put(ctx, a, v, "c0ffee", d); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutError(ctx, a, "v0.1.0", "dead", errors.New("gone")); err != nil {
		t.Fatal(err)
	}
	get, err := s.Getter(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	d1, err1 := get("v1.0.0")
	d2, err2 := get("v1.1.0")
	if err1 != nil || err2 != nil || d1 != d2 || d1.Root.Readme != "# vpc" {
		t.Errorf("versions sharing a Doc: %v %v %p %p", err1, err2, d1, d2)
	}
	var rec *RecordedError
	if _, err := get("v0.1.0"); !errors.As(err, &rec) {
		t.Errorf("recorded error: %v", err)
	}
	if _, err := get("v9.9.9"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing version: %v", err)
	}
	want, err := s.Get(ctx, a, "v1.1.0")
	if err != nil || want.Root.Readme != d2.Root.Readme {
		t.Errorf("Get and Getter disagree: %v", err)
	}
}
