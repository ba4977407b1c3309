package regdata

import (
	"fmt"
	"regexp"
	"strings"

	tfaddr "github.com/hashicorp/terraform-registry-address"
)

// ProviderAddr names a provider in a registry: namespace and type, in the
// case the data folder spells them.
type ProviderAddr struct {
	Namespace string
	Type      string
}

// ModuleAddr names a module in a registry: namespace, name and target
// system, in the case the data folder spells them.
type ModuleAddr struct {
	Namespace string
	Name      string
	System    string
}

// String returns "namespace/type".
func (a ProviderAddr) String() string { return a.Namespace + "/" + a.Type }

// APIPath returns "namespace/type" lower-cased, as used in API paths.
func (a ProviderAddr) APIPath() string { return strings.ToLower(a.String()) }

// Key returns the provider's identity for sorting, manifests and
// duplicate detection: "provider/" + APIPath.
func (a ProviderAddr) Key() string { return "provider/" + a.APIPath() }

// String returns "namespace/name/system".
func (a ModuleAddr) String() string { return a.Namespace + "/" + a.Name + "/" + a.System }

// APIPath returns "namespace/name/system" lower-cased, as used in API paths.
func (a ModuleAddr) APIPath() string { return strings.ToLower(a.String()) }

// Key returns the module's identity for sorting, manifests and duplicate
// detection: "module/" + APIPath.
func (a ModuleAddr) Key() string { return "module/" + a.APIPath() }

// Repo returns the conventional repository name: terraform-<system>-<name>.
func (a ModuleAddr) Repo() string { return "terraform-" + a.System + "-" + a.Name }

// Repo returns the conventional repository name: terraform-provider-<type>.
func (a ProviderAddr) Repo() string { return "terraform-provider-" + a.Type }

// ParseProviderAddr parses "namespace/type" and checks both parts against
// the registry address rules (terraform-registry-address).
func ParseProviderAddr(s string) (ProviderAddr, error) {
	ns, typ, ok := strings.Cut(s, "/")
	if !ok || strings.Contains(typ, "/") {
		return ProviderAddr{}, fmt.Errorf("provider address %q: want NAMESPACE/TYPE", s)
	}
	a := ProviderAddr{Namespace: ns, Type: typ}
	return a, a.Validate()
}

// ParseModuleAddr parses "namespace/name/system" and checks it against the
// registry address rules (terraform-registry-address).
func ParseModuleAddr(s string) (ModuleAddr, error) {
	parts := strings.Split(s, "/")
	if len(parts) != 3 {
		return ModuleAddr{}, fmt.Errorf("module address %q: want NAMESPACE/NAME/SYSTEM", s)
	}
	a := ModuleAddr{Namespace: parts[0], Name: parts[1], System: parts[2]}
	return a, a.Validate()
}

// Validate checks the address against the registry address rules.
func (a ProviderAddr) Validate() error {
	if _, err := tfaddr.ParseProviderNamespace(a.Namespace); err != nil {
		return fmt.Errorf("provider namespace %q: %w", a.Namespace, err)
	}
	if _, err := tfaddr.ParseProviderPart(a.Type); err != nil {
		return fmt.Errorf("provider type %q: %w", a.Type, err)
	}
	return nil
}

// Validate checks the address against the registry address rules.
func (a ModuleAddr) Validate() error {
	if _, err := tfaddr.ParseModuleSource(a.String()); err != nil {
		return fmt.Errorf("module address %q: %w", a.String(), err)
	}
	return nil
}

// safeName matches a path segment that is safe to use in data and output
// paths: no separators, no traversal, not hidden.
var safeName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// SafeSegment reports whether s may be used as one path segment of a data
// or output path: not empty, not hidden (leading "."), no "..", no
// separators or control characters.
func SafeSegment(s string) bool {
	return len(s) <= 255 && safeName.MatchString(s) && !strings.Contains(s, "..")
}
