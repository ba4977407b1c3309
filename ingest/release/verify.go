package release

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
)

// VerifySignature checks a detached signature (binary or ASCII-armored)
// of signed by one of the keys, and returns the signer's key ID (16 hex
// digits, upper case).
func VerifySignature(keys openpgp.EntityList, signed, sig []byte) (string, error) {
	if len(keys) == 0 {
		return "", errors.New("no signing keys to check the signature with")
	}
	signer, err := openpgp.CheckDetachedSignature(keys, bytes.NewReader(signed), bytes.NewReader(sig), nil)
	if err != nil && looksArmored(sig) {
		signer, err = openpgp.CheckArmoredDetachedSignature(keys, bytes.NewReader(signed), bytes.NewReader(sig), nil)
	}
	if err != nil {
		if errors.Is(err, pgperrors.ErrUnknownIssuer) {
			return "", fmt.Errorf("signature is not by any of the %d known keys (%s)", len(keys), keyIDs(keys))
		}
		return "", fmt.Errorf("signature does not verify: %w", err)
	}
	return fmt.Sprintf("%016X", signer.PrimaryKey.KeyId), nil
}

func looksArmored(sig []byte) bool {
	return bytes.Contains(sig[:min(len(sig), 128)], []byte("-----BEGIN PGP"))
}

func keyIDs(keys openpgp.EntityList) string {
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = fmt.Sprintf("%016X", k.PrimaryKey.KeyId)
	}
	return strings.Join(ids, ", ")
}
