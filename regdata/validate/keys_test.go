package validate

import (
	"testing"

	"github.com/regen-registry/regen/internal/ghtest"
	"github.com/regen-registry/regen/internal/hostile"
)

// A key file holding several keys names them all (an oddity: an error
// with --strict), and a file named for a key ID must hold that key alone:
// the smuggling of issue 10 stored a block of the attacker's key and the
// owner's as <attacker ID>.asc, and validate said nothing.
func TestKeyFilesNameEveryKey(t *testing.T) {
	attacker, owner := ghtest.NewKeyEd25519(t, "attacker"), ghtest.NewKeyEd25519(t, "owner")
	block, err := hostile.OneBlock(attacker.Armored(), owner.Armored())
	if err != nil {
		t.Fatal(err)
	}
	smuggled := "keys/e/example/widget/" + attacker.KeyID() + ".asc"
	both := attacker.KeyID() + ", " + owner.KeyID()
	cases := []checkCase{
		{name: "two keys named for one", files: map[string]string{smuggled: block},
			want: []want{
				{Warning, smuggled, "", "holds 2 keys (" + both + ")"},
				{Error, smuggled, "", "named for key " + attacker.KeyID() + " but holds " + both},
			}},
		{name: "two keys, strict", strict: true, files: map[string]string{"keys/e/example/rotation.asc": block},
			want: []want{{Error, "keys/e/example/rotation.asc", "", "holds 2 keys (" + both + ")"}}},
		{name: "named for another key", files: map[string]string{"keys/e/example/" + owner.KeyID() + ".asc": attacker.Armored()},
			want: []want{{Error, "keys/e/example/" + owner.KeyID() + ".asc", "", "named for key " + owner.KeyID() + " but holds " + attacker.KeyID()}}},
		{name: "named for its key", files: map[string]string{"keys/e/example/" + owner.KeyID() + ".asc": owner.Armored()}},
	}
	for _, c := range cases {
		t.Run(c.name, c.run)
	}
}
