package client

import (
	"fmt"
	"strings"
)

// ModuleAddr names a module package of the registry: namespace, name and
// target system (the "provider" of the registry API), as in
// "terraform-aws-modules/vpc/aws".
type ModuleAddr struct {
	Namespace string
	Name      string
	System    string
}

// String returns "namespace/name/system".
func (a ModuleAddr) String() string { return a.Namespace + "/" + a.Name + "/" + a.System }

func (a ModuleAddr) check() error {
	return checkSegments("module "+a.String(), a.Namespace, a.Name, a.System)
}

// ProviderAddr names a provider of the registry: namespace and type, as in
// "hashicorp/aws".
type ProviderAddr struct {
	Namespace string
	Type      string
}

// String returns "namespace/type".
func (a ProviderAddr) String() string { return a.Namespace + "/" + a.Type }

func (a ProviderAddr) check() error {
	return checkSegments("provider "+a.String(), a.Namespace, a.Type)
}

// Platform is an operating system and architecture, as in linux_amd64.
type Platform struct {
	OS   string `json:"os"`
	Arch string `json:"arch"`
}

// String returns "os_arch".
func (p Platform) String() string { return p.OS + "_" + p.Arch }

// checkSegments reports an error naming what unless every segment can be
// one path segment of a URL: not empty, ".", "..", and without "/", "\" or
// control characters.
func checkSegments(what string, segs ...string) error {
	for _, s := range segs {
		if s == "" || s == "." || s == ".." || strings.ContainsAny(s, `/\`) || hasControl(s) {
			return fmt.Errorf("%s: %q is not a valid path segment", what, s)
		}
	}
	return nil
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}
