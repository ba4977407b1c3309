package ingest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/regen-registry/regen/modarchive"
)

// With archive mode on, ingest packages each new version once: a later
// run packages only the version that is new, and a version whose commit
// the server no longer has is recorded without a package.
func TestModuleArchivesFilledByIngest(t *testing.T) {
	e := newEnv(t)
	dir := filepath.Join(t.TempDir(), "registry-archives")
	addr := e.module("acme", "vpc", "aws")
	r := e.srv.NewRepo("acme", "terraform-aws-vpc")
	r.Tag("v1.0.0", r.Snapshot(vpcModule, "first"))
	on := func(o *Options) { o.Archives = &ArchiveOptions{Dir: dir} }

	mustNoFailures(t, e.run(on))
	store := modarchive.NewStore(dir)
	ctx := context.Background()
	idx, _, err := store.Index(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	first := idx["v1.0.0"]
	if first.SHA256 == "" || first.Files != len(vpcModule) {
		t.Fatalf("v1.0.0: %+v, want a package of %d files", first, len(vpcModule))
	}
	if _, err := os.Stat(store.Object(first.SHA256)); err != nil {
		t.Fatal(err)
	}

	e.advance(time.Hour)
	r.Tag("v1.1.0", r.Commit(map[string]string{"extra.tf": "# more\n"}, "second"))
	e.srv.ResetCounts()
	mustNoFailures(t, e.run(on, func(o *Options) { o.Full = true }))
	idx, _, err = store.Index(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	if idx["v1.0.0"] != first {
		t.Errorf("v1.0.0 changed: %+v, was %+v", idx["v1.0.0"], first)
	}
	if e := idx["v1.1.0"]; e.SHA256 == "" || e.SHA256 == first.SHA256 || e.Files != len(vpcModule)+1 {
		t.Errorf("v1.1.0: %+v, want a package of its own", e)
	}
	if n := e.srv.RequestCount("/acme/terraform-aws-vpc.git/git-upload-pack"); n != 1 {
		t.Errorf("second run: %d git fetches, want 1 (the new version only)", n)
	}
}
