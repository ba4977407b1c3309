package discovery

import (
	"strings"

	"github.com/regen-registry/regen/generator/search"
	"github.com/regen-registry/regen/manifest"
)

// The listing pages the build writes (the first page of every listing;
// the others are answered from the search index) are rendered while the
// summaries stream by in key order: a namespace's modules, and a
// namespace and name's, are contiguous in that order, so each listing
// needs only its best search.DefaultLimit rows and a count.

// topRows keeps the best search.DefaultLimit module rows in index order
// (downloads descending, then key) and counts every row offered.
type topRows struct {
	rows  []search.Module
	total int
}

func (t *topRows) offer(m search.Module) {
	t.total++
	i := len(t.rows)
	for i > 0 && before(m, t.rows[i-1]) {
		i--
	}
	if i >= search.DefaultLimit {
		return
	}
	if len(t.rows) < search.DefaultLimit {
		t.rows = append(t.rows, search.Module{})
	}
	copy(t.rows[i+1:], t.rows[i:len(t.rows)-1])
	t.rows[i] = m
}

// before reports whether a comes before b in index order.
func before(a, b search.Module) bool {
	if a.Downloads != b.Downloads {
		return a.Downloads > b.Downloads
	}
	return a.Key() < b.Key()
}

func (t *topRows) result() search.Result {
	return search.Result{Total: t.total, Modules: t.rows}
}

// moduleGroup is the listing of one namespace, or namespace and name.
type moduleGroup struct {
	key string // lower-cased "ns" or "ns/name"; "" before the first
	top topRows
}

// listModule offers a module row (in key order) to the listings.
func (f *finisher) listModule(m search.Module) error {
	f.topModules.offer(m)
	ns, name := strings.ToLower(m.Namespace), strings.ToLower(m.Name)
	if f.nsGroup.key != ns {
		if err := f.endNamespace(); err != nil {
			return err
		}
		f.nsGroup = moduleGroup{key: ns}
	}
	f.nsGroup.top.offer(m)
	if k := ns + "/" + name; f.nameGroup.key != k {
		if err := f.endName(); err != nil {
			return err
		}
		f.nameGroup = moduleGroup{key: k}
	}
	f.nameGroup.top.offer(m)
	return nil
}

// endNamespace writes the listing of the namespace just streamed.
// /v1/modules/search is the search endpoint: that namespace's listing is
// answered only with parameters.
func (f *finisher) endNamespace() error {
	if f.nsGroup.key == "" || f.nsGroup.key == "search" {
		return nil
	}
	return f.modulePage("/v1/modules/"+f.nsGroup.key, f.nsGroup.top.result())
}

func (f *finisher) endName() error {
	if f.nameGroup.key == "" {
		return nil
	}
	return f.modulePage("/v1/modules/"+f.nameGroup.key, f.nameGroup.top.result())
}

// endModules writes the listings still open and the first page of all
// modules.
func (f *finisher) endModules() error {
	if err := f.endNamespace(); err != nil {
		return err
	}
	if err := f.endName(); err != nil {
		return err
	}
	return f.modulePage("/v1/modules", f.topModules.result())
}

func (f *finisher) modulePage(urlPath string, res search.Result) error {
	p := strings.TrimPrefix(urlPath, "/") + "/" + manifest.DirIndex
	if err := f.once(p); err != nil {
		return err
	}
	data, err := RenderModuleList(urlPath, nil, 0, search.DefaultLimit, res)
	if err != nil {
		return err
	}
	return f.put(p, data)
}

// providerGroup is the listing of one provider namespace: its first rows
// in key order and a count.
type providerGroup struct {
	key   string
	rows  []search.Provider
	total int
}

func (g *providerGroup) offer(p search.Provider) {
	g.total++
	if len(g.rows) < search.DefaultLimit {
		g.rows = append(g.rows, p)
	}
}

// listProvider offers a provider row (in key order) to the listings.
func (f *finisher) listProvider(p search.Provider) error {
	if len(f.topProviders) < search.DefaultLimit {
		f.topProviders = append(f.topProviders, p)
	}
	if ns := strings.ToLower(p.Namespace); f.provNS.key != ns {
		if err := f.endProviderNamespace(); err != nil {
			return err
		}
		f.provNS = providerGroup{key: ns}
	}
	f.provNS.offer(p)
	return nil
}

func (f *finisher) endProviderNamespace() error {
	if f.provNS.key == "" {
		return nil
	}
	return f.providerPage("/v1/providers/"+f.provNS.key, f.provNS.total, f.provNS.rows)
}

// endProviders writes the last namespace's listing and the first page of
// all providers.
func (f *finisher) endProviders() error {
	if err := f.endProviderNamespace(); err != nil {
		return err
	}
	return f.providerPage("/v1/providers", f.providers, f.topProviders)
}

func (f *finisher) providerPage(urlPath string, total int, rows []search.Provider) error {
	p := strings.TrimPrefix(urlPath, "/") + "/" + manifest.DirIndex
	if err := f.once(p); err != nil {
		return err
	}
	data, err := RenderProviderList(urlPath, nil, 0, search.DefaultLimit, total, rows)
	if err != nil {
		return err
	}
	return f.put(p, data)
}
