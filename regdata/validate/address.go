package validate

import (
	tfaddr "github.com/hashicorp/terraform-registry-address"
	"github.com/regen-registry/regen/regdata"
)

// providerAddr checks a provider address against the registry address
// rules.
func (c *fileCheck) providerAddr(field string, a regdata.ProviderAddr) bool {
	if err := a.Validate(); err != nil {
		c.errorf(field, "%v", err)
		return false
	}
	return true
}

// moduleAddr checks a module address against the registry address rules.
// A bad namespace or name is an error; a target system that only breaks
// the newer rules (such as "aws.vpc", which the public registry serves) is
// an oddity.
func (c *fileCheck) moduleAddr(field string, a regdata.ModuleAddr) bool {
	if err := a.Validate(); err == nil {
		return true
	}
	// Check namespace and name alone, with a target system known to be good.
	probe := regdata.ModuleAddr{Namespace: a.Namespace, Name: a.Name, System: "aws"}
	if err := probe.Validate(); err != nil {
		c.errorf(field, "%v", err)
		return false
	}
	if !regdata.SafeSegment(a.System) {
		c.errorf(field, "module target system %q is not a safe path segment", a.System)
		return false
	}
	_, err := tfaddr.ParseModuleSource(a.String())
	c.oddityf(field, "module address %q: %v; clients cannot install it", a.String(), err)
	return true
}
