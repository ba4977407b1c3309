package validate

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/regen-registry/regen/regdata"
)

// FuzzDataFile feeds arbitrary bytes to the validator as a provider file,
// a module file, the blacklist or a key. It must not panic, every problem
// must name that file, and bytes that are not JSON must be an error.
func FuzzDataFile(f *testing.F) {
	f.Add(uint8(0), []byte(provider(f, nil)))
	f.Add(uint8(0), []byte(`{"versions":[{"version":"1.0","protocols":["4"],"targets":[{"os":"","size":-1,"h1":"h1:"}]}]}`))
	f.Add(uint8(1), []byte(module(f, nil)))
	f.Add(uint8(1), []byte(`{"versions":[{"version":"v1.0"},{"version":"1.0.0","commit":"zz"}]}`))
	f.Add(uint8(2), []byte(`{"providers":[{"namespace":"e","name":"x","version":"1"}],"modules":[{}]}`))
	f.Add(uint8(3), []byte(sampleKey(f)))
	f.Add(uint8(0), []byte("{\"versions\": [1, null, {\"targets\": {}}]}"))
	f.Add(uint8(1), []byte("null"))
	f.Add(uint8(2), []byte("{} x"))
	paths := []string{"providers/f/fuzz/p.json", "modules/f/fuzz/m/aws.json", regdata.BlacklistFile, "keys/f/fuzz/k.asc"}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		rel := paths[int(which)%len(paths)]
		root := t.TempDir()
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		rep := validateDir(t, regdata.Dir{Root: root}, Options{Jobs: 1})
		for _, pr := range rep.Problems {
			if pr.Path != rel {
				t.Errorf("problem names %q, not the file %q: %s", pr.Path, rel, pr)
			}
			if pr.Message == "" || (pr.Severity != Error && pr.Severity != Warning) {
				t.Errorf("malformed problem %+v", pr)
			}
		}
		if rel != paths[3] && !json.Valid(data) && rep.OK() {
			t.Errorf("invalid JSON %q passed validation", data)
		}
	})
}

// FuzzContent is the in-process part of FuzzDataFile, without a folder on
// disk, so the fuzzer runs it far faster.
func FuzzContent(f *testing.F) {
	f.Add([]byte(provider(f, nil)))
	f.Add([]byte(module(f, nil)))
	f.Add([]byte(`{"providers":[{"namespace":"e","name":"x","version":"1"}],"modules":[{}]}`))
	f.Add([]byte(`{"versions":[{"version":"v1.0","targets":[{"os":"linux","arch":"linux"},{"os":"linux","arch":"linux"}]}]} `))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, kind := range []func(c *fileCheck){
			func(c *fileCheck) { c.provider(data) },
			func(c *fileCheck) { c.module(data) },
			func(c *fileCheck) { c.blacklist(data) },
		} {
			c := &fileCheck{path: "the/file.json"}
			kind(c)
			for _, p := range c.problems {
				if p.Path != c.path || p.Message == "" {
					t.Errorf("bad problem %+v", p)
				}
			}
			if !json.Valid(data) && !slices.ContainsFunc(c.problems, func(p Problem) bool { return p.Severity == Error }) {
				t.Errorf("invalid JSON %q passed", data)
			}
		}
	})
}
