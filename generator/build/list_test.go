package build

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/regdata"
)

// TestListDataMatchesRegdata checks the concurrent listing against
// regdata.Dir on real data and on a folder with every kind of misfit.
func TestListDataMatchesRegdata(t *testing.T) {
	messy := copyTree(t, testData)
	for p, content := range map[string]string{
		"providers/e/example/.hidden.json":          "{}",
		"providers/.git/config":                     "x",
		"providers/e/example/notes.txt":             "x",
		"providers/x/example/wrongshard.json":       "{}",
		"providers/e/toplevel.json":                 "{}",
		"providers/e/example/too/deep.json":         "{}",
		"modules/e/example/net/aws/extra/file.json": "{}",
		"modules/e/example/net/.swp":                "x",
		"modules/e/example/loose.json":              "{}",
		"modules/README.md":                         "x",
	} {
		full := filepath.Join(messy, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("widget.json", filepath.Join(messy, "providers/e/example/link.json")); err != nil {
		t.Fatal(err)
	}
	for _, root := range []string{testData, sampleData, messy, t.TempDir()} {
		d := regdata.Dir{Root: root}
		wantP, badP, err := d.Providers()
		if err != nil {
			t.Fatal(err)
		}
		wantM, badM, err := d.Modules()
		if err != nil {
			t.Fatal(err)
		}
		wantBad := append(badM, badP...)
		slices.Sort(wantBad)
		gotP, gotM, gotBad, err := listData(context.Background(), d)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(wantP, gotP); d != "" {
			t.Errorf("%s providers (-regdata +listData):\n%s", root, d)
		}
		if d := cmp.Diff(wantM, gotM); d != "" {
			t.Errorf("%s modules (-regdata +listData):\n%s", root, d)
		}
		if d := cmp.Diff(wantBad, gotBad); d != "" {
			t.Errorf("%s bad (-regdata +listData):\n%s", root, d)
		}
		if root == messy && len(gotBad) < 8 {
			t.Errorf("messy folder: only %d misfits found: %v", len(gotBad), gotBad)
		}
	}
}
