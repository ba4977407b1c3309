package issueform

import (
	"errors"
	"strings"
	"testing"

	"github.com/regen-registry/regen/internal/ghtest"
	"github.com/regen-registry/regen/internal/hostile"
)

// A key submission holding two keys is refused on the key field, naming
// both: the reviewer would otherwise see one key ID while the registry
// trusted both (issue 10).
func TestKeySubmissionWithTwoKeys(t *testing.T) {
	owner, attacker := ghtest.NewKeyEd25519(t, "Owner"), ghtest.NewKeyEd25519(t, "Attacker")
	block, err := hostile.OneBlock(attacker.Armored(), owner.Armored())
	if err != nil {
		t.Fatal(err)
	}
	for name, key := range map[string]string{"one block": block, "two blocks": attacker.Armored() + "\n" + owner.Armored()} {
		form, err := Parse(Render([]Field{{Label: LabelKeyNamespace, Value: "acme"}, {Label: LabelKey, Value: key}}))
		if err != nil {
			t.Fatal(err)
		}
		s, err := FromForm(form)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != LabelKey || !strings.Contains(fe.Msg, attacker.KeyID()) || !strings.Contains(fe.Msg, owner.KeyID()) {
			t.Errorf("%s: FromForm = %+v, %v; want a key field error naming both keys", name, s, err)
		}
	}
	// One key: accepted, shown under its ID.
	form, _ := Parse(Render([]Field{{Label: LabelKeyNamespace, Value: "acme"}, {Label: LabelKey, Value: owner.Armored()}}))
	if s, err := FromForm(form); err != nil || s.KeyID != owner.KeyID() {
		t.Errorf("one key: %+v, %v", s, err)
	}
}
