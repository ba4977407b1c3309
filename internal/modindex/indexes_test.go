package modindex

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regen-registry/regen/regdata"
)

func TestIndexesRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	x := New(dir, func(e string) error {
		if e == "bad" {
			return errors.New("refused")
		}
		return nil
	})
	addr := regdata.ModuleAddr{Namespace: "Acme", Name: "vpc", System: "aws"}
	if got, d, err := x.Read(ctx, addr); err != nil || len(got) != 0 || d != "" {
		t.Fatalf("empty store: %v %q %v", got, d, err)
	}
	if err := x.Set(addr, "1.0.0", "one"); err != nil {
		t.Fatal(err)
	}
	got, d, err := x.Read(ctx, addr)
	if err != nil || got["1.0.0"] != "one" || len(d) != 64 {
		t.Fatalf("after Set: %v %q %v", got, d, err)
	}
	if d2, err := x.Digest(ctx, addr); err != nil || d2 != d {
		t.Errorf("Digest %q %v, Read's %q", d2, err, d)
	}
	if _, err := os.Stat(filepath.Join(dir, "index", "acme", "vpc", "aws.json")); err != nil {
		t.Errorf("index not at its lower-cased path: %v", err)
	}
	if err := x.Set(addr, "", "x"); err == nil {
		t.Error("an empty version was recorded")
	}
	if err := x.Set(addr, "2.0.0", "bad"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := x.Read(ctx, addr); err == nil || !strings.Contains(err.Error(), `version "2.0.0": refused`) {
		t.Errorf("an index with a refused entry read: %v", err)
	}
	if _, err := Path(regdata.ModuleAddr{Namespace: "..", Name: "a", System: "b"}); err == nil {
		t.Error("Path accepted a namespace of ..")
	}
}
