package uploadtest

import (
	"path/filepath"
	"testing"
)

func TestSyntheticFilesCount(t *testing.T) {
	s := Scale{Providers: 13, ProviderVersions: 3, Platforms: 4, Modules: 7, ModuleVersions: 2}
	dir := filepath.Join(t.TempDir(), "d")
	if err := Build(dir, Synthetic(s)); err != nil {
		t.Fatal(err)
	}
	files, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != s.Files() {
		t.Errorf("built %d files, Scale.Files says %d", len(files), s.Files())
	}
	// A bump of every 5th provider and module changes, per provider: one
	// version's platforms and mirror document, both indexes; per module: a
	// download and the index; plus the provider listing (latest changed)
	// and the module listing stays.
	bumped := filepath.Join(t.TempDir(), "b")
	if err := Build(bumped, Bump(Synthetic(s), 5)); err != nil {
		t.Fatal(err)
	}
	changed, gone, err := Changed(dir, bumped)
	if err != nil {
		t.Fatal(err)
	}
	want := 3*(4+1+2) + 2*(1+1) + 1
	if changed != want || gone != 0 {
		t.Errorf("Changed = %d, %d; want %d, 0", changed, gone, want)
	}
}

func TestReferencesOfBuiltTreeExist(t *testing.T) {
	r := Synthetic(Scale{Providers: 3, ProviderVersions: 2, Platforms: 2, Modules: 2, ModuleVersions: 2})
	dir := filepath.Join(t.TempDir(), "d")
	if err := Build(dir, r); err != nil {
		t.Fatal(err)
	}
	files, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, key := range RootKeys(r) {
		body := readFile(t, filepath.Join(dir, key))
		refs, err := References(key, body)
		if err != nil {
			t.Fatal(err)
		}
		if len(refs) == 0 {
			t.Errorf("%s points at nothing", key)
		}
		for _, ref := range refs {
			n++
			if _, ok := files[ref]; !ok {
				t.Errorf("%s points at %s, not in the build", key, ref)
			}
		}
	}
	if n == 0 {
		t.Fatal("no references checked")
	}
}
