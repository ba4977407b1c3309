package validate

import "github.com/regen-registry/regen/regdata"

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
	})
	if !ok {
		return moduleFacts{}
	}
	if len(f.Versions) == 0 {
		c.versionsPresent(data)
	}
	raw := make([]string, len(f.Versions))
	for i, v := range f.Versions {
		raw[i] = v.Version
	}
	norm := c.versionList(raw, false)
	for i, v := range f.Versions {
		field := index("versions", i)
		c.commit(field, "commit", v.Commit)
		c.discovered(field, "discovered", v.Discovered)
	}
	return moduleFacts{parsed: true, versions: norm}
}
