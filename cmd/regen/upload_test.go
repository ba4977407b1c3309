package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPrivateBuildAndOwnedUpload runs build and upload from a regen.yaml
// saying access: private, into a folder that holds a file regen did not
// publish.
func TestPrivateBuildAndOwnedUpload(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	www := filepath.Join(dir, "www")
	write(t, filepath.Join(dir, "registry-data/modules/a/acme/x/aws.json"), "{\"versions\": []}\n")
	write(t, filepath.Join(dir, "regen.yaml"), "host: registry.example.test\naccess: private\nupload:\n  target: file://"+www+"\n")
	write(t, filepath.Join(www, "backups/db.sql"), "-- not regen's\n")
	cfg := filepath.Join(dir, "regen.yaml")

	if _, err := runRegen(t, ctx, "--config", cfg, "build"); err != nil {
		t.Fatal(err)
	}
	settings, err := os.ReadFile(filepath.Join(dir, "dist/.regen/worker/src/build.js"))
	if err != nil || !strings.Contains(string(settings), `export const ACCESS = "private";`) {
		t.Errorf("the worker of a private build is not private (%v):\n%s", err, settings)
	}

	out, err := runRegen(t, ctx, "--config", cfg, "upload", "--dry-run")
	if err != nil || !strings.Contains(out, "objects regen did not publish (left alone") || !strings.Contains(out, "  backups/db.sql\n") {
		t.Errorf("dry run (%v) does not list the object regen did not publish:\n%s", err, out)
	}
	if _, err := runRegen(t, ctx, "--config", cfg, "upload"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(www, "backups/db.sql")); err != nil {
		t.Errorf("upload deleted a file it did not publish: %v", err)
	}
	if _, err := os.Stat(filepath.Join(www, ".regen/manifest.ndjson.gz")); !os.IsNotExist(err) {
		t.Errorf("upload state at a guessable name: %v", err)
	}
	if m, _ := filepath.Glob(filepath.Join(www, ".regen/state-*/manifest.ndjson.gz")); len(m) != 1 {
		t.Errorf("state manifests %v, want one in .regen/state-<random>/", m)
	}
	out, err = runRegen(t, ctx, "--config", cfg, "upload", "--dry-run", "--delete-unowned", "--verify")
	if err != nil || !strings.Contains(out, "(would be deleted)") || !strings.Contains(out, "  backups/db.sql\n") {
		t.Errorf("dry run --delete-unowned (%v):\n%s", err, out)
	}
}
