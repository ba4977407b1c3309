package uploadtest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/regen-registry/regen/manifest"
)

// Registry describes a small registry tree to build.
type Registry struct {
	// Host is the mirror hostname (default "registry.example.test").
	Host      string
	Providers []Provider
	Modules   []Module
	// Options goes into the manifest header.
	Options string
}

// Provider is a provider with its versions, newest first.
type Provider struct {
	Namespace, Type string
	Versions        []ProviderVersion
}

// ProviderVersion is one provider release.
type ProviderVersion struct {
	Version string
	// Platforms are "os_arch" pairs (default linux_amd64 and darwin_arm64).
	Platforms []string
}

// Module is a module with its versions.
type Module struct {
	Namespace, Name, System string
	Versions                []string
}

// Tree paths and entry keys of the test layout.
const (
	DiscoveryPath        = ".well-known/terraform.json"
	ProviderListingPath  = "listings/providers.json"
	ModuleListingPath    = "listings/modules.json"
	globalKey            = "~global"
	defaultHost          = "registry.example.test"
	providerVersionsTmpl = "v1/providers/%s/%s/versions"
)

// ProviderVersionsPath is the `versions` index of a provider.
func ProviderVersionsPath(ns, typ string) string { return fmt.Sprintf(providerVersionsTmpl, ns, typ) }

// ProviderDownloadPath is the download document of one platform.
func ProviderDownloadPath(ns, typ, version, os, arch string) string {
	return fmt.Sprintf("v1/providers/%s/%s/%s/download/%s/%s", ns, typ, version, os, arch)
}

// MirrorIndexPath is the network mirror's index.json of a provider.
func MirrorIndexPath(host, ns, typ string) string {
	return fmt.Sprintf("mirror/%s/%s/%s/index.json", host, ns, typ)
}

// MirrorVersionPath is the network mirror's <version>.json.
func MirrorVersionPath(host, ns, typ, version string) string {
	return fmt.Sprintf("mirror/%s/%s/%s/%s.json", host, ns, typ, version)
}

// ModuleVersionsPath is the `versions` index of a module.
func ModuleVersionsPath(ns, name, system string) string {
	return fmt.Sprintf("v1/modules/%s/%s/%s/versions", ns, name, system)
}

// ModuleDownloadPath is the download document of a module version.
func ModuleDownloadPath(ns, name, system, version string) string {
	return fmt.Sprintf("v1/modules/%s/%s/%s/%s/download", ns, name, system, version)
}

type doc struct {
	path  string
	class manifest.Class
	body  []byte
}

func jsonDoc(p string, class manifest.Class, v any) doc {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		panic(err) // only plain maps and slices are marshalled
	}
	return doc{path: p, class: class, body: append(b, '\n')}
}

func (r Registry) host() string {
	if r.Host == "" {
		return defaultHost
	}
	return r.Host
}

func platforms(v ProviderVersion) [][2]string {
	ps := v.Platforms
	if len(ps) == 0 {
		ps = []string{"linux_amd64", "darwin_arm64"}
	}
	out := make([][2]string, 0, len(ps))
	for _, p := range ps {
		o, a, _ := strings.Cut(p, "_")
		out = append(out, [2]string{o, a})
	}
	return out
}

func (r Registry) providerDocs(p Provider) []doc {
	var docs []doc
	var versions []any
	mirror := map[string]any{}
	for _, v := range p.Versions {
		var plats []any
		archives := map[string]any{}
		for _, oa := range platforms(v) {
			filename := fmt.Sprintf("terraform-provider-%s_%s_%s_%s.zip", p.Type, v.Version, oa[0], oa[1])
			fake := sha256.Sum256([]byte(p.Namespace + "/" + p.Type + "/" + filename))
			plats = append(plats, map[string]string{"os": oa[0], "arch": oa[1]})
			docs = append(docs, jsonDoc(ProviderDownloadPath(p.Namespace, p.Type, v.Version, oa[0], oa[1]), manifest.ClassLeaf, map[string]any{
				"protocols":             []string{"5.0"},
				"os":                    oa[0],
				"arch":                  oa[1],
				"filename":              filename,
				"download_url":          "https://releases.example.test/" + p.Type + "/" + v.Version + "/" + filename,
				"shasums_url":           "https://releases.example.test/" + p.Type + "/" + v.Version + "/SHA256SUMS",
				"shasums_signature_url": "https://releases.example.test/" + p.Type + "/" + v.Version + "/SHA256SUMS.sig",
				"shasum":                hex.EncodeToString(fake[:]),
				"signing_keys":          map[string]any{"gpg_public_keys": []any{}},
			}))
			archives[oa[0]+"_"+oa[1]] = map[string]any{
				"url":    "https://releases.example.test/" + p.Type + "/" + v.Version + "/" + filename,
				"hashes": []string{"zh:" + hex.EncodeToString(fake[:])},
			}
		}
		versions = append(versions, map[string]any{"version": v.Version, "protocols": []string{"5.0"}, "platforms": plats})
		mirror[v.Version] = map[string]any{}
		docs = append(docs, jsonDoc(MirrorVersionPath(r.host(), p.Namespace, p.Type, v.Version), manifest.ClassLeaf, map[string]any{"archives": archives}))
	}
	docs = append(docs,
		jsonDoc(ProviderVersionsPath(p.Namespace, p.Type), manifest.ClassIndex, map[string]any{"versions": versions}),
		jsonDoc(MirrorIndexPath(r.host(), p.Namespace, p.Type), manifest.ClassIndex, map[string]any{"versions": mirror}),
	)
	return docs
}

