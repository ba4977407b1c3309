package validate

import (
	"strings"

	"github.com/regen-registry/regen/regdata"
)

// versionList checks the "version" of every entry of a file's versions
// list: parsable the way Terraform parses it, strict semver (an oddity
// otherwise), no duplicates. It returns the normalised versions, "" for
// those that do not parse. Provider versions are written without "v".
func (c *fileCheck) versionList(versions []string, provider bool) []string {
	norm := make([]string, len(versions))
	exact := make(map[string]int, len(versions))
	same := make(map[string]int, len(versions))
	for i, v := range versions {
		field := member(index("versions", i), "version")
		n, msg := regdata.CheckVersion(v)
		if msg != "" {
			c.errorf(field, "%s", msg)
			continue
		}
		if j, dup := exact[v]; dup {
			c.errorf(field, "duplicate of %s", index("versions", j))
			continue
		}
		exact[v] = i
		norm[i] = n
		if !regdata.IsStrictSemver(v) {
			c.oddityf(field, "%s is not a strict semantic version (clients request it as %s)", quote(v), n)
		}
		if provider && strings.HasPrefix(v, "v") {
			c.oddityf(field, `%s: provider versions are written without a leading "v"`, quote(v))
		}
		if j, dup := same[n]; dup {
			c.oddityf(field, "%s and %s (%s) are both %s after normalisation: clients see only one of them",
				quote(v), index("versions", j), quote(versions[j]), n)
			continue
		}
		same[n] = i
	}
	return norm
}
