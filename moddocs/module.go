package moddocs

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-config-inspect/tfconfig"
)

// maxErrors bounds how many diagnostics a Module.Error lists.
const maxErrors = 10

// isConfigFile reports whether a file name is a Terraform configuration
// file tfconfig loads (editor backups and hidden files are ignored, as
// Terraform ignores them).
func isConfigFile(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") ||
		(strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#")) {
		return false
	}
	return strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json")
}

// readmeNames are the README file names recognised, best first; matching
// is case-insensitive and an exact "README.md" wins over other spellings.
var readmeNames = []string{"readme.md", "readme.markdown", "readme"}

// pickReadme returns the name of the directory's README, or "".
func pickReadme(entries []fs.DirEntry) string {
	for _, want := range readmeNames {
		found := ""
		for _, e := range entries {
			if !e.Type().IsRegular() || !strings.EqualFold(e.Name(), want) {
				continue
			}
			if e.Name() == "README.md" {
				return e.Name()
			}
			if found == "" {
				found = e.Name()
			}
		}
		if found != "" {
			return found
		}
	}
	return ""
}

// loadModule reads one module directory. dir is "." for the root. With
// full unset only the README's presence and emptiness are recorded (the
// licence does not allow more).
func loadModule(fsys fs.FS, dir string, lim Limits, full bool, w *warnings) (Module, error) {
	m := Module{}
	if dir != "." {
		m.Path = dir
	}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return m, fmt.Errorf("listing %s: %w", dir, err)
	}
	m.Empty = true
	for _, e := range entries {
		if e.Type().IsRegular() && isConfigFile(e.Name()) {
			m.Empty = false
			break
		}
	}
	if name := pickReadme(entries); name != "" {
		m.ReadmeFile = name
		if full {
			b, err := readCapped(fsys, joinDir(dir, name), lim.MaxFileBytes)
			if err != nil {
				w.add("README left out: %v", err)
			} else {
				m.Readme = strings.ToValidUTF8(string(b), "\uFFFD")
			}
		}
	}
	if full && !m.Empty {
		parseInto(&m, fsys, dir, lim, w)
	}
	return m, nil
}

// parseInto loads the configuration with terraform-config-inspect and
// copies what it found into m. Problems land in m.Error, never in a panic.
func parseInto(m *Module, fsys fs.FS, dir string, lim Limits, w *warnings) {
	tfs := newTFFS(fsys, lim)
	mod, diags, perr := safeLoad(tfs, dir)
	for _, err := range tfs.errs {
		w.add("%v", err)
	}
	if perr != nil {
		m.Error = perr.Error()
		return
	}
	m.Error = formatDiags(diags)
	if mod == nil {
		return
	}
	m.Inputs = inputsOf(mod)
	m.Outputs = outputsOf(mod)
	m.Resources = resourcesOf(mod)
	m.Providers = providersOf(mod)
	m.ModuleCalls = callsOf(mod)
	if len(mod.RequiredCore) > 0 {
		m.RequiredCore = slices.Clone(mod.RequiredCore)
	}
}

// safeLoad calls tfconfig, turning a panic in the parser (it has a few on
// paths it considers unreachable) into an error.
func safeLoad(tfs *tfFS, dir string) (mod *tfconfig.Module, diags tfconfig.Diagnostics, err error) {
	defer func() {
		if r := recover(); r != nil {
			mod, diags, err = nil, nil, fmt.Errorf("internal error parsing the configuration: %v", r)
		}
	}()
	mod, diags = tfconfig.LoadModuleFromFilesystem(tfs, dir)
	return mod, diags, nil
}

// formatDiags renders the error diagnostics as one line each, in the order
// the parser found them.
func formatDiags(diags tfconfig.Diagnostics) string {
	var lines []string
	n := 0
	for _, d := range diags {
		if d.Severity != tfconfig.DiagError {
			continue
		}
		n++
		if n > maxErrors {
			continue
		}
		s := d.Summary
		if d.Detail != "" {
			s += ": " + d.Detail
		}
		if d.Pos != nil && d.Pos.Filename != "" {
			s = fmt.Sprintf("%s:%d: %s", d.Pos.Filename, d.Pos.Line, s)
		}
		lines = append(lines, s)
	}
	if n > maxErrors {
		lines = append(lines, fmt.Sprintf("(and %d more errors)", n-maxErrors))
	}
	return strings.ToValidUTF8(strings.Join(lines, "\n"), "\uFFFD")
}

