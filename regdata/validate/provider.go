package validate

import (
	"encoding/json"

	"github.com/regen-registry/regen/regdata"
)

// providerFacts is what the checks spanning files need from one provider
// file.
type providerFacts struct {
	parsed   bool
	releases bool
	versions []string // normalised; "" where unparsable
}

// provider checks the content of one provider file.
func (c *fileCheck) provider(data []byte) providerFacts {
	var f *regdata.ProviderFile
	ok := c.decode(data, providerShape, func(b []byte) (err error) {
		f, err = regdata.ParseProviderFile(b)
		return err
	}, func() bool { return providerHasExtra(f) })
	if !ok {
		return providerFacts{}
	}
	if len(f.Versions) == 0 {
		c.versionsPresent(data)
	}
	c.repository(f.Repository)
	raw := make([]string, len(f.Versions))
	for i, v := range f.Versions {
		raw[i] = v.Version
	}
	norm := c.versionList(raw, true)
	for i, v := range f.Versions {
		c.providerVersion(index("versions", i), v)
	}
	return providerFacts{parsed: true, releases: len(f.Versions) > 0, versions: norm}
}

// versionsPresent reports a file without a "versions" list (an empty list
// is fine: nothing released yet).
func (c *fileCheck) versionsPresent(data []byte) {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return
	}
	if v, ok := top["versions"]; !ok || string(v) == "null" {
		c.errorf("versions", "missing")
	}
}

func (c *fileCheck) providerVersion(field string, v regdata.ProviderVersion) {
	c.violations(regdata.ProviderVersionViolations(field, v))
	c.protocolOddities(field, v.Protocols)
	c.plainHTTP(field, "shasums_url", v.SHASumsURL)
	c.plainHTTP(field, "shasums_signature_url", v.SHASumsSignatureURL)
	for j, t := range v.Targets {
		c.plainHTTP(index(member(field, "targets"), j), "download_url", t.DownloadURL)
	}
}

// providerHasExtra reports whether a provider file has members regen does
// not model (kept in Extra fields).
func providerHasExtra(f *regdata.ProviderFile) bool {
	if len(f.Extra) > 0 {
		return true
	}
	for _, v := range f.Versions {
		if len(v.Extra) > 0 {
			return true
		}
		for _, t := range v.Targets {
			if len(t.Extra) > 0 {
				return true
			}
		}
	}
	for _, e := range f.VersionsErrors {
		if len(e.Extra) > 0 {
			return true
		}
	}
	return false
}
