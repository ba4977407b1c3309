package release

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// DefaultProtocols are a release's protocols when it has no manifest.
var DefaultProtocols = []string{"5.0"}

var protocolRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// ParseManifest reads a release's <repo>_<version>_manifest.json
// ({"version":1,"metadata":{"protocol_versions":["6.0"]}}) and returns its
// protocols; none listed means DefaultProtocols. A protocol that is not
// "N" or "N.M" is an error.
func ParseManifest(data []byte) ([]string, error) {
	var m struct {
		Metadata struct {
			ProtocolVersions []string `json:"protocol_versions"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("parsing manifest: %w", err)
	}
	if len(m.Metadata.ProtocolVersions) == 0 {
		return append([]string(nil), DefaultProtocols...), nil
	}
	var out []string
	seen := map[string]bool{}
	for _, p := range m.Metadata.ProtocolVersions {
		if !protocolRE.MatchString(p) {
			return nil, fmt.Errorf("manifest: protocol version %q is not N.M", p)
		}
		if !strings.Contains(p, ".") {
			p += ".0"
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out, nil
}
