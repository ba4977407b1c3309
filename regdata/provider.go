package regdata

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
)

// ProviderFile is providers/<c>/<namespace>/<type>.json.
type ProviderFile struct {
	// Repository overrides where releases are fetched from
	// (default <github>/<namespace>/terraform-provider-<type>).
	Repository string            `json:"repository,omitempty"`
	Versions   []ProviderVersion `json:"versions"`
	// VersionsErrors records versions that could not be ingested.
	VersionsErrors []VersionError `json:"versions_errors,omitempty"`
	Warnings       []string       `json:"warnings,omitempty"`
	Extra          Extra          `json:"-"`
}

// ProviderVersion is one released version of a provider.
type ProviderVersion struct {
	Version             string   `json:"version"`
	Protocols           []string `json:"protocols"`
	SHASumsURL          string   `json:"shasums_url"`
	SHASumsSignatureURL string   `json:"shasums_signature_url"`
	Targets             []Target `json:"targets"`
	Discovered          string   `json:"discovered,omitempty"` // RFC 3339
	Extra               Extra    `json:"-"`
}

// Target is one platform's package of a provider version.
type Target struct {
	OS          string `json:"os"`
	Arch        string `json:"arch"`
	Filename    string `json:"filename"`
	DownloadURL string `json:"download_url"`
	SHASum      string `json:"shasum"`         // hex SHA-256 of the zip ("zh:" hash)
	H1          string `json:"h1,omitempty"`   // "h1:" dirhash of the unpacked zip
	Size        int64  `json:"size,omitempty"` // bytes of the zip
	Extra       Extra  `json:"-"`
}

// VersionError records why a version could not be ingested, and when.
type VersionError struct {
	Version string `json:"version"`
	Message string `json:"message"`
	UTCTime string `json:"utc_time"`
	Extra   Extra  `json:"-"`
}

type (
	plainProviderFile    ProviderFile
	plainProviderVersion ProviderVersion
	plainTarget          Target
	plainVersionError    VersionError
)

var (
	providerFileKeys    = knownKeys(reflect.TypeFor[ProviderFile]())
	providerVersionKeys = knownKeys(reflect.TypeFor[ProviderVersion]())
	targetKeys          = knownKeys(reflect.TypeFor[Target]())
	versionErrorKeys    = knownKeys(reflect.TypeFor[VersionError]())
)

// ParseProviderFile decodes a provider data file. Members regen does not
// know are kept in the Extra fields.
func ParseProviderFile(data []byte) (*ProviderFile, error) {
	// Fast path: files with only known members (nearly all of them) decode
	// in one pass.
	var fast struct {
		plainProviderFile
		Versions []struct {
			plainProviderVersion
			Targets []plainTarget `json:"targets"`
		} `json:"versions"`
		VersionsErrors []plainVersionError `json:"versions_errors,omitempty"`
	}
	err := decodeStrict(data, &fast)
	if err == nil {
		pf := ProviderFile(fast.plainProviderFile)
		pf.Versions = make([]ProviderVersion, len(fast.Versions))
		for i, v := range fast.Versions {
			pv := ProviderVersion(v.plainProviderVersion)
			pv.Targets = make([]Target, len(v.Targets))
			for j, t := range v.Targets {
				pv.Targets[j] = Target(t)
			}
			pf.Versions[i] = pv
		}
		pf.VersionsErrors = make([]VersionError, len(fast.VersionsErrors))
		for i, e := range fast.VersionsErrors {
			pf.VersionsErrors[i] = VersionError(e)
		}
		if len(pf.VersionsErrors) == 0 {
			pf.VersionsErrors = nil
		}
		return &pf, nil
	}
	if err != errUnknownMember {
		return nil, err
	}
	var pf ProviderFile
	if err := json.Unmarshal(data, &pf); err != nil {
		return nil, err
	}
	return &pf, nil
}

// UnmarshalJSON keeps unknown members in Extra.
func (f *ProviderFile) UnmarshalJSON(data []byte) error {
	if err := json.Unmarshal(data, (*plainProviderFile)(f)); err != nil {
		return err
	}
	var err error
	f.Extra, err = extraOf(data, providerFileKeys)
	return err
}

// MarshalJSON writes known members in a fixed order, then unknown ones.
func (f ProviderFile) MarshalJSON() ([]byte, error) {
	if f.Versions == nil {
		f.Versions = []ProviderVersion{}
	}
	return marshalObject(plainProviderFile(f), f.Extra)
}

// UnmarshalJSON keeps unknown members in Extra.
func (v *ProviderVersion) UnmarshalJSON(data []byte) error {
	if err := json.Unmarshal(data, (*plainProviderVersion)(v)); err != nil {
		return err
	}
	var err error
	v.Extra, err = extraOf(data, providerVersionKeys)
	return err
}

// MarshalJSON writes known members in a fixed order, then unknown ones.
func (v ProviderVersion) MarshalJSON() ([]byte, error) {
	if v.Protocols == nil {
		v.Protocols = []string{}
	}
	if v.Targets == nil {
		v.Targets = []Target{}
	}
	return marshalObject(plainProviderVersion(v), v.Extra)
}

// UnmarshalJSON keeps unknown members in Extra.
func (t *Target) UnmarshalJSON(data []byte) error {
	if err := json.Unmarshal(data, (*plainTarget)(t)); err != nil {
		return err
	}
	var err error
	t.Extra, err = extraOf(data, targetKeys)
	return err
}

// MarshalJSON writes known members in a fixed order, then unknown ones.
func (t Target) MarshalJSON() ([]byte, error) {
	return marshalObject(plainTarget(t), t.Extra)
}

// UnmarshalJSON keeps unknown members in Extra.
func (e *VersionError) UnmarshalJSON(data []byte) error {
	if err := json.Unmarshal(data, (*plainVersionError)(e)); err != nil {
		return err
	}
	var err error
	e.Extra, err = extraOf(data, versionErrorKeys)
	return err
}

// MarshalJSON writes known members in a fixed order, then unknown ones.
func (e VersionError) MarshalJSON() ([]byte, error) {
	return marshalObject(plainVersionError(e), e.Extra)
}

// Encode renders the file as regen writes it: versions newest first,
// targets sorted by os then arch, fixed member order, unknown members kept.
func (f *ProviderFile) Encode() ([]byte, error) {
	c := *f
	c.Versions = slices.Clone(f.Versions)
	sortNewestFirst(c.Versions, func(v ProviderVersion) string { return v.Version })
	for i := range c.Versions {
		ts := slices.Clone(c.Versions[i].Targets)
		slices.SortStableFunc(ts, func(a, b Target) int {
			if c := strings.Compare(a.OS, b.OS); c != 0 {
				return c
			}
			return strings.Compare(a.Arch, b.Arch)
		})
		c.Versions[i].Targets = ts
	}
	return encodeFile(c)
}

// Version returns the version whose normalised form equals the normalised
// v, or nil.
func (f *ProviderFile) Version(v string) *ProviderVersion {
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
