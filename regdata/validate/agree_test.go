package validate

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/regen-registry/regen/regdata"
)

// FuzzRulesAgree checks that validate and publishing apply one set of
// rules: a file regdata cannot read (the build refuses it whole) has an
// error in validate, and for any file both can read, a version
// validate reports an error in is never published, and a version
// publishing leaves out for a value (not as a duplicate after
// normalisation) has an error in validate at the same field.
func FuzzRulesAgree(f *testing.F) {
	f.Add(false, []byte(provider(f, nil)))
	f.Add(false, []byte(provider(f, func(p *regdata.ProviderFile) {
		p.Versions[0].Targets[0].SHASum = "xyz"
		p.Versions[1].Targets[1].H1 = "h1:abc"
	})))
	f.Add(false, []byte(provider(f, func(p *regdata.ProviderFile) {
		p.Versions[0].Targets[1].DownloadURL = "::not a url::"
		p.Versions[1].Targets[0].OS = "Linux"
	})))
	f.Add(false, []byte(provider(f, func(p *regdata.ProviderFile) {
		p.Versions[1].Version = "1.1.0"
		p.Versions[0].Targets[1] = p.Versions[0].Targets[0]
	})))
	f.Add(false, []byte(provider(f, func(p *regdata.ProviderFile) { p.Versions[1].Version = "1.1" })))
	f.Add(false, []byte(provider(f, func(p *regdata.ProviderFile) { p.Repository = "::not a url::" })))
	f.Add(false, []byte(`{"versions":[{"version":"1.0.0","protocols":["x"],"targets":[]},{"version":""},{"version":"1.0.0-a~b"}]}`))
	f.Add(true, []byte(module(f, nil)))
	f.Add(true, []byte(module(f, func(m *regdata.ModuleFile) {
		m.Versions[0].Commit = "not-a-commit"
		m.Versions[1].Discovered = "yesterday"
	})))
	f.Add(true, []byte(module(f, func(m *regdata.ModuleFile) { m.Repository = "javascript:alert(1)" })))
	f.Add(true, []byte(`{"versions":[{"version":"v1.0"},{"version":"1.0.0","commit":"`+strings.Repeat("a", 40)+`"},{"version":"v1.0"}]}`))
	f.Fuzz(func(t *testing.T, isModule bool, data []byte) {
		c := &fileCheck{path: "f.json"}
		var dropped []regdata.Dropped
		var n int
		if isModule {
			if !c.module(data).parsed {
				return
			}
			m, err := regdata.ParseModuleFile(data)
			if err != nil {
				// The build refuses the whole file; validate must too.
				if !slices.ContainsFunc(c.problems, func(p Problem) bool { return p.Severity == Error }) {
					t.Fatalf("regdata cannot read the file (%v), validate reports no error", err)
				}
				return
			}
			_, dropped = regdata.PublishedModuleVersions(regdata.ModuleAddr{Namespace: "n", Name: "m", System: "aws"}, m, nil)
			n = len(m.Versions)
		} else {
			if !c.provider(data).parsed {
				return
			}
			p, err := regdata.ParseProviderFile(data)
			if err != nil {
				// The build refuses the whole file; validate must too.
				if !slices.ContainsFunc(c.problems, func(p Problem) bool { return p.Severity == Error }) {
					t.Fatalf("regdata cannot read the file (%v), validate reports no error", err)
				}
				return
			}
			_, dropped = regdata.PublishedProviderVersions(regdata.ProviderAddr{Namespace: "n", Type: "p"}, p, nil)
			n = len(p.Versions)
		}
		errorsAt := map[int][]string{} // version index → fields with errors
		repoError := false
		for _, p := range c.problems {
			if p.Severity != Error {
				continue
			}
			if p.Field == "repository" {
				repoError = true
			}
			if i, ok := versionIndex(p.Field); ok {
				errorsAt[i] = append(errorsAt[i], p.Field)
			}
		}
		droppedAt := map[int]regdata.Dropped{}
		for _, d := range dropped {
			if d.Field == "repository" {
				if !repoError {
					t.Errorf("publishing refuses the repository, validate does not: %s", d.Reason)
				}
				continue
			}
			i, ok := versionIndex(d.Field)
			if !ok {
				t.Fatalf("dropped %+v names no version", d)
			}
			droppedAt[i] = d
		}
		if repoError {
			if len(dropped) != n {
				t.Errorf("validate refuses the repository; %d of %d versions left out", len(dropped), n)
			}
			return
		}
		for i := range n {
			d, isDropped := droppedAt[i]
			if len(errorsAt[i]) > 0 && !isDropped {
				t.Errorf("versions[%d] published although validate reports errors at %v", i, errorsAt[i])
			}
			normalisedDup := strings.HasPrefix(d.Reason, "duplicate of ") && !strings.HasPrefix(d.Reason, "duplicate of versions[")
			if isDropped && !normalisedDup && !containsField(errorsAt[i], d.Field) {
				t.Errorf("versions[%d] left out for %s (%s), validate reports no error there (errors at %v)", i, d.Field, d.Reason, errorsAt[i])
			}
		}
	})
}

var versionField = regexp.MustCompile(`^versions\[(\d+)\]`)

// versionIndex returns i for a field "versions[i]…".
func versionIndex(field string) (int, bool) {
	m := versionField.FindStringSubmatch(field)
	if m == nil {
		return 0, false
	}
	i, err := strconv.Atoi(m[1])
	return i, err == nil
}

func containsField(fields []string, f string) bool {
	for _, x := range fields {
		if x == f {
			return true
		}
	}
	return false
}
