package release

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/regen-registry/regen/ingest/github"
	"github.com/regen-registry/regen/regdata"
)

// Size limits of downloaded assets.
const (
	maxSums     = 1 << 20
	maxSig      = 64 << 10
	maxManifest = 1 << 20
	// DefaultMaxPackage bounds one platform zip.
	DefaultMaxPackage = 2 << 30
)

// DefaultTimeout bounds the fetch of one release, every asset included, so
// that a slow or stalling server cannot hold the run.
const DefaultTimeout = 30 * time.Minute

// ErrNoChecksums is returned (wrapped) when the release has no SHA256SUMS
// asset under either naming: the tag has no provider release (yet).
var ErrNoChecksums = errors.New("checksums not found in release")

// Fetcher downloads and verifies provider releases.
type Fetcher struct {
	// Client downloads the assets.
	Client *github.Client
	// TempDir holds zips while they are hashed ("" = os.TempDir()).
	TempDir string
	// MaxPackage bounds one zip's size (0 = DefaultMaxPackage).
	MaxPackage int64
	// Zip bounds the work of hashing one zip (zero fields: defaults).
	Zip ZipLimits
	// Timeout bounds one release's fetch, downloads and hashing included
	// (0 = DefaultTimeout).
	Timeout time.Duration
}

// Request names the release to fetch.
type Request struct {
	// Repo is where the release lives.
	Repo github.Repo
	// Tag is the release's git tag ("v1.2.0").
	Tag string
	// Version is the normalised version without "v" ("1.2.0").
	Version string
	// Type is the provider type; assets are named
	// terraform-provider-<type>_<version>_… (or, when the repository has
	// another name, <repository>_<version>_…).
	Type string
	// Keys are the keys whose signature on SHA256SUMS is accepted.
	Keys openpgp.EntityList
}

// Release is a fetched and verified release.
type Release struct {
	// ProviderVersion is the release as a data-file version (Discovered
	// left empty).
	regdata.ProviderVersion
	// SignedBy is the ID of the primary key whose signature on SHA256SUMS
	// verified (16 hex digits, upper case), for reviewers to see which of
	// the trusted keys signed.
	SignedBy string
}

// Fetch downloads, verifies and hashes one release. Every check failing is
// an error saying which asset and why; nothing partial is returned.
func (f *Fetcher) Fetch(ctx context.Context, req Request) (Release, error) {
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var signer string
	v, err := f.fetch(rctx, req, &signer)
	if err != nil {
		if ctx.Err() == nil && errors.Is(rctx.Err(), context.DeadlineExceeded) {
			return Release{}, fmt.Errorf("release %s took longer than %v, given up: %w", req.Tag, timeout, err)
		}
		return Release{}, err
	}
	return Release{ProviderVersion: v, SignedBy: signer}, nil
}

