package build

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"strings"

	"github.com/regen-registry/regen/generator"
	"github.com/regen-registry/regen/regdata"
)

// inputFormat versions the Input digest itself.
const inputFormat = "regen-input/1"

// globalInput is the Input of the global entry, which is regenerated on
// every build anyway.
const globalInput = "global/" + generator.Version

// blacklistIndex finds the blacklist entries that name one provider or
// module, for generation and for the entry's Input.
type blacklistIndex struct {
	bl        *regdata.Blacklist
	providers map[string][]regdata.BlacklistedProvider
	modules   map[string][]regdata.BlacklistedModule
}

func newBlacklistIndex(bl *regdata.Blacklist) *blacklistIndex {
	x := &blacklistIndex{bl: bl, providers: map[string][]regdata.BlacklistedProvider{}, modules: map[string][]regdata.BlacklistedModule{}}
	for _, p := range bl.Providers {
		k := strings.ToLower(p.Namespace + "/" + p.Name)
		x.providers[k] = append(x.providers[k], p)
	}
	for _, m := range bl.Modules {
		k := strings.ToLower(m.Namespace + "/" + m.Name + "/" + m.Target)
		x.modules[k] = append(x.modules[k], m)
	}
	return x
}

// provider returns the blacklist holding only a's entries (nil if none).
func (x *blacklistIndex) provider(a regdata.ProviderAddr) *regdata.Blacklist {
	if es := x.providers[a.APIPath()]; len(es) > 0 {
		return &regdata.Blacklist{Providers: es}
	}
	return nil
}

// module returns the blacklist holding only a's entries (nil if none).
func (x *blacklistIndex) module(a regdata.ModuleAddr) *regdata.Blacklist {
	if es := x.modules[a.APIPath()]; len(es) > 0 {
		return &regdata.Blacklist{Modules: es}
	}
	return nil
}

// inputDigest is an entry's Input: everything its files are made from.
type inputDigest struct{ h hash.Hash }

// newInput starts the digest of an entry made from the data file rel,
// whose bytes have the hex sha256 sum.
func newInput(rel, sum string) *inputDigest {
	d := &inputDigest{h: sha256.New()}
	fmt.Fprintf(d.h, "%s\ndata %s %s\n", inputFormat, rel, sum)
	return d
}

func (d *inputDigest) key(k *keyFile) {
	fmt.Fprintf(d.h, "key %s %x\n", k.path, k.sum)
}

func (d *inputDigest) blacklist(bl *regdata.Blacklist) {
	if bl == nil {
		return
	}
	b, _ := json.Marshal(bl) // plain structs: cannot fail
	fmt.Fprintf(d.h, "blacklist %s\n", b)
}

// discovery adds what the entry's discovery documents depend on besides
// its data file ("" when the discovery API is not built).
func (d *inputDigest) discovery(s string) {
	if s != "" {
		fmt.Fprintf(d.h, "discovery %s", s)
	}
}

func (d *inputDigest) String() string { return hex.EncodeToString(d.h.Sum(nil)) }
