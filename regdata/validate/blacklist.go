package validate

import (
	"strings"

	"github.com/regen-registry/regen/regdata"
)

// blEntry is one usable blacklist entry, for the check that it points at
// a listed version.
type blEntry struct {
	field   string // "providers[3]"
	key     string // the address's Key(): "provider/ns/name", lower case
	file    string // the data file it refers to
	version string // normalised
}

// blacklist checks versions_blacklist.json and returns its usable entries.
func (c *fileCheck) blacklist(data []byte) []blEntry {
	var b *regdata.Blacklist
	ok := c.decode(data, blacklistShape, func(d []byte) (err error) {
		b, err = regdata.ParseBlacklist(d)
		return err
	}, func() bool { return true }) // entries keep no unknown members: always look
	if !ok {
		return nil
	}
	var out []blEntry
	seen := map[string]string{}
	entry := func(field, key, file, version, reason string, fields map[string]string, addrOK func() bool) {
		ok := true
		for _, name := range []string{"namespace", "name", "target"} {
			if v, has := fields[name]; has && v == "" {
				c.errorf(member(field, name), "missing")
				ok = false
			}
		}
		if !ok || !addrOK() {
			return
		}
		if version == "" {
			c.errorf(member(field, "version"), "missing")
			return
		}
		n, err := regdata.NormalizeVersion(version)
		if err != nil {
			c.errorf(member(field, "version"), "%s is not a version Terraform can parse", quote(version))
			return
		}
		if strings.TrimSpace(reason) == "" {
			c.warnf(member(field, "reason"), "no reason given")
		}
		if prev, dup := seen[key+"@"+n]; dup {
			c.warnf(field, "duplicate of %s", prev)
			return
		}
		seen[key+"@"+n] = field
		out = append(out, blEntry{field: field, key: key, file: file, version: n})
	}
	for i, e := range b.Providers {
		a := regdata.ProviderAddr{Namespace: e.Namespace, Type: e.Name}
		field := index("providers", i)
		entry(field, a.Key(), regdata.ProviderFilePath(a), e.Version, e.Reason,
			map[string]string{"namespace": e.Namespace, "name": e.Name},
			func() bool { return c.providerAddr(field, a) })
	}
	for i, e := range b.Modules {
		a := regdata.ModuleAddr{Namespace: e.Namespace, Name: e.Name, System: e.Target}
		field := index("modules", i)
		entry(field, a.Key(), regdata.ModuleFilePath(a), e.Version, e.Reason,
			map[string]string{"namespace": e.Namespace, "name": e.Name, "target": e.Target},
			func() bool { return c.moduleAddr(field, a) })
	}
	return out
}
