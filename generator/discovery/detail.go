package discovery

import (
	"github.com/regen-registry/regen/moddocs"
	"github.com/regen-registry/regen/stats"
)

// ModuleDetail is the module detail document (GET
// /v1/modules/<ns>/<name>/<provider> for the latest version and
// …/<version>): the listing object, the documentation members, the target
// systems the module is published for and every published version, newest
// first.
type ModuleDetail struct {
	Module
	Root       moddocs.RegistryModule   `json:"root"`
	Submodules []moddocs.RegistryModule `json:"submodules"`
	Examples   []moddocs.RegistryModule `json:"examples"`
	Providers  []string                 `json:"providers"`
	Versions   []string                 `json:"versions"`
}

// RenderModuleDetail renders the detail of version index i of in.Versions
// with its documentation doc (nil: no documentation — the root then has
// no README, inputs or outputs).
func RenderModuleDetail(in ModuleInput, i int, doc *moddocs.Doc) ([]byte, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	return renderModuleDetail(&in, i, doc, in.versionList())
}

// versionList returns the normalised published versions, newest first.
func (in *ModuleInput) versionList() []string {
	out := make([]string, 0, len(in.Versions))
	for _, v := range in.Versions {
		out = append(out, v.Version)
	}
	return out
}

func renderModuleDetail(in *ModuleInput, i int, doc *moddocs.Doc, versions []string) ([]byte, error) {
	if doc == nil {
		doc = &moddocs.Doc{}
	}
	docs := moddocs.RenderRegistry(doc, in.Addr.Name)
	d := ModuleDetail{
		Module:     ModuleObject(in.searchModule(i)),
		Root:       docs.Root,
		Submodules: docs.Submodules,
		Examples:   docs.Examples,
		Providers:  in.systems(),
		Versions:   versions,
	}
	return Marshal(d)
}

// DownloadsSummary is the JSON:API document of
// GET /v2/modules/<ns>/<name>/<provider>/downloads/summary.
type DownloadsSummary struct {
	Data DownloadsSummaryData `json:"data"`
}

// DownloadsSummaryData is the document's resource object.
type DownloadsSummaryData struct {
	Type       string        `json:"type"` // "module-downloads-summary"
	ID         string        `json:"id"`   // "namespace/name/provider"
	Attributes stats.Summary `json:"attributes"`
}

// RenderDownloadsSummary renders a module's downloads summary; id is
// "namespace/name/provider" as the data folder spells it.
func RenderDownloadsSummary(id string, s stats.Summary) ([]byte, error) {
	return Marshal(DownloadsSummary{Data: DownloadsSummaryData{Type: "module-downloads-summary", ID: id, Attributes: s}})
}
