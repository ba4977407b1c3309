package issueform

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	tfaddr "github.com/hashicorp/terraform-registry-address"

	"github.com/regen-registry/regen/regdata"
)

// The labels of the submission forms' fields. They are the OpenTofu
// registry's, so bodies of issues opened on its forms read too.
const (
	LabelProviderRepository = "Provider Repository"
	LabelModuleRepository   = "Module Repository"
	LabelKeyNamespace       = "Provider Namespace"
	LabelKeyType            = "Provider Type"
	LabelKey                = "Provider GPG Key"
)

// Kind is what a submission adds.
type Kind string

// The kinds of submission, one per form.
const (
	KindProvider Kind = "provider"
	KindModule   Kind = "module"
	KindKey      Kind = "key"
)

// Submission is what an issue asks to add, checked against the naming
// rules.
type Submission struct {
	// Kind is what is added.
	Kind Kind `json:"kind"`
	// Address is the entry to add: "NS/TYPE" for a provider,
	// "NS/NAME/SYSTEM" for a module; for a key, "NS" or "NS/TYPE".
	Address string `json:"address"`
	// Repository is "OWNER/NAME" of a provider's or module's repository.
	Repository string `json:"repository,omitempty"`
	// Key is a key submission's armored public key, KeyID its ID.
	Key   string `json:"key,omitempty"`
	KeyID string `json:"key_id,omitempty"`
	// Issue describes the issue, when read from an event.
	Issue *Issue `json:"issue,omitempty"`
}

// Issue is the issue a submission came from.
type Issue struct {
	Number int    `json:"number"`
	Title  string `json:"title"`
	Author string `json:"author"`
	URL    string `json:"url"`
}

// FieldError is a problem with one field of a submission, worded for a
// comment on the issue.
type FieldError struct {
	// Field is the field's label.
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return fmt.Sprintf("%q: %s", e.Field, e.Msg) }

// FromForm reads a submission from a form. Which form it is follows from
// its fields: "Provider Repository", "Module Repository" or "Provider GPG
// Key".
func FromForm(f *Form) (*Submission, error) {
	switch {
	case has(f, LabelProviderRepository):
		return providerSubmission(f)
	case has(f, LabelModuleRepository):
		return moduleSubmission(f)
	case has(f, LabelKey):
		return keySubmission(f)
	}
	labels := make([]string, len(f.Fields))
	for i, fl := range f.Fields {
		labels[i] = fmt.Sprintf("%q", fl.Label)
	}
	return nil, &MalformedError{Msg: fmt.Sprintf("not a submission form: found the fields %s, want %q, %q or %q",
		strings.Join(labels, ", "), LabelProviderRepository, LabelModuleRepository, LabelKey)}
}

func has(f *Form, label string) bool {
	_, ok := f.Field(label)
	return ok
}

// required returns a field's single-line answer, or an error naming it.
func required(f *Form, label, example string) (string, error) {
	fl, _ := f.Field(label)
	v := strings.TrimSpace(fl.Value)
	if fl.Empty || v == "" {
		return "", &FieldError{Field: label, Msg: "no answer; give " + example}
	}
	if strings.Contains(v, "\n") {
		return "", &FieldError{Field: label, Msg: "want one line, " + example + ", found several lines"}
	}
	return v, nil
}

// ownerRE and repoRE are GitHub's rules for owner and repository names.
var (
	ownerRE = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9]|-[A-Za-z0-9]){0,38}$`)
	repoRE  = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)
)

// repository reads a repository answer: OWNER/NAME, or its github.com
// URL (with or without scheme, ".git" or a trailing slash).
func repository(label, v string) (owner, name string, err error) {
	s := strings.Trim(v, "`<> ")
	if u, perr := url.Parse(s); perr == nil && (u.Scheme == "https" || u.Scheme == "http") {
		if !strings.EqualFold(u.Host, "github.com") && !strings.EqualFold(u.Host, "www.github.com") {
			return "", "", &FieldError{Field: label, Msg: fmt.Sprintf("%q is not on github.com; give OWNER/NAME", v)}
		}
		s = u.Path
	} else if rest, ok := strings.CutPrefix(strings.ToLower(s), "github.com/"); ok {
		s = s[len(s)-len(rest):]
	}
	s = strings.TrimSuffix(strings.Trim(s, "/"), ".git")
	owner, name, ok := strings.Cut(s, "/")
	if !ok || strings.Contains(name, "/") || !ownerRE.MatchString(owner) || !repoRE.MatchString(name) || name == "." || name == ".." {
		return "", "", &FieldError{Field: label, Msg: fmt.Sprintf("%q is not a GitHub repository; give OWNER/NAME such as acme/terraform-provider-widget", v)}
	}
	return owner, name, nil
}

