package ghtest

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/dirhash"
)

// Platform is an os/arch pair a provider is built for.
type Platform struct {
	OS   string
	Arch string
}

// String returns "os_arch", the form used in file names.
func (p Platform) String() string { return p.OS + "_" + p.Arch }

// ProviderRelease describes a goreleaser-style Terraform provider release
// to publish with AddProviderRelease.
type ProviderRelease struct {
	// Type is the provider type, e.g. "widget" for terraform-provider-widget.
	Type string
	// Version is the version without a leading "v", e.g. "1.2.3".
	Version string
	// Tag defaults to "v" + Version.
	Tag string
	// Title is the release name shown in the feed (default: the tag).
	Title string
	// Body is the release notes.
	Body string
	// Platforms default to linux_amd64 alone.
	Platforms []Platform
	// Protocols, when set, are published in
	// terraform-provider-TYPE_VERSION_manifest.json (also listed in
	// SHA256SUMS), as HashiCorp's release tooling does.
	Protocols []string
	// Key signs SHA256SUMS into SHA256SUMS.sig; nil publishes no signature.
	Key *Key
	// Published is the release time (also the zip entries' time); zero
	// takes the repository clock.
	Published time.Time
	// Commit is the commit to tag when Tag does not exist yet ("" commits a
	// VERSION file). An existing tag is used as it is.
	Commit string
	// Draft and Prerelease are passed on to the release.
	Draft, Prerelease bool

	// BadSignature publishes a well-formed signature over different bytes,
	// which verifiers reject ("openpgp: invalid signature").
	BadSignature bool
	// WrongChecksumFor lists platforms whose SHA256SUMS line is wrong.
	WrongChecksumFor []Platform
	// MissingSums publishes neither SHA256SUMS nor its signature.
	MissingSums bool
	// MissingSignature publishes SHA256SUMS without SHA256SUMS.sig even
	// though Key is set.
	MissingSignature bool
	// PackageZips replaces the built zip of these platforms with the given
	// bytes (hostile packages: zip bombs, broken zips), listed in
	// SHA256SUMS with their true checksum. Their H1 is left empty: it is
	// never computed here.
	PackageZips map[Platform][]byte
}

// ProviderPackage is one platform's zip as published.
type ProviderPackage struct {
	OS          string
	Arch        string
	Filename    string // terraform-provider-TYPE_VERSION_OS_ARCH.zip
	DownloadURL string
	Zip         []byte
	// SHA256 is the hex SHA-256 of Zip, the registry's "shasum" (the true
	// value, even when WrongChecksumFor corrupts the SHA256SUMS line).
	SHA256 string
	// H1 is dirhash.HashZip(Zip, dirhash.Hash1), the "h1:..." lock-file hash.
	H1   string
	Size int64
}

// ProviderArtifacts is everything AddProviderRelease published. URLs of
// files a knob left out (MissingSums, MissingSignature, no Key, no
// Protocols) are still filled in: they are where a client would look, and
// answer 404.
type ProviderArtifacts struct {
	Owner, Repo  string
	Type         string
	Version      string
	Tag          string
	Commit       string // the commit the tag peels to
	Protocols    []string
	Published    time.Time
	Packages     []ProviderPackage // in Platforms order
	KeyID        string            // "" without Key
	ArmoredKey   string            // "" without Key
	Release      PublishedRelease
	ShasumsName  string // terraform-provider-TYPE_VERSION_SHA256SUMS
	ShasumsURL   string
	Shasums      []byte // the SHA256SUMS content as published (or as it would be)
	SignatureURL string // ShasumsURL + ".sig"
	Signature    []byte
	ManifestName string // terraform-provider-TYPE_VERSION_manifest.json
	ManifestURL  string
	Manifest     []byte
}

// Package returns the package for os/arch, or nil.
func (a *ProviderArtifacts) Package(osName, arch string) *ProviderPackage {
	for i := range a.Packages {
		if a.Packages[i].OS == osName && a.Packages[i].Arch == arch {
			return &a.Packages[i]
		}
	}
	return nil
}

var (
	providerTypeRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	platformRE     = regexp.MustCompile(`^[a-z0-9]+$`)
)

