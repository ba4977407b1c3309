package moddocs

import (
	"encoding/json"
	"path"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// OpenTofuMeta is what the OpenTofu docs shape needs beyond the Doc.
type OpenTofuMeta struct {
	// ID is the version as the docs API names it ("v1.2.0").
	ID        string
	Published time.Time
	// Link is the browse URL of the version's tree; VCSRepository the
	// repository's URL.
	Link          string
	VCSRepository string
	// FileURL, when set, returns the browse URL of a file of the version
	// (README edit links, licence links).
	FileURL func(path string) string
	// ProviderHost is the registry of provider sources written without a
	// host (default "registry.opentofu.org").
	ProviderHost string
}

// OpenTofuVersion is the OpenTofu docs API's
// …/modules/<ns>/<name>/<target>/<version>/index.json document.
// IncompatibleLicense has OpenTofu's meaning: no licence was found, or
// one that is not allowed (the documentation is withheld); a version
// without extracted documentation has no licence known.
type OpenTofuVersion struct {
	ID        string    `json:"id"`
	Published time.Time `json:"published,omitzero"` // left out when the data has no date
	OpenTofuDetails
	Link                string                       `json:"link"`
	VCSRepository       string                       `json:"vcs_repository"`
	Licenses            []OpenTofuLicense            `json:"licenses"`
	IncompatibleLicense bool                         `json:"incompatible_license"`
	Examples            map[string]OpenTofuExample   `json:"examples"`
	Submodules          map[string]OpenTofuSubmodule `json:"submodules"`
}

// OpenTofuBase describes a module directory's README and interface.
type OpenTofuBase struct {
	Readme      bool                        `json:"readme"`
	EditLink    string                      `json:"edit_link"`
	Variables   map[string]OpenTofuVariable `json:"variables"`
	Outputs     map[string]OpenTofuOutput   `json:"outputs"`
	SchemaError string                      `json:"schema_error"`
}

// OpenTofuDetails adds the module's dependencies and resources.
type OpenTofuDetails struct {
	OpenTofuBase
	Providers    []OpenTofuProvider   `json:"providers"`
	Dependencies []OpenTofuDependency `json:"dependencies"`
	Resources    []OpenTofuResource   `json:"resources"`
}

// OpenTofuSubmodule is a modules/<name> directory.
type OpenTofuSubmodule struct{ OpenTofuDetails }

// OpenTofuExample is an examples/<name> directory.
type OpenTofuExample struct{ OpenTofuBase }

// OpenTofuVariable is a variable. Type is the type constraint in cty's JSON
// type notation ("string", ["list","string"], ["object",{…}]), or the
// constraint as written when it does not parse as a type. A variable
// declaring no type gets the type of its default value ("hi" → "string",
// 3 → "number", ["a", 1] → ["tuple",["string","number"]]), and "dynamic"
// when it has no default or a null one.
type OpenTofuVariable struct {
	Type        json.RawMessage `json:"type"`
	Default     json.RawMessage `json:"default"`
	Description string          `json:"description"`
	Sensitive   bool            `json:"sensitive"`
	Required    bool            `json:"required"`
}

// OpenTofuOutput is an output.
type OpenTofuOutput struct {
	Sensitive   bool   `json:"sensitive"`
	Description string `json:"description"`
}

// OpenTofuProvider is a required provider; FullName includes the host.
type OpenTofuProvider struct {
	Alias             string `json:"alias"`
	Name              string `json:"name"`
	FullName          string `json:"full_name"`
	VersionConstraint string `json:"version_constraint"`
}

// OpenTofuDependency is a module call.
type OpenTofuDependency struct {
	Name              string `json:"name"`
	VersionConstraint string `json:"version_constraint"`
	Source            string `json:"source"`
}

// OpenTofuResource is a resource or data source.
type OpenTofuResource struct {
	Address string `json:"address"`
	Type    string `json:"type"`
	Name    string `json:"name"`
}

// OpenTofuLicense is a detected licence.
type OpenTofuLicense struct {
	SPDX         string  `json:"spdx"`
	Confidence   float64 `json:"confidence"`
	IsCompatible bool    `json:"is_compatible"`
	File         string  `json:"file"`
	Link         string  `json:"link,omitempty"`
}

// RenderOpenTofu converts a Doc to the OpenTofu docs API shape.
func RenderOpenTofu(d *Doc, meta OpenTofuMeta) OpenTofuVersion {
	if meta.ProviderHost == "" {
		meta.ProviderHost = "registry.opentofu.org"
	}
	v := OpenTofuVersion{
		ID:                  meta.ID,
		Published:           meta.Published,
		OpenTofuDetails:     openTofuDetails(d.Root, meta),
		Link:                meta.Link,
		VCSRepository:       meta.VCSRepository,
		Licenses:            make([]OpenTofuLicense, 0, len(d.Licenses)),
		IncompatibleLicense: d.Withheld || len(d.Licenses) == 0,
		Examples:            make(map[string]OpenTofuExample, len(d.Examples)),
		Submodules:          make(map[string]OpenTofuSubmodule, len(d.Submodules)),
	}
	for _, l := range d.Licenses {
		ol := OpenTofuLicense{SPDX: l.SPDX, Confidence: l.Confidence, IsCompatible: l.Compatible, File: l.File}
		if meta.FileURL != nil {
			ol.Link = meta.FileURL(l.File)
		}
		v.Licenses = append(v.Licenses, ol)
	}
	for _, m := range d.Submodules {
		v.Submodules[m.Name()] = OpenTofuSubmodule{openTofuDetails(m, meta)}
	}
	for _, m := range d.Examples {
		v.Examples[m.Name()] = OpenTofuExample{openTofuBase(m, meta)}
	}
	return v
}

func openTofuBase(m Module, meta OpenTofuMeta) OpenTofuBase {
	b := OpenTofuBase{
		Readme:      m.HasReadme(),
		Variables:   make(map[string]OpenTofuVariable, len(m.Inputs)),
		Outputs:     make(map[string]OpenTofuOutput, len(m.Outputs)),
		SchemaError: m.Error,
	}
	if m.HasReadme() && meta.FileURL != nil {
		b.EditLink = meta.FileURL(m.ReadmePath())
	}
	for _, in := range m.Inputs {
		def := in.Default
		if in.Required || len(def) == 0 {
			def = json.RawMessage("null")
		}
		b.Variables[in.Name] = OpenTofuVariable{
			Type:        variableTypeJSON(in),
			Default:     def,
			Description: in.Description,
			Sensitive:   in.Sensitive,
			Required:    in.Required,
		}
	}
	for _, o := range m.Outputs {
		b.Outputs[o.Name] = OpenTofuOutput{Sensitive: o.Sensitive, Description: o.Description}
	}
	return b
}

func openTofuDetails(m Module, meta OpenTofuMeta) OpenTofuDetails {
	det := OpenTofuDetails{
		OpenTofuBase: openTofuBase(m, meta),
		Providers:    make([]OpenTofuProvider, 0, len(m.Providers)),
		Dependencies: make([]OpenTofuDependency, 0, len(m.ModuleCalls)),
		Resources:    make([]OpenTofuResource, 0, len(m.Resources)),
	}
	for _, p := range m.Providers {
		op := OpenTofuProvider{Name: p.Name, VersionConstraint: strings.Join(p.VersionConstraints, ", ")}
		if host, ns, typ, ok := providerAddr(p, meta.ProviderHost); ok {
			op.FullName = host + "/" + ns + "/" + typ
		} else {
			op.FullName = p.Source
		}
		det.Providers = append(det.Providers, op)
	}
	for _, c := range m.ModuleCalls {
		det.Dependencies = append(det.Dependencies, OpenTofuDependency{Name: c.Name, VersionConstraint: c.Version, Source: c.Source})
	}
	for _, r := range m.Resources {
		det.Resources = append(det.Resources, OpenTofuResource{Address: r.Address(), Type: r.Type, Name: r.Name})
	}
	return det
}

// variableTypeJSON returns a variable's type in cty's JSON type notation:
// its declared constraint (ctyTypeJSON), else the type its default value
// implies, else "dynamic".
//
// The type a default implies is cty's implied type of its JSON form,
// which is the type HCL gives the literal: strings, numbers and bools as
// such, tuples for lists, objects for maps; a null default implies
// nothing and stays "dynamic".
func variableTypeJSON(in Input) json.RawMessage {
	if strings.TrimSpace(in.Type) != "" || in.Required || len(in.Default) == 0 {
		return ctyTypeJSON(in.Type)
	}
	ty, err := ctyjson.ImpliedType(in.Default)
	if err != nil {
		return ctyTypeJSON("")
	}
	b, err := ty.MarshalJSON()
	if err != nil {
		return ctyTypeJSON("")
	}
	return b
}

// ctyTypeJSON converts a type constraint as written to cty's JSON type
// notation ("dynamic" when none is written). optional() attributes are
// kept as cty writes them.
func ctyTypeJSON(src string) json.RawMessage {
	ty := cty.DynamicPseudoType
	if strings.TrimSpace(src) != "" {
		expr, diags := hclsyntax.ParseExpression([]byte(src), "type", hcl.InitialPos)
		if diags.HasErrors() {
			return quoteJSON(src)
		}
		t, _, diags := typeexpr.TypeConstraintWithDefaults(expr)
		if diags.HasErrors() {
			return quoteJSON(src)
		}
		ty = t
	}
	b, err := ty.MarshalJSON()
	if err != nil {
		return quoteJSON(src)
	}
	return b
}

func quoteJSON(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

// ReadmeFile is a README the OpenTofu docs API serves next to a version's
// index.json.
type ReadmeFile struct {
	// Path is relative to the version's folder: "README.md",
	// "modules/<name>/README.md" or "examples/<name>/README.md".
	Path    string
	Content []byte
}

// WithheldReadme replaces the README of a version whose licence does not
// allow republishing it.
const WithheldReadme = "# Documentation withheld\n\nThe documentation of this module version is not shown because its licence\nwas not recognised as one that allows republishing it. See the module's\nrepository for its README.\n"

// NoReadme stands in for the README of a directory (the root, a
// submodule or an example) that has none. OpenTofu's registry UI fetches
// README.md for every directory a version lists, whatever its "readme"
// flag says, so a placeholder is served rather than a 404 (OpenTofu's
// registry does the same with a message of its own).
const NoReadme = "# No README\n\nThis module version has no README file in this directory.\n"

// OpenTofuReadmes returns the README files of a version, in Doc order
// (root, submodules, examples): one per directory, NoReadme for those
// without a README, WithheldReadme for those of a withheld version.
func OpenTofuReadmes(d *Doc) []ReadmeFile {
	var out []ReadmeFile
	add := func(m Module) {
		var content []byte
		switch {
		case !m.HasReadme():
			content = []byte(NoReadme)
		case d.Withheld:
			content = []byte(WithheldReadme)
		default:
			content = []byte(m.Readme)
		}
		out = append(out, ReadmeFile{Path: path.Join(m.Path, "README.md"), Content: content})
	}
	add(d.Root)
	for _, m := range d.Submodules {
		add(m)
	}
	for _, m := range d.Examples {
		add(m)
	}
	return out
}
