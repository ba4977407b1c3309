package moddocs

import (
	"context"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

func TestLicenseMatrix(t *testing.T) {
	text := func(name string) []byte { return []byte(readFile(t, "testdata/licenses/"+name)) }
	cases := []struct {
		name    string
		files   map[string][]byte
		want    []string // "file:SPDX"
		publish bool
	}{
		{"MIT in LICENSE", map[string][]byte{"LICENSE": text("mit.txt")}, []string{"LICENSE:MIT"}, true},
		{"Apache in LICENSE.md", map[string][]byte{"LICENSE.md": text("apache-2.0.txt")}, []string{"LICENSE.md:Apache-2.0"}, true},
		{"MPL in LICENSE.txt", map[string][]byte{"LICENSE.txt": text("mpl-2.0.txt")}, []string{"LICENSE.txt:MPL-2.0"}, true},
		{"BSD-3 in LICENCE", map[string][]byte{"LICENCE": text("bsd-3-clause.txt")}, []string{"LICENCE:BSD-3-Clause"}, true},
		{"GPL-3 in COPYING", map[string][]byte{"COPYING": text("gpl-3.0.txt")}, []string{"COPYING:GPL-3.0"}, true},
		{"proprietary text", map[string][]byte{"LICENSE": text("proprietary.txt")}, nil, false},
		{"source-available BUSL", map[string][]byte{"LICENSE": text("busl-1.1.txt")}, []string{"LICENSE:BUSL-1.1"}, false},
		{"no licence file", map[string][]byte{"README.md": []byte("# MIT licensed, trust me")}, nil, false},
		{"dual MIT and Apache", map[string][]byte{"LICENSE-MIT": text("mit.txt"), "LICENSE-APACHE": text("apache-2.0.txt")},
			[]string{"LICENSE-APACHE:Apache-2.0", "LICENSE-MIT:MIT"}, true},
		{"MIT plus an incompatible second licence", map[string][]byte{"LICENSE": text("mit.txt"), "COPYING": text("busl-1.1.txt")},
			[]string{"COPYING:BUSL-1.1", "LICENSE:MIT"}, false},
		{"third-party notices ignored", map[string][]byte{"LICENSE": text("mit.txt"), "THIRD_PARTY_LICENSES.txt": text("busl-1.1.txt"), "NOTICE": text("busl-1.1.txt")},
			[]string{"LICENSE:MIT"}, true},
		{"licence below the root ignored", map[string][]byte{"LICENSE": text("mit.txt"), "vendor/x/LICENSE": text("busl-1.1.txt")},
			[]string{"LICENSE:MIT"}, true},
		{"lower-case copying.md", map[string][]byte{"copying.md": text("gpl-3.0.txt")}, []string{"copying.md:GPL-3.0"}, true},
	}
	x := testExtractor(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{"main.tf": {Data: []byte(`variable "v" {}`)}}
			for n, b := range c.files {
				fsys[n] = &fstest.MapFile{Data: b}
			}
			d, err := x.Extract(context.Background(), fsys)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range d.Licenses {
				got = append(got, l.File+":"+l.SPDX)
				if l.Confidence < MinLicenseConfidence || l.Confidence > 1 {
					t.Errorf("%s confidence %v", l.SPDX, l.Confidence)
				}
				if l.Compatible != DefaultPolicy().Allows(l.SPDX) {
					t.Errorf("%s: Compatible = %v", l.SPDX, l.Compatible)
				}
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("licences (-want +got):\n%s", diff)
			}
			if d.Withheld == c.publish {
				t.Errorf("withheld = %v, want %v", d.Withheld, !c.publish)
			}
			if c.publish != (len(d.Root.Inputs) == 1) {
				t.Errorf("inputs = %+v with publish %v", d.Root.Inputs, c.publish)
			}
		})
	}
}