// AddProviderRelease builds and publishes a provider release in owner/repo
// (created when missing): one zip per platform holding an executable shell
// script named terraform-provider-TYPE_vVERSION (Terraform checks and
// unpacks it, never runs it during init), SHA256SUMS in goreleaser's
// "<hex>  <file>" format, its detached signature and the protocol
// manifest. It tags a commit, publishes the release assets and adds the
// release to releases.atom.
func (s *Server) AddProviderRelease(ownerName, repoName string, pr ProviderRelease) *ProviderArtifacts {
	s.t.Helper()
	if !providerTypeRE.MatchString(pr.Type) {
		s.t.Fatalf("ghtest: provider type %q must be lower-case letters, digits and dashes", pr.Type)
	}
	if pr.Version == "" || strings.HasPrefix(pr.Version, "v") || strings.ContainsAny(pr.Version, "/_ ") {
		s.t.Fatalf("ghtest: provider version %q must be a version without leading v", pr.Version)
	}
	if pr.Key == nil && pr.BadSignature {
		s.t.Fatalf("ghtest: BadSignature needs a Key")
	}
	if pr.Tag == "" {
		pr.Tag = "v" + pr.Version
	}
	if len(pr.Platforms) == 0 {
		pr.Platforms = []Platform{{OS: "linux", Arch: "amd64"}}
	}
	repo := s.repoOrNew(ownerName, repoName)
	if pr.Published.IsZero() {
		pr.Published = repo.Now()
	}
	prefix := fmt.Sprintf("terraform-provider-%s_%s", pr.Type, pr.Version)
	a := &ProviderArtifacts{
		Owner:        repo.owner,
		Repo:         repo.name,
		Type:         pr.Type,
		Version:      pr.Version,
		Tag:          pr.Tag,
		Protocols:    slices.Clone(pr.Protocols),
		Published:    pr.Published,
		ShasumsName:  prefix + "_SHA256SUMS",
		ManifestName: prefix + "_manifest.json",
	}
	a.ShasumsURL = repo.downloadURL(pr.Tag, a.ShasumsName)
	a.SignatureURL = a.ShasumsURL + ".sig"
	a.ManifestURL = repo.downloadURL(pr.Tag, a.ManifestName)

	sums := map[string]string{} // file name → hex as written in SHA256SUMS
	var assets []Asset
	seen := map[Platform]bool{}
	for _, p := range pr.Platforms {
		if !platformRE.MatchString(p.OS) || !platformRE.MatchString(p.Arch) || seen[p] {
			s.t.Fatalf("ghtest: invalid or duplicate platform %q", p)
		}
		seen[p] = true
		pkg, err := s.providerPackage(pr.Type, pr.Version, p, pr.Published)
		if err != nil {
			s.t.Fatalf("ghtest: building %s %s for %s: %v", pr.Type, pr.Version, p, err)
		}
		if z, ok := pr.PackageZips[p]; ok {
			sum := sha256.Sum256(z)
			pkg.Zip, pkg.SHA256, pkg.H1, pkg.Size = z, hex.EncodeToString(sum[:]), "", int64(len(z))
		}
		pkg.DownloadURL = repo.downloadURL(pr.Tag, pkg.Filename)
		sums[pkg.Filename] = pkg.SHA256
		if slices.Contains(pr.WrongChecksumFor, p) {
			wrong := sha256.Sum256(append(slices.Clone(pkg.Zip), "wrong"...))
			sums[pkg.Filename] = hex.EncodeToString(wrong[:])
		}
		a.Packages = append(a.Packages, pkg)
		assets = append(assets, Asset{Name: pkg.Filename, Data: pkg.Zip, ContentType: "application/zip"})
	}
	for _, p := range pr.WrongChecksumFor {
		if !seen[p] {
			s.t.Fatalf("ghtest: WrongChecksumFor names %s, which is not among the platforms", p)
		}
	}
	if len(pr.Protocols) > 0 {
		m, err := json.Marshal(map[string]any{
			"version":  1,
			"metadata": map[string]any{"protocol_versions": pr.Protocols},
		})
		if err != nil {
			s.t.Fatalf("ghtest: encoding manifest: %v", err)
		}
		a.Manifest = append(m, '\n')
		sum := sha256.Sum256(a.Manifest)
		sums[a.ManifestName] = hex.EncodeToString(sum[:])
		assets = append(assets, Asset{Name: a.ManifestName, Data: a.Manifest, ContentType: "application/json"})
	}
	a.Shasums = shasumsFile(sums)
	if pr.Key != nil {
		a.KeyID = pr.Key.KeyID()
		a.ArmoredKey = pr.Key.Armored()
		signed := a.Shasums
		if pr.BadSignature {
			signed = append(slices.Clone(a.Shasums), "tampered\n"...)
		}
		a.Signature = pr.Key.Sign(signed)
	}
	if !pr.MissingSums {
		assets = append(assets, Asset{Name: a.ShasumsName, Data: a.Shasums, ContentType: "text/plain"})
		if pr.Key != nil && !pr.MissingSignature {
			assets = append(assets, Asset{Name: a.ShasumsName + ".sig", Data: a.Signature})
		}
	}
	a.Release = repo.AddRelease(Release{
		Tag:        pr.Tag,
		Title:      pr.Title,
		Body:       pr.Body,
		Published:  pr.Published,
		Draft:      pr.Draft,
		Prerelease: pr.Prerelease,
		Commit:     pr.Commit,
		Assets:     assets,
	})
	a.Commit = a.Release.Commit
	return a
}

