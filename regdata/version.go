package regdata

import (
	"fmt"
	"slices"
	"strings"

	goversion "github.com/hashicorp/go-version"
	"golang.org/x/mod/semver"
)

// NormalizeVersion returns the version string clients request for a listed
// version or tag: parsed the way Terraform parses it (hashicorp/go-version),
// without a leading "v", padded to three parts ("v1.0" → "1.0.0"), keeping a
// pre-release ("1.0.0-beta1") and build metadata.
func NormalizeVersion(s string) (string, error) {
	v, err := goversion.NewVersion(s)
	if err != nil {
		return "", fmt.Errorf("version %q is not one Terraform can parse: %w", s, err)
	}
	return v.String(), nil
}

// IsStrictSemver reports whether s (with or without a leading "v") is a full
// semantic version, as new submissions must be (golang.org/x/mod/semver,
// three numeric parts).
func IsStrictSemver(s string) bool {
	c := "v" + strings.TrimPrefix(s, "v")
	return semver.IsValid(c) && semver.Canonical(c) == strings.SplitN(c, "+", 2)[0]
}

// CompareVersions orders two version strings the way Terraform does; a
// string that does not parse sorts before every one that does, and two
// unparsable strings compare as strings.
func CompareVersions(a, b string) int {
	va, ea := goversion.NewVersion(a)
	vb, eb := goversion.NewVersion(b)
	switch {
	case ea != nil && eb != nil:
		return strings.Compare(a, b)
	case ea != nil:
		return -1
	case eb != nil:
		return 1
	}
	if c := va.Compare(vb); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// sortNewestFirst sorts items by version, newest first, stably.
func sortNewestFirst[T any](items []T, version func(T) string) {
	slices.SortStableFunc(items, func(x, y T) int { return CompareVersions(version(y), version(x)) })
}
