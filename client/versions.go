package client

import (
	"context"
	"errors"
	"fmt"
)

// ModuleVersions returns the versions of a module as listed
// (GET <modules.v1>/<namespace>/<name>/<system>/versions), reading only the
// first entry of "modules" as Terraform does.
func (c *Client) ModuleVersions(ctx context.Context, addr ModuleAddr) ([]string, error) {
	what := "listing versions of module " + addr.String()
	if err := addr.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	mod, err := c.modulesURL(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	var doc struct {
		Modules []struct {
			Versions []struct {
				Version string `json:"version"`
			} `json:"versions"`
		} `json:"modules"`
	}
	if _, err := c.getJSON(ctx, join(mod, addr.Namespace, addr.Name, addr.System, "versions"), &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if len(doc.Modules) == 0 {
		return nil, fmt.Errorf("%s: %w", what, errors.New(`response has no "modules" entry`))
	}
	out := make([]string, 0, len(doc.Modules[0].Versions))
	for _, v := range doc.Modules[0].Versions {
		out = append(out, v.Version)
	}
	return out, nil
}

// ProviderVersions is the answer to a provider versions request.
type ProviderVersions struct {
	Versions []ProviderVersion `json:"versions"`
	// Warnings are messages the registry wants users to see, such as a
	// deprecation notice.
	Warnings []string `json:"warnings,omitempty"`
}

// ProviderVersion is one version of a provider with its protocols and
// platforms.
type ProviderVersion struct {
	Version   string     `json:"version"`
	Protocols []string   `json:"protocols"`
	Platforms []Platform `json:"platforms"`
}

// ProviderVersions returns the versions of a provider
// (GET <providers.v1>/<namespace>/<type>/versions).
func (c *Client) ProviderVersions(ctx context.Context, addr ProviderAddr) (*ProviderVersions, error) {
	what := "listing versions of provider " + addr.String()
	if err := addr.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	prov, err := c.providersURL(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	var doc ProviderVersions
	if _, err := c.getJSON(ctx, join(prov, addr.Namespace, addr.Type, "versions"), &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return &doc, nil
}
