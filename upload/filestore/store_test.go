package filestore_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regen-registry/regen/upload"
	"github.com/regen-registry/regen/upload/filestore"
	"github.com/regen-registry/regen/upload/storetest"
)

func TestSuite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) upload.Store {
		s, err := filestore.New(filepath.Join(t.TempDir(), "root"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, storetest.Features{})
}

func TestPutLeavesNoTempFilesAndIsReadable(t *testing.T) {
	dir := t.TempDir()
	s, err := filestore.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(context.Background(), "a/b/c", strings.NewReader("hello"), 5, upload.Meta{}); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Join(dir, "a", "b"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "c" {
		t.Errorf("folder holds %v, want only c", entries)
	}
	fi, err := os.Stat(filepath.Join(dir, "a", "b", "c"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode = %v, want 0644 (a web server must read it)", fi.Mode().Perm())
	}
}

func TestPutSizeMismatch(t *testing.T) {
	s, err := filestore.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	err = s.Put(context.Background(), "k", strings.NewReader("abc"), 4, upload.Meta{})
	if err == nil || !strings.Contains(err.Error(), "want 4") {
		t.Fatalf("Put with a short body: err = %v, want a size error", err)
	}
	if _, err := s.Head(context.Background(), "k"); err == nil {
		t.Error("a failed Put left an object")
	}
}

func TestFileWhereFolderNeeded(t *testing.T) {
	s, err := filestore.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Put(ctx, "v1/modules/ns/n/aws/1.0.0", strings.NewReader("{}"), 2, upload.Meta{}); err != nil {
		t.Fatal(err)
	}
	err = s.Put(ctx, "v1/modules/ns/n/aws/1.0.0/download", strings.NewReader("{}"), 2, upload.Meta{})
	if err == nil || !strings.Contains(err.Error(), "v1/modules/ns/n/aws/1.0.0/download") || !strings.Contains(err.Error(), "file exists where a folder is needed") {
		t.Fatalf("err = %v, want a clear file/folder conflict naming the key", err)
	}
}
