package discovery

import (
	"strings"
	"time"

	"github.com/regen-registry/regen/generator/search"
)

// Module is a module version as registry.terraform.io lists it: the object
// of listings, searches and per-name summaries, and the first members of a
// module detail.
type Module struct {
	ID              string    `json:"id"` // "namespace/name/provider/version"
	Owner           string    `json:"owner"`
	Namespace       string    `json:"namespace"`
	Name            string    `json:"name"`
	Version         string    `json:"version"`
	Provider        string    `json:"provider"`
	ProviderLogoURL string    `json:"provider_logo_url"`
	Description     string    `json:"description"`
	Source          string    `json:"source"`
	Tag             string    `json:"tag"`
	PublishedAt     time.Time `json:"published_at,omitzero"` // left out when the data has no date
	Downloads       int64     `json:"downloads"`
	Verified        bool      `json:"verified"`
}

// ModuleObject renders an index row as a listing object. Namespace, name
// and provider keep the data folder's case; the owner is the namespace.
func ModuleObject(m search.Module) Module {
	return Module{
		ID:          m.Namespace + "/" + m.Name + "/" + m.Provider + "/" + m.Version,
		Owner:       m.Namespace,
		Namespace:   m.Namespace,
		Name:        m.Name,
		Version:     m.Version,
		Provider:    m.Provider,
		Description: m.Description,
		Source:      m.Source,
		Tag:         m.Tag,
		PublishedAt: m.PublishedAt.UTC(),
		Downloads:   m.Downloads,
		Verified:    m.Verified,
	}
}

// Provider is a provider as registry.terraform.io lists it (GET
// /v1/providers).
type Provider struct {
	ID          string    `json:"id"` // "namespace/type/version"
	Owner       string    `json:"owner"`
	Namespace   string    `json:"namespace"`
	Name        string    `json:"name"`
	Alias       string    `json:"alias"`
	Version     string    `json:"version"`
	Tag         string    `json:"tag"`
	Description string    `json:"description"`
	Source      string    `json:"source"`
	PublishedAt time.Time `json:"published_at,omitzero"` // left out when the data has no date
	Downloads   int64     `json:"downloads"`
	Tier        string    `json:"tier"`
	LogoURL     string    `json:"logo_url"`
}

// ProviderTier is the tier of every provider regen lists: it has no
// notion of official or partner providers.
const ProviderTier = "community"

// ProviderObject renders an index row as a provider listing object. The
// tag is the version with a leading "v", as provider releases are tagged.
func ProviderObject(p search.Provider) Provider {
	return Provider{
		ID:          p.Namespace + "/" + p.Type + "/" + p.Version,
		Owner:       p.Namespace,
		Namespace:   p.Namespace,
		Name:        p.Type,
		Alias:       strings.ToLower(p.Type),
		Version:     p.Version,
		Tag:         "v" + p.Version,
		Description: p.Description,
		Source:      p.Source,
		PublishedAt: p.PublishedAt.UTC(),
		Downloads:   p.Downloads,
		Tier:        ProviderTier,
	}
}
