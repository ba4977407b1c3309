package generator

import "github.com/regen-registry/regen/manifest"

// DiscoveryPath is the service discovery document's path.
const DiscoveryPath = ".well-known/terraform.json"

// Discovery returns the service discovery document. providers.v1 ends with
// "/" as clients require; both services are relative to the document.
func Discovery(Options) File {
	type services struct {
		Modules   string `json:"modules.v1"`
		Providers string `json:"providers.v1"`
	}
	return File{
		Path:  DiscoveryPath,
		Body:  encodeJSON(services{Modules: "/v1/modules/", Providers: "/v1/providers/"}),
		Class: manifest.ClassDiscovery,
	}
}
