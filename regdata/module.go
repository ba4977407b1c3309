package regdata

import (
	"encoding/json"
	"reflect"
	"slices"
)

// ModuleFile is modules/<c>/<namespace>/<name>/<system>.json.
type ModuleFile struct {
	// Repository overrides where the module's source lives
	// (default <github>/<namespace>/terraform-<system>-<name>).
	Repository string          `json:"repository,omitempty"`
	Versions   []ModuleVersion `json:"versions"`
	Warnings   []string        `json:"warnings,omitempty"`
	Extra      Extra           `json:"-"`
}

// ModuleVersion is one version (a git tag) of a module.
type ModuleVersion struct {
	// Version is the tag as written in the repository ("v1.2.0", "1.0").
	Version string `json:"version"`
	// Commit is the commit the tag pointed at when it was discovered (the
	// peeled commit for annotated tags). Old files lack it.
	Commit     string `json:"commit,omitempty"`
	Discovered string `json:"discovered,omitempty"` // RFC 3339
	Extra      Extra  `json:"-"`
}

type (
	plainModuleFile    ModuleFile
	plainModuleVersion ModuleVersion
)

var (
	moduleFileKeys    = knownKeys(reflect.TypeFor[ModuleFile]())
	moduleVersionKeys = knownKeys(reflect.TypeFor[ModuleVersion]())
)

// ParseModuleFile decodes a module data file. Members regen does not know
// are kept in the Extra fields.
func ParseModuleFile(data []byte) (*ModuleFile, error) {
	var fast struct {
		plainModuleFile
		Versions []plainModuleVersion `json:"versions"`
	}
	err := decodeStrict(data, &fast)
	if err == nil {
		mf := ModuleFile(fast.plainModuleFile)
		mf.Versions = make([]ModuleVersion, len(fast.Versions))
		for i, v := range fast.Versions {
			mf.Versions[i] = ModuleVersion(v)
		}
		return &mf, nil
	}
	if err != errUnknownMember {
		return nil, err
	}
	var mf ModuleFile
	if err := json.Unmarshal(data, &mf); err != nil {
		return nil, err
	}
	return &mf, nil
}

// UnmarshalJSON keeps unknown members in Extra.
func (f *ModuleFile) UnmarshalJSON(data []byte) error {
	if err := json.Unmarshal(data, (*plainModuleFile)(f)); err != nil {
		return err
	}
	var err error
	f.Extra, err = extraOf(data, moduleFileKeys)
	return err
}

// MarshalJSON writes known members in a fixed order, then unknown ones.
func (f ModuleFile) MarshalJSON() ([]byte, error) {
	if f.Versions == nil {
		f.Versions = []ModuleVersion{}
	}
	return marshalObject(plainModuleFile(f), f.Extra)
}

// UnmarshalJSON keeps unknown members in Extra.
func (v *ModuleVersion) UnmarshalJSON(data []byte) error {
	if err := json.Unmarshal(data, (*plainModuleVersion)(v)); err != nil {
		return err
	}
	var err error
	v.Extra, err = extraOf(data, moduleVersionKeys)
	return err
}

// MarshalJSON writes known members in a fixed order, then unknown ones.
func (v ModuleVersion) MarshalJSON() ([]byte, error) {
	return marshalObject(plainModuleVersion(v), v.Extra)
}

// Encode renders the file as regen writes it: versions newest first, fixed
// member order, unknown members kept.
func (f *ModuleFile) Encode() ([]byte, error) {
	c := *f
	c.Versions = slices.Clone(f.Versions)
	sortNewestFirst(c.Versions, func(v ModuleVersion) string { return v.Version })
	return encodeFile(c)
}

// Version returns the version whose normalised form equals the normalised
// v, or nil.
func (f *ModuleFile) Version(v string) *ModuleVersion {
	want, err := NormalizeVersion(v)
	if err != nil {
		return nil
	}
	for i := range f.Versions {
		if n, err := NormalizeVersion(f.Versions[i].Version); err == nil && n == want {
			return &f.Versions[i]
		}
	}
	return nil
}
