package moddocs

import (
	"encoding/json"
	"path"
)

// Format is the version of the extraction rules. It is written into every
// Doc; a stored Doc with an older Format was produced by older rules and may
// be re-extracted (Store.Lookup reports it).
const Format = 1

// Doc is everything regen knows about one module version's source: the root
// module, its submodules (modules/*) and examples (examples/*), and the
// licences found at the top of the repository.
//
// A Doc is deterministic for a given source tree: lists whose order is not
// meaningful are sorted (providers by local name, submodules and examples by
// path); inputs, outputs, resources and module calls keep declaration order
// (file name, then line), as registry.terraform.io lists them.
type Doc struct {
	Format     int       `json:"format"`
	Root       Module    `json:"root"`
	Submodules []Module  `json:"submodules"`
	Examples   []Module  `json:"examples"`
	Licenses   []License `json:"licenses"`
	// Withheld is set when the licence policy does not allow republishing
	// the documentation: READMEs and schemas are then left out (the names
	// of submodules and examples, and whether they have a README, remain).
	Withheld bool `json:"withheld"`
	// Warnings lists problems that did not stop extraction (an oversized
	// file, a skipped directory name), in the order they were found.
	Warnings []string `json:"warnings,omitempty"`
}

// Module is one Terraform module directory: the root, a submodule or an
// example.
type Module struct {
	// Path is "" for the root, "modules/<name>" or "examples/<name>".
	Path string `json:"path"`
	// ReadmeFile is the README's file name in the directory ("README.md"),
	// "" when there is none; it is kept when the README is withheld.
	ReadmeFile string `json:"readme_file,omitempty"`
	Readme     string `json:"readme,omitempty"`
	// Empty is set when the directory holds no .tf or .tf.json file.
	Empty        bool                  `json:"empty"`
	Inputs       []Input               `json:"inputs"`
	Outputs      []Output              `json:"outputs"`
	Resources    []Resource            `json:"resources"`
	Providers    []ProviderRequirement `json:"providers"`
	ModuleCalls  []ModuleCall          `json:"module_calls"`
	RequiredCore []string              `json:"required_core,omitempty"`
	// Error records why the configuration could not be parsed (completely);
	// whatever did parse is kept.
	Error string `json:"error,omitempty"`
}

// Name returns the last element of the module's path ("" for the root).
func (m Module) Name() string {
	if m.Path == "" {
		return ""
	}
	return path.Base(m.Path)
}

// HasReadme tells whether the directory has a README (even an empty one,
// and even when its content is withheld).
func (m Module) HasReadme() bool { return m.ReadmeFile != "" }

// ReadmePath returns the README's path from the repository root, "" when
// there is none.
func (m Module) ReadmePath() string {
	if m.ReadmeFile == "" {
		return ""
	}
	return path.Join(m.Path, m.ReadmeFile)
}

// Input is a variable block.
type Input struct {
	Name string `json:"name"`
	// Type is the type constraint as written ("map(object({…}))"), or ""
	// when the variable declares none.
	Type        string `json:"type,omitempty"`
	Description string `json:"description,omitempty"`
	// Default is the default value as compact JSON ("null" for an explicit
	// null default), absent when the variable is required.
	Default    json.RawMessage `json:"default,omitempty"`
	Required   bool            `json:"required"`
	Sensitive  bool            `json:"sensitive,omitempty"`
	Deprecated string          `json:"deprecated,omitempty"`
}

// Output is an output block.
type Output struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Sensitive   bool   `json:"sensitive,omitempty"`
	Deprecated  string `json:"deprecated,omitempty"`
}

// Resource is a resource or data block.
type Resource struct {
	// Mode is "managed" for resource blocks and "data" for data blocks.
	Mode string `json:"mode"`
	Type string `json:"type"`
	Name string `json:"name"`
}

// Address returns the resource's address in the module: "type.name" or
// "data.type.name".
func (r Resource) Address() string {
	if r.Mode == ModeData {
		return "data." + r.Type + "." + r.Name
	}
	return r.Type + "." + r.Name
}

// Resource modes.
const (
	ModeManaged = "managed"
	ModeData    = "data"
)

// ProviderRequirement is one provider the module needs: declared in
// required_providers, or implied by a provider block or a resource type.
type ProviderRequirement struct {
	// Name is the local name ("aws").
	Name string `json:"name"`
	// Source is the source address as written ("hashicorp/aws"), "" when
	// none is declared.
	Source string `json:"source,omitempty"`
	// VersionConstraints lists every version constraint found, in file
	// order.
	VersionConstraints []string `json:"version_constraints,omitempty"`
}

// ModuleCall is a module block: a dependency on another module.
type ModuleCall struct {
	Name    string `json:"name"`
	Source  string `json:"source"`
	Version string `json:"version,omitempty"`
}

// License is one licence found in a top-level licence file.
type License struct {
	// SPDX is the licence's SPDX identifier (or "LicenseRef-<name>" for
	// licences without one).
	SPDX string `json:"spdx"`
	// File is the file it was found in, relative to the repository root.
	File string `json:"file"`
	// Confidence is the classifier's score, between 0 and 1, rounded to
	// three decimals.
	Confidence float64 `json:"confidence"`
	// Compatible tells whether the policy in force at extraction allows
	// republishing under this licence.
	Compatible bool `json:"compatible"`
}