// byPos orders by declaration: file name, line, then name for ties.
func byPos(a, b tfconfig.SourcePos, an, bn string) int {
	return cmp.Or(strings.Compare(a.Filename, b.Filename), cmp.Compare(a.Line, b.Line), strings.Compare(an, bn))
}

func inputsOf(mod *tfconfig.Module) []Input {
	vars := sortedValues(mod.Variables, func(a, b *tfconfig.Variable) int { return byPos(a.Pos, b.Pos, a.Name, b.Name) })
	out := make([]Input, 0, len(vars))
	for _, v := range vars {
		in := Input{
			Name:        v.Name,
			Type:        v.Type,
			Description: v.Description,
			Required:    v.Required,
			Sensitive:   v.Sensitive,
			Deprecated:  v.Deprecated,
		}
		if !v.Required {
			b, err := json.Marshal(v.Default)
			if err != nil {
				b = []byte("null")
			}
			in.Default = b
		}
		out = append(out, in)
	}
	return out
}

func outputsOf(mod *tfconfig.Module) []Output {
	outs := sortedValues(mod.Outputs, func(a, b *tfconfig.Output) int { return byPos(a.Pos, b.Pos, a.Name, b.Name) })
	out := make([]Output, 0, len(outs))
	for _, o := range outs {
		out = append(out, Output{Name: o.Name, Description: o.Description, Sensitive: o.Sensitive, Deprecated: o.Deprecated})
	}
	return out
}

func resourcesOf(mod *tfconfig.Module) []Resource {
	all := make([]*tfconfig.Resource, 0, len(mod.ManagedResources)+len(mod.DataResources))
	for _, r := range mod.ManagedResources {
		all = append(all, r)
	}
	for _, r := range mod.DataResources {
		all = append(all, r)
	}
	slices.SortFunc(all, func(a, b *tfconfig.Resource) int {
		return byPos(a.Pos, b.Pos, a.MapKey(), b.MapKey())
	})
	out := make([]Resource, 0, len(all))
	for _, r := range all {
		mode := ModeManaged
		if r.Mode == tfconfig.DataResourceMode {
			mode = ModeData
		}
		out = append(out, Resource{Mode: mode, Type: r.Type, Name: r.Name})
	}
	return out
}

func providersOf(mod *tfconfig.Module) []ProviderRequirement {
	out := make([]ProviderRequirement, 0, len(mod.RequiredProviders))
	for name, req := range mod.RequiredProviders {
		p := ProviderRequirement{Name: name}
		if req != nil {
			p.Source = req.Source
			if len(req.VersionConstraints) > 0 {
				p.VersionConstraints = slices.Clone(req.VersionConstraints)
			}
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b ProviderRequirement) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func callsOf(mod *tfconfig.Module) []ModuleCall {
	calls := sortedValues(mod.ModuleCalls, func(a, b *tfconfig.ModuleCall) int { return byPos(a.Pos, b.Pos, a.Name, b.Name) })
	out := make([]ModuleCall, 0, len(calls))
	for _, c := range calls {
		out = append(out, ModuleCall{Name: c.Name, Source: c.Source, Version: c.Version})
	}
	return out
}

// sortedValues returns a map's non-nil values sorted by cmp.
func sortedValues[K comparable, V any](m map[K]*V, cmp func(a, b *V) int) []*V {
	out := make([]*V, 0, len(m))
	for _, v := range m {
		if v != nil {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, cmp)
	return out
}

// joinDir joins a directory ("." for the root) and a name into an fs path.
func joinDir(dir, name string) string {
	if dir == "." {
		return name
	}
	return dir + "/" + name
}
