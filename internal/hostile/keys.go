package hostile

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
)

// OneBlock merges armored public keys into a single armored block, as
// `gpg --armor --export A B` writes them: the smuggling shape, where a
// tool that reads "the key" of the block sees only the first.
func OneBlock(armored ...string) (string, error) {
	var b bytes.Buffer
	w, err := armor.Encode(&b, openpgp.PublicKeyType, nil)
	if err != nil {
		return "", err
	}
	for i, a := range armored {
		blk, err := armor.Decode(strings.NewReader(a))
		if err != nil {
			return "", fmt.Errorf("key %d: %w", i+1, err)
		}
		if _, err := io.Copy(w, blk.Body); err != nil {
			return "", fmt.Errorf("key %d: %w", i+1, err)
		}
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return b.String() + "\n", nil
}
