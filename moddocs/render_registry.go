package moddocs

import "strings"

// RegistryDocs are the documentation members of a registry.terraform.io
// module detail response (GET /v1/modules/<ns>/<name>/<system>/<version>):
// the generator embeds them next to id, owner, versions, providers…
type RegistryDocs struct {
	Root       RegistryModule   `json:"root"`
	Submodules []RegistryModule `json:"submodules"`
	Examples   []RegistryModule `json:"examples"`
}

// RegistryModule is one module directory in the registry shape.
type RegistryModule struct {
	Path                 string                       `json:"path"`
	Name                 string                       `json:"name"`
	Readme               string                       `json:"readme"`
	Empty                bool                         `json:"empty"`
	Inputs               []RegistryInput              `json:"inputs"`
	Outputs              []RegistryOutput             `json:"outputs"`
	Dependencies         []RegistryDependency         `json:"dependencies"`
	ProviderDependencies []RegistryProviderDependency `json:"provider_dependencies"`
	Resources            []RegistryResource           `json:"resources"`
}

// RegistryInput is a variable. Default holds the default value encoded as
// JSON ("\"eu-west-1\"", "[]", "null"), and "" for a required variable, as
// registry.terraform.io serves it.
type RegistryInput struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description"`
	Default     string `json:"default"`
	Required    bool   `json:"required"`
}

// RegistryOutput is an output.
type RegistryOutput struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// RegistryDependency is a module call.
type RegistryDependency struct {
	Name    string `json:"name"`
	Source  string `json:"source"`
	Version string `json:"version"`
}

// RegistryProviderDependency is a required provider: local name, resolved
// namespace, source as written (hashicorp/<name> when implied) and the
// version constraints joined with ", ".
type RegistryProviderDependency struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	Source    string `json:"source"`
	Version   string `json:"version"`
}

// RegistryResource is a managed resource (data sources are not listed).
type RegistryResource struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// RenderRegistry converts a Doc to the registry.terraform.io shape.
// moduleName is the module's name (the root's "name"); submodules and
// examples are named after their directory. A withheld Doc renders with
// empty READMEs and lists.
func RenderRegistry(d *Doc, moduleName string) RegistryDocs {
	out := RegistryDocs{
		Root:       registryModule(d.Root, moduleName),
		Submodules: make([]RegistryModule, 0, len(d.Submodules)),
		Examples:   make([]RegistryModule, 0, len(d.Examples)),
	}
	for _, m := range d.Submodules {
		out.Submodules = append(out.Submodules, registryModule(m, m.Name()))
	}
	for _, m := range d.Examples {
		out.Examples = append(out.Examples, registryModule(m, m.Name()))
	}
	return out
}

func registryModule(m Module, name string) RegistryModule {
	r := RegistryModule{
		Path:                 m.Path,
		Name:                 name,
		Readme:               m.Readme,
		Empty:                m.Empty,
		Inputs:               make([]RegistryInput, 0, len(m.Inputs)),
		Outputs:              make([]RegistryOutput, 0, len(m.Outputs)),
		Dependencies:         registryDependencies(m),
		ProviderDependencies: registryProviders(m),
		Resources:            []RegistryResource{},
	}
	for _, in := range m.Inputs {
		def := ""
		if !in.Required {
			def = string(in.Default)
			if def == "" {
				def = "null"
			}
		}
		r.Inputs = append(r.Inputs, RegistryInput{Name: in.Name, Type: in.Type, Description: in.Description, Default: def, Required: in.Required})
	}
	for _, o := range m.Outputs {
		r.Outputs = append(r.Outputs, RegistryOutput{Name: o.Name, Description: o.Description})
	}
	for _, res := range m.Resources {
		if res.Mode == ModeManaged {
			r.Resources = append(r.Resources, RegistryResource{Name: res.Name, Type: res.Type})
		}
	}
	return r
}

func registryDependencies(m Module) []RegistryDependency {
	out := make([]RegistryDependency, 0, len(m.ModuleCalls))
	for _, c := range m.ModuleCalls {
		out = append(out, RegistryDependency{Name: c.Name, Source: c.Source, Version: c.Version})
	}
	return out
}

func registryProviders(m Module) []RegistryProviderDependency {
	out := make([]RegistryProviderDependency, 0, len(m.Providers))
	for _, p := range m.Providers {
		rp := RegistryProviderDependency{Name: p.Name, Source: p.Source, Version: strings.Join(p.VersionConstraints, ", ")}
		if _, ns, typ, ok := providerAddr(p, "registry.terraform.io"); ok {
			rp.Namespace = ns
			if rp.Source == "" {
				rp.Source = ns + "/" + typ
			}
		}
		out = append(out, rp)
	}
	return out
}

// RegistryVersionModule is the per-version dependency summary of the
// module versions endpoint (GET …/versions): the root (Path "") and each
// submodule with its providers and module calls.
type RegistryVersionModule struct {
	Path         string                       `json:"path,omitempty"`
	Providers    []RegistryProviderDependency `json:"providers"`
	Dependencies []RegistryDependency         `json:"dependencies"`
}

// RenderRegistryVersion returns the root's and the submodules' dependency
// summaries for the versions endpoint.
func RenderRegistryVersion(d *Doc) (root RegistryVersionModule, submodules []RegistryVersionModule) {
	summary := func(m Module) RegistryVersionModule {
		return RegistryVersionModule{Path: m.Path, Providers: registryProviders(m), Dependencies: registryDependencies(m)}
	}
	submodules = make([]RegistryVersionModule, 0, len(d.Submodules))
	for _, m := range d.Submodules {
		submodules = append(submodules, summary(m))
	}
	return summary(d.Root), submodules
}
