package generator

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/regen-registry/regen/manifest"
	"github.com/regen-registry/regen/regdata"
)

// Provider returns every file generated for one provider: a download
// document per published version and platform, the versions document and,
// when opts has a mirror hostname, the mirror index and one mirror
// document per version. keys are the signing keys that apply
// (regdata.Dir.ProviderKeys); bl may be nil. dropped lists the versions
// and targets left out, for the caller to log.
func Provider(addr regdata.ProviderAddr, f *regdata.ProviderFile, keys []regdata.Key, bl *regdata.Blacklist, opts Options) (files []File, dropped []regdata.Dropped, err error) {
	dropped, err = EachProviderFile(addr, f, keys, bl, opts, func(fl File) error {
		fl.Body = bytes.Clone(fl.Body)
		files = append(files, fl)
		return nil
	})
	return files, dropped, err
}

// EachProviderFile is Provider streaming: it calls yield for each file in
// a fixed order (per version, newest first: its download documents, then
// its mirror document; then the versions document and the mirror index)
// and stops at the first error yield returns. A File's Body is only valid
// until yield returns (buffers are reused); copy it to keep it.
func EachProviderFile(addr regdata.ProviderAddr, f *regdata.ProviderFile, keys []regdata.Key, bl *regdata.Blacklist, opts Options, yield func(File) error) ([]regdata.Dropped, error) {
	if err := checkSegments(label("provider"), "namespace", addr.Namespace, "type", addr.Type); err != nil {
		return nil, err
	}
	pub, dropped := regdata.PublishedProviderVersions(addr, f, bl)
	keysPart := appendSigningKeys(nil, keys, addr.Namespace)
	versions := providerVersionsDoc{Versions: make([]providerVersionItem, 0, len(pub)), Warnings: f.Warnings}
	mirrorIndex := mirrorIndexDoc{Versions: map[string]struct{}{}}
	var buf []byte
	for _, p := range pub {
		v := p.Version
		if !safeVersionSegment(v) {
			return dropped, fmt.Errorf("version %q: normalised %q cannot be used in an API path", p.Entry.Version, v)
		}
		targets, dups, err := sortedTargets(p.Entry)
		if err != nil {
			return dropped, err
		}
		dropped = append(dropped, dups...)
		item := providerVersionItem{Version: v, Protocols: nonNil(p.Entry.Protocols), Platforms: make([]platform, len(targets))}
		for i, t := range targets {
			item.Platforms[i] = platform{OS: t.OS, Arch: t.Arch}
		}
		versions.Versions = append(versions.Versions, item)

		d := newDownloadTemplate(p.Entry, targets, keysPart)
		for _, t := range targets {
			var sum [32]byte
			buf, sum = d.appendDocument(buf[:0], t)
			if err := yield(File{Path: ProviderDownloadPath(addr, v, t.OS, t.Arch), Body: buf, Class: manifest.ClassLeaf, sum: &sum}); err != nil {
				return dropped, err
			}
		}
		if opts.Mirror() {
			mirrorIndex.Versions[v] = struct{}{}
			doc := mirrorVersionDoc{Archives: make(map[string]mirrorArchive, len(targets))}
			for _, t := range targets {
				doc.Archives[t.OS+"_"+t.Arch] = mirrorArchive{
					URL:    absoluteDownloadURL(opts, addr, v, t),
					Hashes: targetHashes(t),
				}
			}
			buf = appendMirrorVersion(buf[:0], doc)
			if err := yield(File{Path: MirrorVersionPath(opts, addr, v), Body: buf, Class: manifest.ClassLeaf}); err != nil {
				return dropped, err
			}
		}
	}
	if err := yield(File{Path: ProviderVersionsPath(addr), Body: appendProviderVersions(buf[:0], versions), Class: manifest.ClassIndex}); err != nil {
		return dropped, err
	}
	if opts.Mirror() {
		if err := yield(File{Path: MirrorIndexPath(opts, addr), Body: appendMirrorIndex(buf[:0], mirrorIndex), Class: manifest.ClassIndex}); err != nil {
			return dropped, err
		}
	}
	return dropped, nil
}

type providerVersionsDoc struct {
	Versions []providerVersionItem `json:"versions"`
	Warnings []string              `json:"warnings,omitempty"`
}

type providerVersionItem struct {
	Version   string     `json:"version"`
	Protocols []string   `json:"protocols"`
	Platforms []platform `json:"platforms"`
}

type platform struct {
	OS   string `json:"os"`
	Arch string `json:"arch"`
}

type mirrorIndexDoc struct {
	Versions map[string]struct{} `json:"versions"`
}

type mirrorVersionDoc struct {
	Archives map[string]mirrorArchive `json:"archives"`
}

type mirrorArchive struct {
	URL    string   `json:"url"`
	Hashes []string `json:"hashes,omitempty"`
}

// The document shapes (the appenders in docs.go render them; tests
// compare with encoding/json).

// sortedTargets returns the version's targets sorted by os then arch,
// leaving out (and reporting) repeated platforms after the first. An os or
// arch that cannot be a path segment is an error.
func sortedTargets(v regdata.ProviderVersion) ([]regdata.Target, []regdata.Dropped, error) {
	ts := slices.Clone(v.Targets)
	for i, t := range ts {
		if err := checkSegments(func() string { return fmt.Sprintf("version %q target %d", v.Version, i) }, "os", t.OS, "arch", t.Arch); err != nil {
			return nil, nil, err
		}
	}
	slices.SortStableFunc(ts, func(a, b regdata.Target) int {
		if c := strings.Compare(a.OS, b.OS); c != 0 {
			return c
		}
		return strings.Compare(a.Arch, b.Arch)
	})
	var dropped []regdata.Dropped
	out := ts[:0]
	for i, t := range ts {
		if i > 0 && t.OS == ts[i-1].OS && t.Arch == ts[i-1].Arch {
			dropped = append(dropped, regdata.Dropped{Version: v.Version, Reason: "repeated target " + t.OS + "_" + t.Arch + " (first kept)"})
			continue
		}
		out = append(out, t)
	}
	return out, dropped, nil
}

// targetHashes returns a target's lock-file hashes, sorted: its h1: hash
// when known and its zh: hash (the zip's SHA-256).
func targetHashes(t regdata.Target) []string {
	var hs []string
	if t.H1 != "" {
		h1 := t.H1
		if !strings.HasPrefix(h1, "h1:") {
			h1 = "h1:" + h1
		}
		hs = append(hs, h1)
	}
	if t.SHASum != "" {
		hs = append(hs, "zh:"+t.SHASum)
	}
	slices.Sort(hs)
	return hs
}

// inPackages reports whether a target may be listed in the "packages" map:
// OpenTofu needs a positive size and a zh: hash equal to "shasum".
func inPackages(t regdata.Target) bool { return t.Size > 0 && t.SHASum != "" }

// absoluteDownloadURL returns the target's download URL for the mirror
// document. The data normally holds absolute URLs; a relative one is
// resolved against the download document's URL when a base URL is known
// (that is what it is relative to in the registry protocol).
func absoluteDownloadURL(opts Options, addr regdata.ProviderAddr, v string, t regdata.Target) string {
	return resolveURL(opts.BaseURL, "/"+ProviderDownloadPath(addr, v, t.OS, t.Arch), t.DownloadURL)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
