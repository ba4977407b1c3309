package validate

import (
	"slices"

	"github.com/regen-registry/regen/regdata"
)

// moduleFacts is what the checks spanning files need from one module file.
type moduleFacts struct {
	parsed   bool
	versions []string // normalised; "" where unparsable
}

// module checks the content of one module file.
func (c *fileCheck) module(data []byte) moduleFacts {
	var f *regdata.ModuleFile
	ok := c.decode(data, moduleShape, func(b []byte) (err error) {
		f, err = regdata.ParseModuleFile(b)
		return err
	}, func() bool {
		if len(f.Extra) > 0 {
			return true
		}
		return slices.ContainsFunc(f.Versions, func(v regdata.ModuleVersion) bool { return len(v.Extra) > 0 })
	})
	if !ok {
		return moduleFacts{}
	}
	if len(f.Versions) == 0 {
		c.versionsPresent(data)
	}
	c.repository(f.Repository)
	raw := make([]string, len(f.Versions))
	for i, v := range f.Versions {
		raw[i] = v.Version
	}
	norm := c.versionList(raw, false)
	for i, v := range f.Versions {
		c.violations(regdata.ModuleVersionViolations(index("versions", i), v))
	}
	return moduleFacts{parsed: true, versions: norm}
}
