package generator

import (
	"slices"
	"strings"
)

// The documents below are rendered by appending bytes rather than through
// encoding/json (a registry has millions of them). Each appender's output
// is byte-for-byte encodeJSON of the matching struct, which tests check.

// appendProviderVersions renders a providerVersionsDoc.
func appendProviderVersions(b []byte, d providerVersionsDoc) []byte {
	b = append(b, '{')
	b = appendMember(b, 1, "versions")
	if len(d.Versions) == 0 {
		b = append(b, '[', ']')
	} else {
		b = append(b, '[')
		for i, v := range d.Versions {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendIndent(b, 2)
			b = append(b, '{')
			b = appendMember(b, 3, "version")
			b = appendString(b, v.Version)
			b = append(b, ',')
			b = appendMember(b, 3, "protocols")
			b = appendStringList(b, 3, v.Protocols)
			b = append(b, ',')
			b = appendMember(b, 3, "platforms")
			if len(v.Platforms) == 0 {
				b = append(b, '[', ']')
			} else {
				b = append(b, '[')
				for k, p := range v.Platforms {
					if k > 0 {
						b = append(b, ',')
					}
					b = appendIndent(b, 4)
					b = append(b, '{')
					b = appendMember(b, 5, "os")
					b = appendString(b, p.OS)
					b = append(b, ',')
					b = appendMember(b, 5, "arch")
					b = appendString(b, p.Arch)
					b = appendIndent(b, 4)
					b = append(b, '}')
				}
				b = appendIndent(b, 3)
				b = append(b, ']')
			}
			b = appendIndent(b, 2)
			b = append(b, '}')
		}
		b = appendIndent(b, 1)
		b = append(b, ']')
	}
	if len(d.Warnings) > 0 {
		b = append(b, ',')
		b = appendMember(b, 1, "warnings")
		b = appendStringList(b, 1, d.Warnings)
	}
	return append(b, "\n}\n"...)
}

// appendMirrorVersion renders a mirrorVersionDoc (archives in map-key order).
func appendMirrorVersion(b []byte, d mirrorVersionDoc) []byte {
	b = append(b, '{')
	b = appendMember(b, 1, "archives")
	if len(d.Archives) == 0 {
		b = append(b, '{', '}')
	} else {
		b = append(b, '{')
		for i, k := range sortedKeys(d.Archives) {
			a := d.Archives[k]
			if i > 0 {
				b = append(b, ',')
			}
			b = appendMember(b, 2, k)
			b = append(b, '{')
			b = appendMember(b, 3, "url")
			b = appendString(b, a.URL)
			if len(a.Hashes) > 0 {
				b = append(b, ',')
				b = appendMember(b, 3, "hashes")
				b = appendStringList(b, 3, a.Hashes)
			}
			b = appendIndent(b, 2)
			b = append(b, '}')
		}
		b = appendIndent(b, 1)
		b = append(b, '}')
	}
	return append(b, "\n}\n"...)
}

// appendMirrorIndex renders a mirrorIndexDoc.
func appendMirrorIndex(b []byte, d mirrorIndexDoc) []byte {
	b = append(b, '{')
	b = appendMember(b, 1, "versions")
	if len(d.Versions) == 0 {
		b = append(b, '{', '}')
	} else {
		b = append(b, '{')
		for i, v := range sortedKeys(d.Versions) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendMember(b, 2, v)
			b = append(b, '{', '}')
		}
		b = appendIndent(b, 1)
		b = append(b, '}')
	}
	return append(b, "\n}\n"...)
}

// appendModuleVersions renders a module's versions document:
// {"modules":[{"source":"<ns>/<name>/<system>","versions":[…]}]}. Clients
// read only the versions; the source names the module as
// registry.terraform.io's answer does.
func appendModuleVersions(b []byte, source string, versions []moduleVersion) []byte {
	b = append(b, '{')
	b = appendMember(b, 1, "modules")
	b = append(b, '[')
	b = appendIndent(b, 2)
	b = append(b, '{')
	b = appendMember(b, 3, "source")
	b = appendString(b, source)
	b = append(b, ',')
	b = appendMember(b, 3, "versions")
	if len(versions) == 0 {
		b = append(b, '[', ']')
	} else {
		b = append(b, '[')
		for i, v := range versions {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendIndent(b, 4)
			b = append(b, '{')
			b = appendMember(b, 5, "version")
			b = appendString(b, v.Version)
			b = appendIndent(b, 4)
			b = append(b, '}')
		}
		b = appendIndent(b, 3)
		b = append(b, ']')
	}
	b = appendIndent(b, 2)
	b = append(b, '}')
	b = appendIndent(b, 1)
	b = append(b, ']')
	return append(b, "\n}\n"...)
}

// appendModuleDownload renders a moduleDownloadDoc, or a moduleLatestDoc
// when version is not empty.
func appendModuleDownload(b []byte, location, version string) []byte {
	b = append(b, '{')
	b = appendMember(b, 1, "location")
	b = appendString(b, location)
	if version != "" {
		b = append(b, ',')
		b = appendMember(b, 1, "version")
		b = appendString(b, version)
	}
	return append(b, "\n}\n"...)
}

// sortedKeys returns a map's keys in byte order, as encoding/json writes them.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, strings.Compare)
	return keys
}
