package regdata

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
)

// Key is one armored OpenPGP public key file from keys/.
type Key struct {
	// Path is the file's path relative to the data folder, slash-separated.
	Path string
	// Armored is the file's content, as published in download documents.
	Armored string
	// KeyID is the primary key's 16-hex-digit ID, upper case.
	KeyID string
}

// ParseKey parses an armored OpenPGP public key (CRLF line ends and
// ed25519 keys included) and returns its primary key ID. A secret key, an
// empty key ring or more than one key is an error.
func ParseKey(armored []byte) (keyID string, err error) {
	norm := bytes.ReplaceAll(armored, []byte("\r\n"), []byte("\n"))
	ring, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(norm))
	if err != nil {
		return "", fmt.Errorf("not an armored OpenPGP public key: %w", err)
	}
	if len(ring) != 1 {
		return "", fmt.Errorf("want exactly one key, found %d", len(ring))
	}
	e := ring[0]
	if e.PrivateKey != nil {
		return "", fmt.Errorf("file holds a private key: publish only the public key")
	}
	return strings.ToUpper(fmt.Sprintf("%016x", e.PrimaryKey.KeyId)), nil
}

// KeyRing parses the keys into a key ring for signature checks.
func KeyRing(keys []Key) (openpgp.EntityList, error) {
	var ring openpgp.EntityList
	for _, k := range keys {
		norm := strings.ReplaceAll(k.Armored, "\r\n", "\n")
		el, err := openpgp.ReadArmoredKeyRing(strings.NewReader(norm))
		if err != nil {
			return nil, fmt.Errorf("reading key %s: %w", k.Path, err)
		}
		ring = append(ring, el...)
	}
	return ring, nil
}
