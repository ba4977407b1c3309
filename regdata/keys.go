package regdata

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
)

// Key is one armored OpenPGP public key file from keys/.
type Key struct {
	// Path is the file's path relative to the data folder, slash-separated.
	Path string
	// Armored is the file's content, as published in download documents.
	Armored string
	// KeyID is the primary key's 16-hex-digit ID, upper case; for a file
	// holding several keys, the first one's.
	KeyID string
	// KeyIDs are the primary key IDs of every key in the file, in file
	// order (KeyIDs[0] is KeyID). Nil when only KeyID was set.
	KeyIDs []string
}

// ParseKey parses a key file: every armored OpenPGP public key block in
// it (CRLF line ends and ed25519 keys included), each holding one or more
// public keys, and returns the first key's primary key ID (ParseKeys
// returns them all). A secret key, a block that is not a public key, a
// file without a key or one key listed twice is an error; errors name the
// block when the file has several, and callers name the file.
func ParseKey(armored []byte) (keyID string, err error) {
	ids, err := ParseKeys(armored)
	if err != nil {
		return "", err
	}
	return ids[0], nil
}

// ParseKeys parses a key file like ParseKey and returns the primary key
// IDs of all its keys, 16 upper-case hex digits each, in file order.
func ParseKeys(armored []byte) ([]string, error) {
	ring, err := readKeyRing(armored)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(ring))
	for _, e := range ring {
		if e.PrivateKey != nil {
			return nil, errors.New("file holds a private key: publish only the public key")
		}
		id := strings.ToUpper(fmt.Sprintf("%016x", e.PrimaryKey.KeyId))
		if slices.Contains(ids, id) {
			return nil, fmt.Errorf("key %s is in the file twice", id)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// KeyRing parses the keys, every armored block of each, into a key ring
// for signature checks.
func KeyRing(keys []Key) (openpgp.EntityList, error) {
	var ring openpgp.EntityList
	for _, k := range keys {
		el, err := readKeyRing([]byte(k.Armored))
		if err != nil {
			return nil, fmt.Errorf("reading key %s: %w", k.Path, err)
		}
		ring = append(ring, el...)
	}
	return ring, nil
}

// readKeyRing reads the keys of every armored block of a key file.
func readKeyRing(armored []byte) (openpgp.EntityList, error) {
	norm := bytes.ReplaceAll(armored, []byte("\r\n"), []byte("\n"))
	blocks, err := armoredBlocks(norm)
	if err != nil {
		return nil, fmt.Errorf("not an armored OpenPGP public key: %w", err)
	}
	if len(blocks) == 0 {
		return nil, errors.New("not an armored OpenPGP public key: no armored data found")
	}
	var ring openpgp.EntityList
	for i, b := range blocks {
		where := ""
		if len(blocks) > 1 {
			where = fmt.Sprintf("armored block %d: ", i+1)
		}
		el, err := readBlock(b)
		if err == nil && len(el) == 0 {
			err = errors.New("no key in the block")
		}
		if err != nil {
			return nil, fmt.Errorf("%snot an armored OpenPGP public key: %w", where, err)
		}
		ring = append(ring, el...)
	}
	return ring, nil
}

// readBlock reads the keys of one armored block.
func readBlock(b []byte) (openpgp.EntityList, error) {
	block, err := armor.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	// A private key block is read so that ParseKeys can say what it is.
	if block.Type != openpgp.PublicKeyType && block.Type != openpgp.PrivateKeyType {
		return nil, fmt.Errorf("a %s block, not a public key", block.Type)
	}
	return openpgp.ReadKeyRing(block.Body)
}

// armoredBlocks splits text into its armored blocks, each from a
// "-----BEGIN PGP …-----" line through the next "-----END PGP …-----"
// line. Text around the blocks is ignored, as gpg does.
func armoredBlocks(text []byte) ([][]byte, error) {
	var blocks [][]byte
	start := -1
	for off := 0; off < len(text); {
		end := bytes.IndexByte(text[off:], '\n')
		next := len(text)
		if end >= 0 {
			next = off + end + 1
		}
		line := bytes.TrimSpace(text[off:next])
		switch {
		case start < 0 && bytes.HasPrefix(line, []byte("-----BEGIN PGP ")):
			start = off
		case start >= 0 && bytes.HasPrefix(line, []byte("-----END PGP ")):
			blocks = append(blocks, text[start:next])
			start = -1
		}
		off = next
	}
	if start >= 0 {
		return nil, fmt.Errorf("armored block %d has no END line", len(blocks)+1)
	}
	return blocks, nil
}
