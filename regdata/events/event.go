package events

import (
	"encoding/json"
	"fmt"
	"time"
)

// Type names what happened.
type Type string

// Event types. A module event names a module (namespace, name, target); a
// provider event names a provider (namespace, name = the provider type).
const (
	ModuleCreated         Type = "module.created"
	ModuleVersionReleased Type = "module.version_released"
	ModuleVersionRevoked  Type = "module.version_revoked"
	ModuleDeleted         Type = "module.deleted"

	ProviderCreated         Type = "provider.created"
	ProviderVersionReleased Type = "provider.version_released"
	ProviderVersionRevoked  Type = "provider.version_revoked"
	ProviderDeleted         Type = "provider.deleted"
)

// Types lists every event type, in a fixed order.
var Types = []Type{
	ModuleCreated, ModuleVersionReleased, ModuleVersionRevoked, ModuleDeleted,
	ProviderCreated, ProviderVersionReleased, ProviderVersionRevoked, ProviderDeleted,
}

// Valid reports whether t is one of Types.
func (t Type) Valid() bool {
	for _, k := range Types {
		if t == k {
			return true
		}
	}
	return false
}

// IsModule reports whether t is a module event.
func (t Type) IsModule() bool {
	switch t {
	case ModuleCreated, ModuleVersionReleased, ModuleVersionRevoked, ModuleDeleted:
		return true
	}
	return false
}

// Event is one change to the registry data, one line of the log.
type Event struct {
	// Type is what happened.
	Type Type `json:"type"`
	// Time is when regen recorded the change (UTC, RFC 3339 with
	// nanoseconds in the file).
	Time time.Time `json:"time"`
	// Namespace, Name and (for modules) Target name the entry, in the case
	// the data folder spells them. For providers Name is the type.
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Target    string `json:"target,omitempty"`
	// Version is the version as the data file lists it (module tags as
	// written, "v1.2.0"; provider versions without "v"); empty for
	// created and deleted events.
	Version string `json:"version,omitempty"`
	// URL is where the entry or version comes from: the repository's web
	// address for created and deleted events and for module versions, the
	// release's SHA256SUMS address for provider versions.
	URL string `json:"url,omitempty"`
	// Commit is the commit a module version's tag pointed at.
	Commit string `json:"commit,omitempty"`
	// Reason explains a revocation.
	Reason string `json:"reason,omitempty"`
}

// Validate checks that the event names a known type, an entry and a time,
// and carries a version exactly when the type is about one.
func (e Event) Validate() error {
	if !e.Type.Valid() {
		return fmt.Errorf("unknown event type %q", e.Type)
	}
	if e.Time.IsZero() {
		return fmt.Errorf("%s event has no time", e.Type)
	}
	if e.Namespace == "" || e.Name == "" {
		return fmt.Errorf("%s event has no namespace or name", e.Type)
	}
	if e.Type.IsModule() && e.Target == "" {
		return fmt.Errorf("%s event for %s/%s has no target", e.Type, e.Namespace, e.Name)
	}
	switch e.Type {
	case ModuleVersionReleased, ModuleVersionRevoked, ProviderVersionReleased, ProviderVersionRevoked:
		if e.Version == "" {
			return fmt.Errorf("%s event for %s has no version", e.Type, e.Addr())
		}
	}
	return nil
}

// Addr returns the entry's address: "namespace/name/target" for modules,
// "namespace/name" for providers.
func (e Event) Addr() string {
	if e.Type.IsModule() {
		return e.Namespace + "/" + e.Name + "/" + e.Target
	}
	return e.Namespace + "/" + e.Name
}

// Month returns the log file the event belongs in: "YYYY-MM" of its UTC
// time.
func (e Event) Month() string { return e.Time.UTC().Format("2006-01") }

// MarshalLine renders the event as one log line, with the trailing newline.
func (e Event) MarshalLine() ([]byte, error) {
	e.Time = e.Time.UTC()
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encoding %s event for %s: %w", e.Type, e.Addr(), err)
	}
	return append(b, '\n'), nil
}

// ParseLine decodes one log line (without or with its newline) and
// validates it.
func ParseLine(line []byte) (Event, error) {
	var e Event
	if err := json.Unmarshal(line, &e); err != nil {
		return Event{}, err
	}
	if err := e.Validate(); err != nil {
		return Event{}, err
	}
	return e, nil
}