func providerSubmission(f *Form) (*Submission, error) {
	v, err := required(f, LabelProviderRepository, "the repository as OWNER/terraform-provider-TYPE")
	if err != nil {
		return nil, err
	}
	owner, name, err := repository(LabelProviderRepository, v)
	if err != nil {
		return nil, err
	}
	typ, ok := strings.CutPrefix(name, "terraform-provider-")
	if !ok || typ == "" {
		return nil, &FieldError{Field: LabelProviderRepository, Msg: fmt.Sprintf("repository %q is not named terraform-provider-TYPE; providers are published from repositories named so (rename it, or ask the registry's operators)", name)}
	}
	addr := regdata.ProviderAddr{Namespace: owner, Type: typ}
	if err := addr.Validate(); err != nil {
		return nil, &FieldError{Field: LabelProviderRepository, Msg: err.Error()}
	}
	return &Submission{Kind: KindProvider, Address: addr.String(), Repository: owner + "/" + name}, nil
}

func moduleSubmission(f *Form) (*Submission, error) {
	v, err := required(f, LabelModuleRepository, "the repository as OWNER/terraform-SYSTEM-NAME")
	if err != nil {
		return nil, err
	}
	owner, name, err := repository(LabelModuleRepository, v)
	if err != nil {
		return nil, err
	}
	rest, ok := strings.CutPrefix(name, "terraform-")
	system, modName, ok2 := strings.Cut(rest, "-")
	if !ok || !ok2 || system == "" || modName == "" {
		return nil, &FieldError{Field: LabelModuleRepository, Msg: fmt.Sprintf("repository %q is not named terraform-SYSTEM-NAME (such as terraform-aws-vpc); modules are published from repositories named so", name)}
	}
	addr := regdata.ModuleAddr{Namespace: owner, Name: modName, System: system}
	if err := addr.Validate(); err != nil {
		return nil, &FieldError{Field: LabelModuleRepository, Msg: err.Error()}
	}
	return &Submission{Kind: KindModule, Address: addr.String(), Repository: owner + "/" + name}, nil
}

func keySubmission(f *Form) (*Submission, error) {
	ns, err := required(f, LabelKeyNamespace, "the namespace (the GitHub owner of the provider repositories)")
	if err != nil {
		return nil, err
	}
	if _, err := tfaddr.ParseProviderNamespace(ns); err != nil || !regdata.SafeSegment(ns) {
		return nil, &FieldError{Field: LabelKeyNamespace, Msg: fmt.Sprintf("%q is not a namespace (letters, digits and dashes, such as acme)", ns)}
	}
	target := ns
	if fl, ok := f.Field(LabelKeyType); ok && !fl.Empty && strings.TrimSpace(fl.Value) != "" {
		typ := strings.TrimPrefix(strings.TrimSpace(fl.Value), "terraform-provider-")
		if err := (regdata.ProviderAddr{Namespace: ns, Type: typ}).Validate(); err != nil || !regdata.SafeSegment(typ) {
			return nil, &FieldError{Field: LabelKeyType, Msg: fmt.Sprintf("%q is not a provider type (such as widget for acme/terraform-provider-widget); leave it empty for a key of the whole namespace", fl.Value)}
		}
		target += "/" + typ
	}
	fl, _ := f.Field(LabelKey)
	if fl.Empty || strings.TrimSpace(fl.Value) == "" {
		return nil, &FieldError{Field: LabelKey, Msg: "no answer; paste the ASCII-armored public key (gpg --armor --export KEYID)"}
	}
	armored := strings.TrimSpace(fl.Value) + "\n"
	if strings.Contains(armored, "PRIVATE KEY BLOCK") {
		return nil, &FieldError{Field: LabelKey, Msg: "this is a PRIVATE key: never share it. Revoke it and make a new key pair if it was not a throwaway one, then paste the output of gpg --armor --export KEYID (the public key)"}
	}
	ids, err := regdata.ParseKeys([]byte(armored))
	if err != nil {
		return nil, &FieldError{Field: LabelKey, Msg: err.Error() + "; paste the output of gpg --armor --export KEYID"}
	}
	if len(ids) > 1 {
		// Every key of a file is trusted: one shown, one hidden would let a
		// second key sign releases unseen.
		return nil, &FieldError{Field: LabelKey, Msg: (&regdata.ManyKeysError{KeyIDs: ids}).Error()}
	}
	return &Submission{Kind: KindKey, Address: target, Key: armored, KeyID: ids[0]}, nil
}
