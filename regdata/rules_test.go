package regdata

import (
	"fmt"
	"strings"
	"testing"
)

// TestDuplicatePlatforms: a platform listed twice is found in short
// target lists and long ones (counted differently), naming the first.
func TestDuplicatePlatforms(t *testing.T) {
	for _, n := range []int{2, 16, 40} {
		const base = "https://example.test/"
		v := ProviderVersion{Version: "1.0.0", Protocols: []string{"6.0"}, SHASumsURL: base + "S", SHASumsSignatureURL: base + "S.sig"}
		for i := range n - 1 {
			v.Targets = append(v.Targets, Target{OS: "os" + fmt.Sprint(i), Arch: "amd64", Filename: "f.zip", DownloadURL: base + "f.zip", SHASum: strings.Repeat("a", 64)})
		}
		v.Targets = append(v.Targets, v.Targets[0])
		vs := ProviderVersionViolations("versions[0]", v)
		want := fmt.Sprintf("versions[0].targets[%d]", n-1)
		if len(vs) != 1 || vs[0].Field != want || !strings.Contains(vs[0].Message, "also versions[0].targets[0]") {
			t.Errorf("%d targets: %v, want one duplicate at %s", n, vs, want)
		}
	}
}