func moduleDocs(m Module) []doc {
	var docs []doc
	var versions []any
	for _, v := range m.Versions {
		versions = append(versions, map[string]string{"version": v})
		docs = append(docs, jsonDoc(ModuleDownloadPath(m.Namespace, m.Name, m.System, v), manifest.ClassLeaf, map[string]string{
			"location": "git::https://git.example.test/" + m.Namespace + "/" + m.Name + "?ref=v" + v,
		}))
	}
	docs = append(docs, jsonDoc(ModuleVersionsPath(m.Namespace, m.Name, m.System), manifest.ClassIndex,
		map[string]any{"modules": []any{map[string]any{"versions": versions}}}))
	return docs
}

func (r Registry) globalDocs() []doc {
	var provs, mods []any
	for _, p := range r.Providers {
		latest := ""
		if len(p.Versions) > 0 {
			latest = p.Versions[0].Version
		}
		provs = append(provs, map[string]string{"id": p.Namespace + "/" + p.Type, "latest": latest, "versions": "/" + ProviderVersionsPath(p.Namespace, p.Type)})
	}
	for _, m := range r.Modules {
		mods = append(mods, map[string]string{"id": m.Namespace + "/" + m.Name + "/" + m.System, "versions": "/" + ModuleVersionsPath(m.Namespace, m.Name, m.System)})
	}
	return []doc{
		jsonDoc(ProviderListingPath, manifest.ClassListing, map[string]any{"providers": provs}),
		jsonDoc(ModuleListingPath, manifest.ClassListing, map[string]any{"modules": mods}),
		jsonDoc(DiscoveryPath, manifest.ClassDiscovery, map[string]string{"modules.v1": "/v1/modules/", "providers.v1": "/v1/providers/"}),
	}
}

// Build writes the registry's tree and build manifest into dir, replacing
// whatever dir held.
func Build(dir string, r Registry) error {
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("clearing %s: %w", dir, err)
	}
	type entry struct {
		key  string
		docs []doc
	}
	var entries []entry
	for _, p := range r.Providers {
		entries = append(entries, entry{"providers/" + p.Namespace + "/" + p.Type, r.providerDocs(p)})
	}
	for _, m := range r.Modules {
		entries = append(entries, entry{"modules/" + m.Namespace + "/" + m.Name + "/" + m.System, moduleDocs(m)})
	}
	entries = append(entries, entry{globalKey, r.globalDocs()})
	sort.Slice(entries, func(i, j int) bool { return entries[i].key < entries[j].key })

	if err := os.MkdirAll(filepath.Join(dir, path.Dir(manifest.Path)), 0o755); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, manifest.Path))
	if err != nil {
		return err
	}
	defer f.Close()
	w, err := manifest.NewWriter(f, manifest.Header{Options: r.Options})
	if err != nil {
		return err
	}
	for _, e := range entries {
		me := manifest.Entry{Key: e.key}
		sort.Slice(e.docs, func(i, j int) bool { return e.docs[i].path < e.docs[j].path })
		in := sha256.New()
		for _, d := range e.docs {
			p := filepath.Join(dir, filepath.FromSlash(d.path))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(p, d.body, 0o644); err != nil {
				return err
			}
			sum := sha256.Sum256(d.body)
			in.Write(sum[:])
			me.Files = append(me.Files, manifest.File{
				Path: d.path, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(d.body)),
				Type: manifest.ContentType(d.path), Class: d.class,
			})
		}
		me.Input = hex.EncodeToString(in.Sum(nil))
		if err := w.Write(me); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	return f.Close()
}

// ReadManifest reads every file of the manifest in dir, by path.
func ReadManifest(dir string) (map[string]manifest.File, error) {
	f, err := os.Open(filepath.Join(dir, manifest.Path))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := manifest.NewReader(f)
	if err != nil {
		return nil, err
	}
	out := map[string]manifest.File{}
	for {
		e, err := r.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
		for _, f := range e.Files {
			out[f.Path] = f
		}
	}
}

// Changed counts the files of the build in newDir that are new or differ
// from the build in oldDir, and the files of oldDir gone from newDir.
func Changed(oldDir, newDir string) (changed, gone int, err error) {
	o, err := ReadManifest(oldDir)
	if err != nil {
		return 0, 0, err
	}
	n, err := ReadManifest(newDir)
	if err != nil {
		return 0, 0, err
	}
	for p, f := range n {
		if of, ok := o[p]; !ok || of.SHA256 != f.SHA256 {
			changed++
		}
	}
	for p := range o {
		if _, ok := n[p]; !ok {
			gone++
		}
	}
	return changed, gone, nil
}