func (f *Fetcher) fetch(ctx context.Context, req Request, signer *string) (regdata.ProviderVersion, error) {
	ep := f.Client.Endpoints()
	asset := func(name string) string { return ep.ReleaseAsset(req.Repo, req.Tag, name) }

	// 1. SHA256SUMS, under <name>_<version>_ or <name>_v<version>_.
	var prefix string
	var sumsData []byte
	for _, p := range assetPrefixes(req) {
		b, err := f.Client.Fetch(ctx, asset(p+"_SHA256SUMS"), maxSums)
		var se *github.StatusError
		if errors.As(err, &se) && se.NotFound() {
			continue
		}
		if err != nil {
			return regdata.ProviderVersion{}, fmt.Errorf("downloading SHA256SUMS: %w", err)
		}
		prefix, sumsData = p, b
		break
	}
	if sumsData == nil {
		return regdata.ProviderVersion{}, fmt.Errorf("%w: no %s_SHA256SUMS asset in release %s", ErrNoChecksums, assetPrefixes(req)[0], req.Tag)
	}
	v := regdata.ProviderVersion{
		Version:             req.Version,
		SHASumsURL:          asset(prefix + "_SHA256SUMS"),
		SHASumsSignatureURL: asset(prefix + "_SHA256SUMS.sig"),
	}

	// 2. The signature, against the namespace's and provider's keys.
	sig, err := f.Client.Fetch(ctx, v.SHASumsSignatureURL, maxSig)
	if err != nil {
		return regdata.ProviderVersion{}, fmt.Errorf("downloading %s_SHA256SUMS.sig: %w", prefix, err)
	}
	if *signer, err = VerifySignature(req.Keys, sumsData, sig); err != nil {
		return regdata.ProviderVersion{}, fmt.Errorf("%s_SHA256SUMS: %w", prefix, err)
	}
	sums, err := ParseSums(sumsData)
	if err != nil {
		return regdata.ProviderVersion{}, err
	}
	pkgs := sums.Packages(prefix)
	if len(pkgs) == 0 {
		return regdata.ProviderVersion{}, fmt.Errorf("%s_SHA256SUMS lists no %s_<os>_<arch>.zip packages", prefix, prefix)
	}

	// 3. Protocols from the manifest.
	v.Protocols, err = f.protocols(ctx, asset(prefix+"_manifest.json"))
	if err != nil {
		return regdata.ProviderVersion{}, err
	}

	// 4. Every package: checksum, h1, size.
	for _, p := range pkgs {
		t, err := f.target(ctx, asset(p.Filename), p)
		if err != nil {
			return regdata.ProviderVersion{}, err
		}
		v.Targets = append(v.Targets, t)
	}
	return v, nil
}

// assetPrefixes lists the asset name prefixes to try, most likely first.
func assetPrefixes(req Request) []string {
	names := []string{"terraform-provider-" + req.Type}
	if req.Type == "" {
		names[0] = req.Repo.Name
	} else if !strings.EqualFold(req.Repo.Name, names[0]) {
		names = append(names, req.Repo.Name)
	}
	var out []string
	for _, n := range names {
		out = append(out, n+"_"+req.Version, n+"_v"+req.Version)
	}
	return out
}

// protocols reads the manifest; a release without one gets the default.
func (f *Fetcher) protocols(ctx context.Context, url string) ([]string, error) {
	b, err := f.Client.Fetch(ctx, url, maxManifest)
	var se *github.StatusError
	if errors.As(err, &se) && se.NotFound() {
		return append([]string(nil), DefaultProtocols...), nil
	}
	if err != nil {
		return nil, fmt.Errorf("downloading manifest: %w", err)
	}
	p, err := ParseManifest(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	return p, nil
}

// target downloads one package to a temporary file, checks its SHA-256
// and computes its h1: hash and size.
func (f *Fetcher) target(ctx context.Context, url string, p Package) (regdata.Target, error) {
	tmp, err := os.CreateTemp(f.TempDir, "regen-pkg-*.zip")
	if err != nil {
		return regdata.Target{}, fmt.Errorf("creating a temporary file for %s: %w", p.Filename, err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	limit := f.MaxPackage
	if limit <= 0 {
		limit = DefaultMaxPackage
	}
	h := sha256.New()
	n, err := f.Client.Download(ctx, url, io.MultiWriter(tmp, h), limit)
	if err != nil {
		return regdata.Target{}, fmt.Errorf("downloading %s: %w", p.Filename, err)
	}
	if err := tmp.Close(); err != nil {
		return regdata.Target{}, fmt.Errorf("writing %s: %w", tmp.Name(), err)
	}
	got := hex.EncodeToString(h.Sum(nil))
	if got != p.SHA256 {
		return regdata.Target{}, fmt.Errorf("checksum mismatch for %s: SHA256SUMS says %s, the download is %s", p.Filename, p.SHA256, got)
	}
	h1, err := HashZip(ctx, tmp.Name(), f.Zip)
	if err != nil {
		return regdata.Target{}, fmt.Errorf("hashing %s: %w", p.Filename, err)
	}
	return regdata.Target{
		OS:          p.OS,
		Arch:        p.Arch,
		Filename:    p.Filename,
		DownloadURL: url,
		SHASum:      p.SHA256,
		H1:          h1,
		Size:        n,
	}, nil
}