func TestIsLicenseFile(t *testing.T) {
	yes := []string{"LICENSE", "License", "LICENCE", "LICENSE.md", "LICENSE.txt", "LICENSE.rst", "LICENSE-MIT", "LICENSE.APACHE",
		"COPYING", "COPYING.md", "COPYING.LESSER", "COPYRIGHT", "UNLICENSE", "MIT-LICENSE", "APACHE-LICENSE-2.0", "GPL-LICENSE", "license.markdown"}
	no := []string{"THIRD_PARTY_LICENSES.txt", "THIRD_PARTY_LICENSE", "3RD_PARTY_LICENSES", "NOTICE", "PATENTS", "README.md", "licenses", "LICENSES.md", "main.tf", "LICENSE_HEADER.go.tmpl", "LICENSE-HEADER.txt"}
	for _, n := range yes {
		if !IsLicenseFile(n) {
			t.Errorf("IsLicenseFile(%q) = false", n)
		}
	}
	for _, n := range no {
		if IsLicenseFile(n) {
			t.Errorf("IsLicenseFile(%q) = true", n)
		}
	}
}

func TestSPDXFor(t *testing.T) {
	for in, want := range map[string]string{
		"MIT": "MIT", "GPL-3.0": "GPL-3.0", "BSD-0-Clause": "0BSD", "Business-Source-License-1.1": "BUSL-1.1",
		"Commons-Clause": "LicenseRef-Commons-Clause", "unicode_org": "LicenseRef-unicode-org", "LicenseRef-nacl": "LicenseRef-nacl",
	} {
		if got := SPDXFor(in); got != want {
			t.Errorf("SPDXFor(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPolicy(t *testing.T) {
	mit := []License{{SPDX: "MIT"}}
	busl := []License{{SPDX: "MIT"}, {SPDX: "BUSL-1.1"}}
	cases := []struct {
		name        string
		p           Policy
		ls          []License
		want        bool
		validateErr bool
	}{
		{"zero policy is the default", Policy{}, mit, true, false},
		{"default refuses BUSL", Policy{}, busl, false, false},
		{"default refuses no licence", Policy{}, nil, false, false},
		{"case-insensitive", Policy{Allowed: []string{"mit"}}, mit, true, false},
		{"empty list allows nothing", Policy{Allowed: []string{}}, mit, false, false},
		{"star allows everything", Policy{Allowed: []string{"*"}}, busl, true, false},
		{"star allows no licence", Policy{Allowed: []string{"*"}}, nil, true, false},
		{"GPL-3.0-or-later spelled out", Policy{}, []License{{SPDX: "GPL-3.0-or-later"}}, true, false},
		{"bad id", Policy{Allowed: []string{"MIT", "not an id"}}, mit, true, true},
		{"star mixed with ids is invalid", Policy{Allowed: []string{"*", "MIT"}}, mit, true, true},
	}
	for _, c := range cases {
		if got := c.p.Redistributable(c.ls); got != c.want {
			t.Errorf("%s: Redistributable = %v, want %v", c.name, got, c.want)
		}
		if err := c.p.Validate(); (err != nil) != c.validateErr {
			t.Errorf("%s: Validate = %v", c.name, err)
		}
	}
	if err := DefaultPolicy().Validate(); err != nil {
		t.Errorf("default policy invalid: %v", err)
	}
}

func TestPolicyApplyTightensStoredDoc(t *testing.T) {
	d := extractDir(t, "testdata/src/full")
	Policy{Allowed: []string{"Apache-2.0"}}.Apply(d)
	if !d.Withheld || d.Licenses[0].Compatible || d.Root.Readme != "" || len(d.Root.Inputs) != 0 || len(d.Submodules) != 3 {
		t.Fatalf("after a stricter policy: %+v", d)
	}
	if d.Root.Inputs == nil || d.Submodules[0].Outputs == nil {
		t.Error("withheld lists are nil, want empty")
	}
}

// TestLicenseDetectorConcurrent classifies from several goroutines with a
// shared detector; under -race it catches unguarded use of the classifier
// (whose diff library writes into the shared corpus).
func TestLicenseDetectorConcurrent(t *testing.T) {
	det, err := sharedDetector()
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"mit.txt", "apache-2.0.txt", "mpl-2.0.txt", "gpl-3.0.txt"}
	want := []string{"MIT", "Apache-2.0", "MPL-2.0", "GPL-3.0"}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			n := i % len(texts)
			ls := det.Classify("LICENSE", []byte(readFile(t, "testdata/licenses/"+texts[n])))
			if len(ls) != 1 || ls[0].SPDX != want[n] {
				t.Errorf("goroutine %d: %+v, want %s", i, ls, want[n])
			}
		})
	}
	wg.Wait()
}
