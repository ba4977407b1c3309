package generator

import (
	"crypto/sha256"
	"hash"
	"net/url"
	"slices"
	"strings"

	"github.com/regen-registry/regen/regdata"
)

// downloadTemplate renders the download documents of one provider
// version. Members shared by every platform come first (protocols, the
// SHA256SUMS URLs, signing keys, packages) and the platform's own members
// last (os, arch, filename, download_url, shasum), so each document is the
// shared prefix plus a short tail: documents are built by appending bytes,
// without reflection, and their sha256 is the prefix's hash state (computed
// once per version) continued over the tail. The bytes are exactly what
// encodeJSON gives for the equivalent struct (checked by tests); JSON
// clients do not depend on member order.
type downloadTemplate struct {
	// prefixes[1] has the packages map, prefixes[0] does not (for a
	// platform that may not appear in it).
	prefixes [2][]byte
	states   [2]hash.Hash // sha256 of each prefix; nil until first needed
}

func newDownloadTemplate(v regdata.ProviderVersion, targets []regdata.Target, keysPart []byte) *downloadTemplate {
	var common []byte
	common = append(common, '{')
	common = appendMember(common, 1, "protocols")
	common = appendStringList(common, 1, v.Protocols)
	common = append(common, ',')
	common = appendMember(common, 1, "shasums_url")
	common = appendString(common, v.SHASumsURL)
	common = append(common, ',')
	common = appendMember(common, 1, "shasums_signature_url")
	common = appendString(common, v.SHASumsSignatureURL)
	common = append(common, keysPart...)

	d := &downloadTemplate{}
	d.prefixes[0] = common
	n := 0
	for _, t := range targets {
		if inPackages(t) {
			n++
		}
	}
	if n == 0 {
		return d
	}
	p := slices.Clip(common)
	p = append(p, ',')
	p = appendMember(p, 1, "packages")
	p = append(p, '{')
	first := true
	for _, t := range packageOrder(targets) {
		if !inPackages(t) {
			continue
		}
		if !first {
			p = append(p, ',')
		}
		first = false
		p = appendMember(p, 2, t.OS+"_"+t.Arch)
		p = append(p, '{')
		p = appendMember(p, 3, "hashes")
		p = appendStringList(p, 3, targetHashes(t))
		p = append(p, ',')
		p = appendMember(p, 3, "package_size")
		p = appendInt(p, t.Size)
		p = appendIndent(p, 2)
		p = append(p, '}')
	}
	p = appendIndent(p, 1)
	p = append(p, '}')
	d.prefixes[1] = p
	return d
}

// packageOrder returns targets sorted by their "os_arch" map key, the
// order encoding/json writes map members in (it can differ from sorting by
// os then arch when one os name is a prefix of another).
func packageOrder(targets []regdata.Target) []regdata.Target {
	ts := slices.Clone(targets)
	slices.SortStableFunc(ts, func(a, b regdata.Target) int {
		return strings.Compare(a.OS+"_"+a.Arch, b.OS+"_"+b.Arch)
	})
	return ts
}

// appendDocument appends the download document of target t and returns
// it with its sha256.
func (d *downloadTemplate) appendDocument(b []byte, t regdata.Target) ([]byte, [sha256.Size]byte) {
	which := 0
	if d.prefixes[1] != nil && inPackages(t) {
		which = 1
	}
	b = append(b, d.prefixes[which]...)
	tail := len(b)
	b = append(b, ',')
	b = appendMember(b, 1, "os")
	b = appendString(b, t.OS)
	b = append(b, ',')
	b = appendMember(b, 1, "arch")
	b = appendString(b, t.Arch)
	b = append(b, ',')
	b = appendMember(b, 1, "filename")
	b = appendString(b, t.Filename)
	b = append(b, ',')
	b = appendMember(b, 1, "download_url")
	b = appendString(b, t.DownloadURL)
	b = append(b, ',')
	b = appendMember(b, 1, "shasum")
	b = appendString(b, t.SHASum)
	b = append(b, "\n}\n"...)
	return b, d.sum(which, b, tail)
}

// sum returns the sha256 of doc, continuing the prefix's hash state over
// doc[tail:] when the state can be cloned.
func (d *downloadTemplate) sum(which int, doc []byte, tail int) [sha256.Size]byte {
	var out [sha256.Size]byte
	if d.states[which] == nil {
		h := sha256.New()
		h.Write(d.prefixes[which])
		d.states[which] = h
	}
	if c, ok := d.states[which].(hash.Cloner); ok {
		if h, err := c.Clone(); err == nil {
			h.Write(doc[tail:])
			h.Sum(out[:0])
			return out
		}
	}
	return sha256.Sum256(doc)
}

// appendSigningKeys renders `,\n  "signing_keys": {...}` for keys, the
// same for every document of a provider.
func appendSigningKeys(b []byte, keys []regdata.Key, source string) []byte {
	b = append(b, ',')
	b = appendMember(b, 1, "signing_keys")
	b = append(b, '{')
	b = appendMember(b, 2, "gpg_public_keys")
	if len(keys) == 0 {
		b = append(b, '[', ']')
	} else {
		b = append(b, '[')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendIndent(b, 3)
			b = append(b, '{')
			b = appendMember(b, 4, "key_id")
			b = appendString(b, k.KeyID)
			b = append(b, ',')
			b = appendMember(b, 4, "ascii_armor")
			b = appendString(b, armor(k))
			b = append(b, ',')
			b = appendMember(b, 4, "trust_signature")
			b = appendString(b, "")
			b = append(b, ',')
			b = appendMember(b, 4, "source")
			b = appendString(b, source)
			b = append(b, ',')
			b = appendMember(b, 4, "source_url")
			b = append(b, "null"...)
			b = appendIndent(b, 3)
			b = append(b, '}')
		}
		b = appendIndent(b, 2)
		b = append(b, ']')
	}
	b = appendIndent(b, 1)
	return append(b, '}')
}

// armor returns a key's armored text with CRLF line ends made LF.
func armor(k regdata.Key) string { return strings.ReplaceAll(k.Armored, "\r\n", "\n") }

// resolveURL resolves ref against base+docPath when ref is relative and
// base is known; otherwise it returns ref unchanged.
func resolveURL(base, docPath, ref string) string {
	if base == "" || ref == "" || strings.HasPrefix(ref, "https://") || strings.HasPrefix(ref, "http://") {
		return ref
	}
	r, err := url.Parse(ref)
	if err != nil || r.IsAbs() {
		return ref
	}
	b, err := url.Parse(base + docPath)
	if err != nil {
		return ref
	}
	return b.ResolveReference(r).String()
}
