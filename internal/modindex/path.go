package modindex

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/regen-registry/regen/regdata"
)

// Path returns a module's index file, relative to the store's folder,
// slash-separated.
func Path(addr regdata.ModuleAddr) (string, error) {
	parts := []string{strings.ToLower(addr.Namespace), strings.ToLower(addr.Name), strings.ToLower(addr.System)}
	for _, p := range parts {
		if !regdata.SafeSegment(p) {
			return "", fmt.Errorf("module address %q: %q is not usable in a path", addr, p)
		}
	}
	return path.Join("index", parts[0], parts[1], parts[2]+".json"), nil
}

// ObjectPath returns the path of the object named hash, with the file
// name extension ext (".json.gz"), relative to the store's folder.
func ObjectPath(hash, ext string) string { return path.Join("objects", hash[:2], hash+ext) }

var hashRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ValidSHA256 reports whether h is a lower-case hex sha256, as objects are
// named.
func ValidSHA256(h string) bool { return hashRE.MatchString(h) }
