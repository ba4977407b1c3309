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
	})
	if !ok {
		return providerFacts{}
	}
	if len(f.Versions) == 0 {
		c.versionsPresent(data)
	}
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
	c.protocols(field, "protocols", v.Protocols)
	c.httpsURL(field, "shasums_url", v.SHASumsURL)
	c.httpsURL(field, "shasums_signature_url", v.SHASumsSignatureURL)
	c.discovered(field, "discovered", v.Discovered)
	if len(v.Targets) == 0 {
		c.errorf(member(field, "targets"), "no targets: clients have nothing to download")
		return
	}
	targets := member(field, "targets")
	seen := make(map[[2]string]int, len(v.Targets))
	for j, t := range v.Targets {
		tf := index(targets, j)
		c.platformName(tf, "os", t.OS)
		c.platformName(tf, "arch", t.Arch)
		c.fileName(tf, "filename", t.Filename)
		c.httpsURL(tf, "download_url", t.DownloadURL)
		c.sha256Hex(tf, "shasum", t.SHASum)
		c.h1(tf, "h1", t.H1)
		if t.Size < 0 {
			c.errorf(member(tf, "size"), "negative size %d", t.Size)
		}
		if t.OS == "" || t.Arch == "" {
			continue
		}
		p := [2]string{t.OS, t.Arch}
		if k, dup := seen[p]; dup {
			c.errorf(tf, "duplicate platform %s/%s (also %s)", quote(t.OS), quote(t.Arch), index(targets, k))
			continue
		}
		seen[p] = j
	}
}