// shasumsFile writes goreleaser's checksum file: "<hex>  <name>" lines
// sorted by name.
func shasumsFile(sums map[string]string) []byte {
	names := make([]string, 0, len(sums))
	for n := range sums {
		names = append(names, n)
	}
	sort.Strings(names)
	var b bytes.Buffer
	for _, n := range names {
		fmt.Fprintf(&b, "%s  %s\n", sums[n], n)
	}
	return b.Bytes()
}

// providerPackage builds one platform's zip and its hashes.
func (s *Server) providerPackage(typ, version string, p Platform, when time.Time) (ProviderPackage, error) {
	exe := fmt.Sprintf("terraform-provider-%s_v%s", typ, version)
	if p.OS == "windows" {
		exe += ".exe"
	}
	script := fmt.Sprintf("#!/bin/sh\n"+
		"# %s for %s, made by ghtest. Terraform checks and unpacks this file\n"+
		"# during init but never runs it.\n"+
		"echo \"%s %s (%s): a test stub, not a real provider\" >&2\n"+
		"exit 1\n", exe, p, typ, version, p)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	fh := &zip.FileHeader{Name: exe, Method: zip.Deflate, Modified: when.UTC()}
	fh.SetMode(0o755)
	w, err := zw.CreateHeader(fh)
	if err != nil {
		return ProviderPackage{}, fmt.Errorf("adding %s to zip: %w", exe, err)
	}
	if _, err := w.Write([]byte(script)); err != nil {
		return ProviderPackage{}, fmt.Errorf("writing %s to zip: %w", exe, err)
	}
	if err := zw.Close(); err != nil {
		return ProviderPackage{}, fmt.Errorf("closing zip: %w", err)
	}
	data := buf.Bytes()
	h1, err := hashZip(s.work, data)
	if err != nil {
		return ProviderPackage{}, err
	}
	sum := sha256.Sum256(data)
	return ProviderPackage{
		OS:       p.OS,
		Arch:     p.Arch,
		Filename: fmt.Sprintf("terraform-provider-%s_%s_%s.zip", typ, version, p),
		Zip:      data,
		SHA256:   hex.EncodeToString(sum[:]),
		H1:       h1,
		Size:     int64(len(data)),
	}, nil
}

// hashZip computes the h1: hash of a zip's contents with dirhash.HashZip,
// which reads from a file.
func hashZip(dir string, data []byte) (string, error) {
	f, err := os.CreateTemp(dir, "provider-*.zip")
	if err != nil {
		return "", fmt.Errorf("creating temporary zip: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return "", fmt.Errorf("writing %s: %w", f.Name(), err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("writing %s: %w", f.Name(), err)
	}
	h, err := dirhash.HashZip(f.Name(), dirhash.Hash1)
	if err != nil {
		return "", fmt.Errorf("hashing %s: %w", f.Name(), err)
	}
	return h, nil
}
