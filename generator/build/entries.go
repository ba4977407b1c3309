package build

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/regen-registry/regen/regdata"
)

// globalKey is the manifest key of the registry-wide documents (discovery;
// later listings). It sorts after every data entry.
const globalKey = "~global"

type entryKind int

const (
	kindProvider entryKind = iota + 1
	kindModule
	kindGlobal
)

// entry is one unit of generation: a data file, or the global documents.
// The build holds one per data file for its whole run, so it keeps only
// two strings: its address is read back from its file's path (mod, prov).
type entry struct {
	key  string // manifest key (regdata Key)
	rel  string // data file, relative to the data folder (slash-separated)
	kind entryKind
}

// mod returns a module entry's address, from its file path
// modules/<c>/<namespace>/<name>/<system>.json.
func (e entry) mod() regdata.ModuleAddr {
	_, rest, _ := strings.Cut(e.rel, "/") // modules
	_, rest, _ = strings.Cut(rest, "/")   // <c>
	ns, rest, _ := strings.Cut(rest, "/")
	name, file, _ := strings.Cut(rest, "/")
	return regdata.ModuleAddr{Namespace: ns, Name: name, System: strings.TrimSuffix(file, ".json")}
}

// prov returns a provider entry's address, from its file path
// providers/<c>/<namespace>/<type>.json.
func (e entry) prov() regdata.ProviderAddr {
	_, rest, _ := strings.Cut(e.rel, "/") // providers
	_, rest, _ = strings.Cut(rest, "/")   // <c>
	ns, file, _ := strings.Cut(rest, "/")
	return regdata.ProviderAddr{Namespace: ns, Type: strings.TrimSuffix(file, ".json")}
}

// listEntries returns every entry in manifest key order: modules, then
// providers, then the global entry. Files outside the data layout are
// logged and skipped; two files whose addresses differ only in case are an
// error naming both.
func listEntries(ctx context.Context, d regdata.Dir, log *slog.Logger) ([]entry, error) {
	provs, mods, bad, err := listData(ctx, d)
	if err != nil {
		return nil, err
	}
	for _, b := range bad {
		log.Warn("ignoring a file outside the data layout", "file", b)
	}
	entries := make([]entry, 0, len(mods)+len(provs)+1)
	var errs []error
	for _, a := range mods {
		entries = append(entries, entry{key: a.Key(), kind: kindModule, rel: regdata.ModuleFilePath(a)})
	}
	for _, a := range provs {
		entries = append(entries, entry{key: a.Key(), kind: kindProvider, rel: regdata.ProviderFilePath(a)})
	}
	out := entries[:0]
	for i, e := range entries {
		if i > 0 && e.key == entries[i-1].key {
			errs = append(errs, fmt.Errorf("%s and %s both publish %s: API paths are lower-cased, so addresses may not differ only in case",
				entries[i-1].rel, e.rel, e.apiPath()))
			continue
		}
		out = append(out, e)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return append(out, entry{key: globalKey, kind: kindGlobal}), nil
}

func (e entry) apiPath() string {
	switch e.kind {
	case kindProvider:
		return "v1/providers/" + e.prov().APIPath()
	case kindModule:
		return "v1/modules/" + e.mod().APIPath()
	}
	return e.key
}
