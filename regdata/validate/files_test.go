package validate

import (
	"testing"

	"github.com/regen-registry/regen/regdata"
)

// Options.Files checks only the named files, plus the checks spanning
// files that involve them and the blacklist.
func TestNamedFilesOnly(t *testing.T) {
	files := baseFiles(t)
	brokenProv := provider(t, func(f *regdata.ProviderFile) { f.Versions[0].Targets[0].SHASum = "x" })
	files["providers/b/broken/old.json"] = brokenProv           // pre-existing, not named
	files["providers/b/broken/Old.json"] = brokenProv           // collides with it; not named either
	files["modules/b/broken/.hidden/aws.json"] = "x"            // not named
	files["providers/n/new/thing.json"] = brokenProv            // named
	files["providers/n/new/Widget.json"] = provider(t, nil)     // named, no key
	files["providers/e/Example/widget.json"] = provider(t, nil) // named: collides with the unnamed provPath
	files["keys/n/new/bad.asc"] = "junk"                        // named
	files[regdata.BlacklistFile] = `{"providers":[{"namespace":"example","name":"widget","version":"7.0.0","reason":"x"}]}`
	d := folder(t, files)

	rep := validateDir(t, d, Options{Files: []string{
		"providers/n/new/thing.json", "./providers/n/new/Widget.json", "providers/e/Example/widget.json",
		"keys/n/new/bad.asc", "modules/n/new/gone/aws.json", "README.md",
	}})
	assertProblems(t, rep, []want{
		{Error, "providers/n/new/thing.json", "versions[0].targets[0].shasum", "not 64 hex digits"},
		{Warning, "providers/n/new/thing.json", "", "no signing key"},
		{Warning, "providers/n/new/Widget.json", "", "no signing key"},
		{Error, "providers/e/Example/widget.json", "", "collides with providers/e/example/widget.json"},
		{Error, provPath, "", "collides with providers/e/Example/widget.json"},
		{Error, "keys/n/new/bad.asc", "", "not an armored OpenPGP public key"},
		{Warning, "modules/n/new/gone/aws.json", "", "named file does not exist"},
		// The blacklist is always checked, reading the unnamed file it refers to.
		{Error, regdata.BlacklistFile, "providers[0].version", "does not list version 7.0.0"},
	})
	if rep.Providers != 3 || rep.Keys != 1 || rep.Modules != 0 {
		t.Errorf("counts: %s", rep.Summary())
	}

	// A named file inside a hidden folder reports the folder.
	rep = validateDir(t, d, Options{Files: []string{"modules/b/broken/.hidden/aws.json"}})
	assertProblems(t, rep, []want{
		{Error, "modules/b/broken/.hidden/", "", "hidden folder"},
		{Error, regdata.BlacklistFile, "providers[0].version", "does not list version 7.0.0"},
	})
}
