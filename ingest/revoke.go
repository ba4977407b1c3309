package ingest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/regdata/events"
)

// Kind is what an address names.
type Kind string

// The kinds of registry entries.
const (
	KindProvider Kind = "provider"
	KindModule   Kind = "module"
)

// Revoke hides one version of a provider or module from every response by
// adding it, with the reason, to versions_blacklist.json, and records a
// version_revoked event. The version must be in the data file (matched
// after normalisation: "v1.0" finds "1.0.0"); the data file itself is not
// changed.
func Revoke(ctx context.Context, o Options, kind Kind, address, version, reason string) error {
	o, err := o.withDefaults()
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return errors.New("a revocation needs a reason")
	}
	dir := regdata.Dir{Root: o.Data}
	bl, err := dir.ReadBlacklist()
	if err != nil {
		return err
	}
	ev := events.Event{Time: o.Now().UTC(), Reason: reason}
	switch kind {
	case KindProvider:
		a, err := regdata.ParseProviderAddr(address)
		if err != nil {
			return err
		}
		have, ok, _ := findProvider(dir, a)
		if !ok {
			return fmt.Errorf("provider %s is not in the registry", a)
		}
		f, err := dir.ReadProvider(have)
		if err != nil {
			return err
		}
		v := f.Version(version)
		if v == nil {
			return fmt.Errorf("provider %s has no version %s (%s)", have, version, listVersions(len(f.Versions), func(i int) string { return f.Versions[i].Version }))
		}
		n := normalized(v.Version)
		if blocked, why := bl.ProviderBlocked(have, n); blocked {
			return fmt.Errorf("provider %s %s is already revoked: %s", have, v.Version, why)
		}
		bl.Providers = append(bl.Providers, regdata.BlacklistedProvider{Namespace: have.Namespace, Name: have.Type, Version: v.Version, Reason: reason})
		ev.Type, ev.Namespace, ev.Name, ev.Version, ev.URL = events.ProviderVersionRevoked, have.Namespace, have.Type, v.Version, v.SHASumsURL
	case KindModule:
		a, err := regdata.ParseModuleAddr(address)
		if err != nil {
			return err
		}
		have, ok, _ := findModule(dir, a)
		if !ok {
			return fmt.Errorf("module %s is not in the registry", a)
		}
		f, err := dir.ReadModule(have)
		if err != nil {
			return err
		}
		v := f.Version(version)
		if v == nil {
			return fmt.Errorf("module %s has no version %s (%s)", have, version, listVersions(len(f.Versions), func(i int) string { return f.Versions[i].Version }))
		}
		n := normalized(v.Version)
		if blocked, why := bl.ModuleBlocked(have, n); blocked {
			return fmt.Errorf("module %s %s is already revoked: %s", have, v.Version, why)
		}
		bl.Modules = append(bl.Modules, regdata.BlacklistedModule{Namespace: have.Namespace, Name: have.Name, Target: have.System, Version: v.Version, Reason: reason})
		ev.Type, ev.Namespace, ev.Name, ev.Target, ev.Version, ev.Commit = events.ModuleVersionRevoked, have.Namespace, have.Name, have.System, v.Version, v.Commit
	default:
		return fmt.Errorf("unknown kind %q: want provider or module", kind)
	}
	if err := dir.WriteBlacklist(bl); err != nil {
		return err
	}
	return events.New(o.Data).Append(ctx, ev)
}

// listVersions describes a file's versions for an error message.
func listVersions(n int, v func(int) string) string {
	if n == 0 {
		return "it has none"
	}
	var out []string
	for i := range min(n, 10) {
		out = append(out, v(i))
	}
	s := "it has " + strings.Join(out, ", ")
	if n > 10 {
		s += fmt.Sprintf(" and %d more", n-10)
	}
	return s
}
