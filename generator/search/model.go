package search

import (
	"strings"
	"time"
)

// Module is one module (namespace/name/provider) as the index knows it:
// enough to rank it and to render it in a listing or search result.
type Module struct {
	// Namespace, Name and Provider (the target system) are spelled as the
	// data folder spells them.
	Namespace string
	Name      string
	Provider  string
	// Version is the latest published version, normalised ("1.2.0"); Tag
	// is the same version as the repository tags it ("v1.2").
	Version string
	Tag     string
	// Description is at most a few hundred bytes of plain text.
	Description string
	// Source is the repository's web address.
	Source      string
	PublishedAt time.Time
	Downloads   int64
	Verified    bool
}

// Key returns the module's identity: "namespace/name/provider" lower-cased.
func (m Module) Key() string {
	return strings.ToLower(m.Namespace + "/" + m.Name + "/" + m.Provider)
}

// Indexed returns the row as the index stores and lists it: the
// description clipped to a few hundred bytes.
func (m Module) Indexed() Module {
	m.Description = clipDescription(m.Description)
	return m
}

// Provider is one provider (namespace/type) as the index knows it.
type Provider struct {
	Namespace   string
	Type        string
	Version     string // latest published version, normalised
	Description string
	Source      string
	PublishedAt time.Time
	Downloads   int64
}

// Key returns the provider's identity: "namespace/type" lower-cased.
func (p Provider) Key() string { return strings.ToLower(p.Namespace + "/" + p.Type) }

// Indexed returns the row as the index stores and lists it.
func (p Provider) Indexed() Provider {
	p.Description = clipDescription(p.Description)
	return p
}

// Posting flags: what a term is to the module a posting names. They are
// OR-ed when a term is several of these for one module.
const (
	FlagNamespace      = 1 << iota // a token of the namespace
	FlagName                       // a token of the name
	FlagProvider                   // the target system (lower-cased)
	FlagDescription                // a token of the description
	FlagNamespaceExact             // the whole namespace, lower-cased
	FlagNameExact                  // the whole name, normalised (NormalizeName)
	FlagVerified                   // set on every posting of a verified module
)

// addressFlags are the flags of a term found in the module's address.
const addressFlags = FlagNamespace | FlagName | FlagProvider | FlagNamespaceExact | FlagNameExact

// nameFlags are the flags of a term found in the module's name.
const nameFlags = FlagName | FlagNameExact

// Posting is one module a term occurs in.
type Posting struct {
	Doc   int32 // the module's position in the index (popularity order)
	Flags uint8
}

// Paging defaults shared by every reader of the index.
const (
	DefaultLimit = 10
	MaxLimit     = 100
)
