package client

import (
	"context"
	"fmt"
	"net/url"
)

// ProviderPackage is the download document of a provider version for one
// platform. Its URLs are absolute: relative ones in the response are
// resolved against the response URL.
type ProviderPackage struct {
	Protocols           []string    `json:"protocols"`
	OS                  string      `json:"os"`
	Arch                string      `json:"arch"`
	Filename            string      `json:"filename"`
	DownloadURL         string      `json:"download_url"`
	SHASumsURL          string      `json:"shasums_url"`
	SHASumsSignatureURL string      `json:"shasums_signature_url"`
	SHASum              string      `json:"shasum"` // hex SHA-256 of the zip
	SigningKeys         SigningKeys `json:"signing_keys"`
}

// SigningKeys are the keys that may have signed the SHA256SUMS file.
type SigningKeys struct {
	GPGPublicKeys []GPGPublicKey `json:"gpg_public_keys"`
}

// GPGPublicKey is one OpenPGP public key.
type GPGPublicKey struct {
	KeyID          string `json:"key_id"`
	ASCIIArmor     string `json:"ascii_armor"`
	TrustSignature string `json:"trust_signature"`
	Source         string `json:"source"`
	SourceURL      string `json:"source_url"`
}

// ProviderDownload returns the download document of a provider version for
// a platform (GET <providers.v1>/<namespace>/<type>/<version>/download/<os>/<arch>).
// A document whose os or arch does not echo the request is an error, as
// it is for Terraform.
func (c *Client) ProviderDownload(ctx context.Context, addr ProviderAddr, version string, p Platform) (*ProviderPackage, error) {
	what := fmt.Sprintf("getting provider %s %s for %s", addr, version, p)
	if err := addr.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if err := checkSegments(what, version, p.OS, p.Arch); err != nil {
		return nil, err
	}
	prov, err := c.providersURL(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	var pkg ProviderPackage
	final, err := c.getJSON(ctx, join(prov, addr.Namespace, addr.Type, version, "download", p.OS, p.Arch), &pkg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if pkg.OS != p.OS || pkg.Arch != p.Arch {
		return nil, fmt.Errorf("%s: %s answered for %s_%s", what, final.Redacted(), pkg.OS, pkg.Arch)
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"download_url", &pkg.DownloadURL}, {"shasums_url", &pkg.SHASumsURL}, {"shasums_signature_url", &pkg.SHASumsSignatureURL}} {
		if *f.v == "" {
			continue
		}
		if *f.v, err = resolveURL(final, *f.v); err != nil {
			return nil, fmt.Errorf("%s: %s: field %q: %w", what, final.Redacted(), f.name, err)
		}
	}
	return &pkg, nil
}

// resolveURL resolves ref against base.
func resolveURL(base *url.URL, ref string) (string, error) {
	r, err := url.Parse(ref)
	if err != nil {
		return "", err
	}
	return base.ResolveReference(r).String(), nil
}
