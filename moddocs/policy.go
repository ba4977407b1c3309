package moddocs

import (
	"fmt"
	"regexp"
	"strings"
)

// Policy decides which licences allow regen to republish a module's
// documentation (README, inputs, outputs…). Like the OpenTofu registry, a
// version is published with documentation only if at least one licence was
// found and every licence found is allowed; otherwise its documentation is
// withheld (its versions are still published).
type Policy struct {
	// Allowed lists SPDX identifiers, compared case-insensitively. The
	// single entry "*" allows everything, even no licence at all (for
	// private registries that republish nothing). A nil list means
	// DefaultAllowedLicenses; an empty non-nil list allows nothing.
	Allowed []string
}

// DefaultAllowedLicenses returns the default allowlist: the OSI-approved
// permissive licences and the weak and strong copyleft ones commonly found
// on Terraform modules, all of which allow redistribution of the text.
// GPL and LGPL appear with every SPDX spelling (the classifier reports the
// bare "GPL-3.0"; authors write "GPL-3.0-or-later" in SPDX headers).
// Source-available licences (BUSL-1.1, SSPL-1.0, Elastic-2.0,
// Commons-Clause), non-commercial and no-derivatives Creative Commons
// licences and unknown texts are not in it.
func DefaultAllowedLicenses() []string {
	ids := []string{
		"0BSD", "Apache-2.0", "BSD-2-Clause", "BSD-2-Clause-Patent", "BSD-3-Clause",
		"BSL-1.0", "CC0-1.0", "CC-BY-4.0", "ISC", "MIT", "MIT-0", "MPL-2.0",
		"MPL-2.0-no-copyleft-exception", "PostgreSQL", "UPL-1.0", "Unlicense", "Zlib",
		"EPL-2.0", "AGPL-3.0", "AGPL-3.0-only", "AGPL-3.0-or-later",
	}
	for _, v := range []string{"GPL-2.0", "GPL-3.0", "LGPL-2.1", "LGPL-3.0"} {
		ids = append(ids, v, v+"-only", v+"-or-later", v+"+")
	}
	return ids
}

// DefaultPolicy returns the policy with DefaultAllowedLicenses.
func DefaultPolicy() Policy { return Policy{Allowed: DefaultAllowedLicenses()} }

var spdxIDRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.+-]*$`)

// Validate checks that every entry looks like an SPDX identifier (or is
// "*"), naming the first bad one.
func (p Policy) Validate() error {
	for i, id := range p.Allowed {
		if id == "*" && len(p.Allowed) == 1 {
			continue
		}
		if !spdxIDRE.MatchString(id) {
			return fmt.Errorf("licence allowlist entry %d (%q) is not an SPDX identifier", i+1, id)
		}
	}
	return nil
}

func (p Policy) list() []string {
	if p.Allowed == nil {
		return DefaultAllowedLicenses()
	}
	return p.Allowed
}

func (p Policy) allowsAll() bool {
	l := p.list()
	return len(l) == 1 && l[0] == "*"
}

// Allows reports whether one SPDX identifier is allowed.
func (p Policy) Allows(spdx string) bool {
	if p.allowsAll() {
		return true
	}
	for _, a := range p.list() {
		if strings.EqualFold(a, spdx) {
			return true
		}
	}
	return false
}

// Redistributable reports whether documentation under these licences may
// be republished: at least one licence, all allowed.
func (p Policy) Redistributable(ls []License) bool {
	if p.allowsAll() {
		return true
	}
	if len(ls) == 0 {
		return false
	}
	for _, l := range ls {
		if !p.Allows(l.SPDX) {
			return false
		}
	}
	return true
}

// Apply marks each licence of d as compatible or not and, when the
// documentation is not redistributable, withholds it: READMEs, schemas and
// parse errors are removed, leaving the structure (paths, README presence,
// emptiness). Lists are left empty, never nil. Applying a stricter policy to a stored Doc therefore works
// offline; a looser one needs the version extracted again, since withheld
// content was never stored.
func (p Policy) Apply(d *Doc) {
	for i := range d.Licenses {
		d.Licenses[i].Compatible = p.Allows(d.Licenses[i].SPDX)
	}
	if p.Redistributable(d.Licenses) {
		return
	}
	d.Withheld = true
	withhold(&d.Root)
	for i := range d.Submodules {
		withhold(&d.Submodules[i])
	}
	for i := range d.Examples {
		withhold(&d.Examples[i])
	}
}

func withhold(m *Module) {
	*m = Module{
		Path: m.Path, ReadmeFile: m.ReadmeFile, Empty: m.Empty,
		Inputs: []Input{}, Outputs: []Output{}, Resources: []Resource{},
		Providers: []ProviderRequirement{}, ModuleCalls: []ModuleCall{},
	}
}
