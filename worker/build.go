package worker

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
)

// TokensBinding is the name of the worker's secret holding the tokens file
// (src/build.js exports the same name as TOKENS_BINDING; a test keeps them,
// and every `wrangler secret put` in the docs, equal).
const TokensBinding = "TOKENS"

// BuildModule is the worker's module holding its build settings, relative
// to its folder. `regen build` writes it with BuildJS.
const BuildModule = "src/build.js"

// Access is who may read a registry, as the worker is built for.
type Access string

const (
	// Public serves every request without a token (or, when the tokens
	// secret is set anyway, applies it).
	Public Access = "public"
	// Private requires a token on every request but service discovery;
	// the worker refuses to serve anything when its tokens secret is
	// missing.
	Private Access = "private"
)

// ParseAccess checks an access setting ("public" or "private").
func ParseAccess(s string) (Access, error) {
	switch Access(s) {
	case Public, Private:
		return Access(s), nil
	}
	return "", fmt.Errorf("access %q: want public or private", s)
}

var accessLine = regexp.MustCompile(`(?m)^export const ACCESS = "[a-z]*";$`)

// BuildJS returns src/build.js for a worker built with access a.
func BuildJS(a Access) ([]byte, error) {
	if _, err := ParseAccess(string(a)); err != nil {
		return nil, err
	}
	src, err := source.ReadFile(BuildModule)
	if err != nil {
		return nil, fmt.Errorf("reading embedded %s: %w", BuildModule, err)
	}
	if n := len(accessLine.FindAllIndex(src, -1)); n != 1 {
		return nil, fmt.Errorf("embedded %s: %d ACCESS lines, want 1", BuildModule, n)
	}
	line := []byte("export const ACCESS = " + strconv.Quote(string(a)) + ";")
	return accessLine.ReplaceAllLiteral(bytes.Clone(src), line), nil
}
