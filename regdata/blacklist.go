package regdata

import (
	"encoding/json"
	"strings"
)

// BlacklistFile is the name of the blacklist at the root of a data folder.
const BlacklistFile = "versions_blacklist.json"

// Blacklist is versions_blacklist.json: versions hidden from every
// response, each with a reason.
type Blacklist struct {
	Providers []BlacklistedProvider `json:"providers"`
	Modules   []BlacklistedModule   `json:"modules"`
	Extra     Extra                 `json:"-"`
}

// BlacklistedProvider hides one provider version.
type BlacklistedProvider struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Version   string `json:"version"`
	Reason    string `json:"reason"`
}

// BlacklistedModule hides one module version. The target system is read
// from "target" (OpenTofu's name), "system" or "provider".
type BlacklistedModule struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Target    string `json:"target"`
	Version   string `json:"version"`
	Reason    string `json:"reason"`
}

// UnmarshalJSON accepts "system" and "provider" as aliases of "target".
func (m *BlacklistedModule) UnmarshalJSON(data []byte) error {
	var raw struct {
		Namespace, Name, Target, System, Provider, Version, Reason string
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*m = BlacklistedModule{Namespace: raw.Namespace, Name: raw.Name, Target: raw.Target, Version: raw.Version, Reason: raw.Reason}
	if m.Target == "" {
		m.Target = raw.System
	}
	if m.Target == "" {
		m.Target = raw.Provider
	}
	return nil
}

// ParseBlacklist decodes versions_blacklist.json.
func ParseBlacklist(data []byte) (*Blacklist, error) {
	var b struct {
		Providers []BlacklistedProvider `json:"providers"`
		Modules   []BlacklistedModule   `json:"modules"`
	}
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, err
	}
	extra, err := extraOf(data, map[string]bool{"providers": true, "modules": true})
	if err != nil {
		return nil, err
	}
	return &Blacklist{Providers: b.Providers, Modules: b.Modules, Extra: extra}, nil
}

// Encode renders the blacklist as regen writes it.
func (b *Blacklist) Encode() ([]byte, error) {
	type plain struct {
		Providers []BlacklistedProvider `json:"providers"`
		Modules   []BlacklistedModule   `json:"modules"`
	}
	p := plain{Providers: b.Providers, Modules: b.Modules}
	if p.Providers == nil {
		p.Providers = []BlacklistedProvider{}
	}
	if p.Modules == nil {
		p.Modules = []BlacklistedModule{}
	}
	obj, err := marshalObject(p, b.Extra)
	if err != nil {
		return nil, err
	}
	return encodeFile(json.RawMessage(obj))
}

// ProviderBlocked reports whether normalised version v of addr is
// blacklisted, and why. A nil Blacklist blocks nothing.
func (b *Blacklist) ProviderBlocked(addr ProviderAddr, v string) (bool, string) {
	if b == nil {
		return false, ""
	}
	for _, e := range b.Providers {
		if strings.EqualFold(e.Namespace, addr.Namespace) && strings.EqualFold(e.Name, addr.Type) && sameVersion(e.Version, v) {
			return true, e.Reason
		}
	}
	return false, ""
}

// ModuleBlocked reports whether normalised version v of addr is
// blacklisted, and why. A nil Blacklist blocks nothing.
func (b *Blacklist) ModuleBlocked(addr ModuleAddr, v string) (bool, string) {
	if b == nil {
		return false, ""
	}
	for _, e := range b.Modules {
		if strings.EqualFold(e.Namespace, addr.Namespace) && strings.EqualFold(e.Name, addr.Name) &&
			strings.EqualFold(e.Target, addr.System) && sameVersion(e.Version, v) {
			return true, e.Reason
		}
	}
	return false, ""
}

func sameVersion(listed, normalised string) bool {
	n, err := NormalizeVersion(listed)
	if err != nil {
		return listed == normalised
	}
	return n == normalised
}
