package moddocs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// canonical returns a deep copy of d in canonical form: every string valid
// UTF-8 (invalid bytes become U+FFFD, as a JSON round trip would make
// them) and every list non-nil, so that a Doc encodes to the same bytes
// before and after a round trip through the store.
func canonical(d *Doc) *Doc {
	c := &Doc{
		Format:     d.Format,
		Root:       canonicalModule(d.Root),
		Submodules: mapSlice(d.Submodules, canonicalModule),
		Examples:   mapSlice(d.Examples, canonicalModule),
		Licenses: mapSlice(d.Licenses, func(l License) License {
			l.SPDX, l.File = utf(l.SPDX), utf(l.File)
			return l
		}),
		Withheld: d.Withheld,
		Warnings: mapSliceOrNil(d.Warnings, utf),
	}
	return c
}

func canonicalModule(m Module) Module {
	return Module{
		Path:       utf(m.Path),
		ReadmeFile: utf(m.ReadmeFile),
		Readme:     utf(m.Readme),
		Empty:      m.Empty,
		Inputs: mapSlice(m.Inputs, func(i Input) Input {
			i.Name, i.Type, i.Description, i.Deprecated = utf(i.Name), utf(i.Type), utf(i.Description), utf(i.Deprecated)
			i.Default = slices.Clone(i.Default)
			return i
		}),
		Outputs: mapSlice(m.Outputs, func(o Output) Output {
			o.Name, o.Description, o.Deprecated = utf(o.Name), utf(o.Description), utf(o.Deprecated)
			return o
		}),
		Resources: mapSlice(m.Resources, func(r Resource) Resource {
			r.Mode, r.Type, r.Name = utf(r.Mode), utf(r.Type), utf(r.Name)
			return r
		}),
		Providers: mapSlice(m.Providers, func(p ProviderRequirement) ProviderRequirement {
			p.Name, p.Source = utf(p.Name), utf(p.Source)
			p.VersionConstraints = mapSliceOrNil(p.VersionConstraints, utf)
			return p
		}),
		ModuleCalls: mapSlice(m.ModuleCalls, func(c ModuleCall) ModuleCall {
			c.Name, c.Source, c.Version = utf(c.Name), utf(c.Source), utf(c.Version)
			return c
		}),
		RequiredCore: mapSliceOrNil(m.RequiredCore, utf),
		Error:        utf(m.Error),
	}
}

func utf(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

// mapSlice returns f applied to every element, never nil.
func mapSlice[T any](in []T, f func(T) T) []T {
	out := make([]T, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

// mapSliceOrNil is mapSlice for lists encoded with omitempty: empty is nil.
func mapSliceOrNil[T any](in []T, f func(T) T) []T {
	if len(in) == 0 {
		return nil
	}
	return mapSlice(in, f)
}

// MarshalCanonical encodes d as the store keeps it: compact JSON with
// fixed member order and a trailing newline. Docs that differ only in
// invalid UTF-8 bytes or nil-versus-empty lists give equal bytes.
func MarshalCanonical(d *Doc) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(canonical(d)); err != nil {
		return nil, fmt.Errorf("encoding module docs: %w", err)
	}
	return buf.Bytes(), nil
}

// UnmarshalDoc decodes a Doc written by MarshalCanonical.
func UnmarshalDoc(data []byte) (*Doc, error) {
	var d Doc
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("decoding module docs: %w", err)
	}
	return canonical(&d), nil
}
