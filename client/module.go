package client

import (
	"encoding/json"
	"time"
)

// Module is a module version as listings and searches return it.
type Module struct {
	ID              string    `json:"id"` // "namespace/name/provider/version"
	Owner           string    `json:"owner"`
	Namespace       string    `json:"namespace"`
	Name            string    `json:"name"`
	Version         string    `json:"version"`
	Provider        string    `json:"provider"` // the target system
	ProviderLogoURL string    `json:"provider_logo_url"`
	Description     string    `json:"description"`
	Source          string    `json:"source"`
	Tag             string    `json:"tag"`
	PublishedAt     time.Time `json:"published_at"`
	Downloads       int64     `json:"downloads"`
	Verified        bool      `json:"verified"`
}

// Addr returns the module's address.
func (m Module) Addr() ModuleAddr {
	return ModuleAddr{Namespace: m.Namespace, Name: m.Name, System: m.Provider}
}

// ModuleDetail is one module version with what the registry knows of its
// contents: the root module, submodules and examples.
type ModuleDetail struct {
	Module
	Root       ModulePart   `json:"root"`
	Submodules []ModulePart `json:"submodules"`
	Examples   []ModulePart `json:"examples"`
	// Providers lists the target systems the module is published for.
	Providers []string `json:"providers"`
	// Versions lists every published version of the module.
	Versions []string `json:"versions"`
}

// ModulePart is the root module, a submodule or an example of a module.
type ModulePart struct {
	Path                 string               `json:"path"`
	Name                 string               `json:"name"`
	Readme               string               `json:"readme"`
	Empty                bool                 `json:"empty"`
	Inputs               []Input              `json:"inputs"`
	Outputs              []Output             `json:"outputs"`
	Dependencies         []Dependency         `json:"dependencies"`
	ProviderDependencies []ProviderDependency `json:"provider_dependencies"`
	Resources            []Resource           `json:"resources"`
}

// Input is a module's input variable.
type Input struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description"`
	// Default is the default value as sent: registry.terraform.io sends a
	// JSON string holding the value's JSON text ("\"us-east-1\"").
	Default  json.RawMessage `json:"default,omitempty"`
	Required bool            `json:"required"`
}

// Output is a module's output value.
type Output struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Dependency is a module call of a module.
type Dependency struct {
	Name    string `json:"name"`
	Source  string `json:"source"`
	Version string `json:"version"`
}

// ProviderDependency is a provider requirement of a module.
type ProviderDependency struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	Source    string `json:"source"`
	Version   string `json:"version"`
}

// Resource is a resource a module declares.
type Resource struct {
	Name string `json:"name"`
	Type string `json:"type"`
}
