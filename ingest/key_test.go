package ingest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regen-registry/regen/internal/ghtest"
	"github.com/regen-registry/regen/internal/hostile"
	"github.com/regen-registry/regen/regdata"
)

// Issue 10, key smuggling: a block holding the attacker's key and the
// owner's verified the owner's latest release, was stored under the
// attacker's ID, and the attacker's next release was published. Now a key
// file with more than one key is refused, naming every key, and nothing
// is written.
func TestAddKeyRefusesSmuggledKey(t *testing.T) {
	e := newEnv(t)
	owner := ghtest.NewKeyEd25519(t, "Owner")
	attacker := ghtest.NewKeyEd25519(t, "Attacker")
	e.writeKey("acme", owner)
	e.provider("acme", "widget")
	e.srv.AddProviderRelease("acme", "terraform-provider-widget", ghtest.ProviderRelease{Type: "widget", Version: "1.0.0", Key: owner})
	sum := e.run()
	mustNoFailures(t, sum)
	// The summary names the key that signed each new release.
	if len(sum.NewVersions) != 1 || sum.NewVersions[0].SignedBy != owner.KeyID() {
		t.Errorf("new versions %+v, want 1.0.0 signed by %s", sum.NewVersions, owner.KeyID())
	}
	var text strings.Builder
	sum.WriteText(&text)
	if !strings.Contains(text.String(), "provider acme/widget 1.0.0 (signed by key "+owner.KeyID()+")") {
		t.Errorf("summary text does not name the signing key:\n%s", text.String())
	}

	for name, content := range map[string]func() (string, error){
		"one block": func() (string, error) { return hostile.OneBlock(attacker.Armored(), owner.Armored()) },
		"two blocks": func() (string, error) {
			return attacker.Armored() + owner.Armored(), nil
		},
	} {
		block, err := content()
		if err != nil {
			t.Fatal(err)
		}
		for _, target := range []string{"acme/widget", "acme"} {
			_, err := AddKey(t.Context(), e.options(), target, writeTemp(t, "k.asc", block))
			var many *regdata.ManyKeysError
			if !errors.As(err, &many) || !strings.Contains(err.Error(), attacker.KeyID()) || !strings.Contains(err.Error(), owner.KeyID()) {
				t.Errorf("%s for %s: %v, want a refusal naming both keys", name, target, err)
			}
		}
	}
	for _, p := range []string{"keys/a/acme/" + attacker.KeyID() + ".asc", "keys/a/acme/widget/" + attacker.KeyID() + ".asc"} {
		if _, err := os.Stat(filepath.Join(e.data, p)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s written (%v)", p, err)
		}
	}
	// So the attacker's release is not published.
	e.srv.AddProviderRelease("acme", "terraform-provider-widget", ghtest.ProviderRelease{Type: "widget", Version: "1.1.0", Key: attacker})
	sum = e.run(func(o *Options) { o.Full = true })
	if len(sum.NewVersions) != 0 || len(sum.Failures) != 1 || !strings.Contains(sum.Failures[0].Error, "not by any of the 1 known keys ("+owner.KeyID()+")") {
		t.Errorf("attacker's release: new %v, failures %+v", sum.NewVersions, sum.Failures)
	}
}
