package moddocs

import (
	"strings"

	tfaddr "github.com/hashicorp/terraform-registry-address"
)

// providerAddr resolves a provider requirement to host, namespace and type
// the way Terraform and OpenTofu do: a missing source means
// hashicorp/<local name> (terraform.io/builtin/terraform for "terraform"),
// and a source without a host lives on defaultHost. ok is false for a
// source that does not parse; host, namespace and type are then empty.
func providerAddr(p ProviderRequirement, defaultHost string) (host, namespace, typ string, ok bool) {
	if p.Source == "" {
		if p.Name == "terraform" {
			return string(tfaddr.BuiltInProviderHost), tfaddr.BuiltInProviderNamespace, "terraform", true
		}
		t, err := tfaddr.ParseProviderPart(p.Name)
		if err != nil {
			return "", "", "", false
		}
		return defaultHost, "hashicorp", t, true
	}
	a, err := tfaddr.ParseProviderSource(p.Source)
	if err != nil {
		return "", "", "", false
	}
	host = a.Hostname.String()
	if strings.Count(p.Source, "/") < 2 {
		host = defaultHost
	}
	return host, a.Namespace, a.Type, true
}
