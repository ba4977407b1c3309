package regdata

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Key is one OpenPGP public key from a file in keys/. A file holding
// several keys gives one Key per key (FileKeys), so that every key a file
// holds is trusted, published and shown under its own ID: never one key
// under another's ID.
type Key struct {
	// Path is the file's path relative to the data folder, slash-separated.
	Path string
	// Armored is the key, armored, as published in download documents: the
	// file's content when it holds this key alone, else this key's packets
	// from the file in an armored block of their own.
	Armored string
	// KeyID is the primary key's 16-hex-digit ID, upper case.
	KeyID string
}

// FileKeys parses the key file at path (relative to the data folder) and
// returns its keys, one per primary key, in file order (see Key).
func FileKeys(path string, data []byte) ([]Key, error) {
	ids, err := ParseKeys(data)
	if err != nil {
		return nil, err
	}
	if len(ids) == 1 {
		return []Key{{Path: path, Armored: string(data), KeyID: ids[0]}}, nil
	}
	parts, err := splitKeys(data)
	if err != nil {
		return nil, err
	}
	keys := make([]Key, 0, len(parts))
	for _, p := range parts {
		got, err := ParseKeys(p)
		if err != nil || len(got) != 1 {
			return nil, fmt.Errorf("splitting the file's %d keys: key %d does not stand alone (%v)", len(ids), len(keys)+1, err)
		}
		keys = append(keys, Key{Path: path, Armored: string(p), KeyID: got[0]})
	}
	if len(keys) != len(ids) {
		return nil, fmt.Errorf("splitting the file's %d keys: found %d", len(ids), len(keys))
	}
	for i := range keys {
		if keys[i].KeyID != ids[i] {
			return nil, fmt.Errorf("splitting the file's keys: key %d is %s, want %s", i+1, keys[i].KeyID, ids[i])
		}
	}
	return keys, nil
}

// splitKeys re-armors each key of a file on its own: the packets of every
// armored block, cut before each primary key packet, copied unchanged.
func splitKeys(data []byte) ([][]byte, error) {
	blocks, err := armoredBlocks(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")))
	if err != nil {
		return nil, err
	}
	var groups [][]*packet.OpaquePacket
	for _, b := range blocks {
		block, err := armor.Decode(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		or := packet.NewOpaqueReader(block.Body)
		start := len(groups)
		for {
			op, err := or.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			if op.Tag == tagPublicKey || len(groups) == start {
				groups = append(groups, nil)
			}
			groups[len(groups)-1] = append(groups[len(groups)-1], op)
		}
	}
	out := make([][]byte, 0, len(groups))
	for _, g := range groups {
		var b bytes.Buffer
		w, err := armor.Encode(&b, openpgp.PublicKeyType, nil)
		if err != nil {
			return nil, err
		}
		for _, op := range g {
			if err := op.Serialize(w); err != nil {
				return nil, err
			}
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
		b.WriteByte('\n')
		out = append(out, b.Bytes())
	}
	return out, nil
}

// tagPublicKey is the OpenPGP packet tag of a primary public key (RFC 9580
// section 5.5.1.1), which starts each key of a key ring.
const tagPublicKey = 6

// ParseKeys parses a key file: every armored OpenPGP public key block in
// it (CRLF line ends and ed25519 keys included), each holding one or more
// public keys, and returns the primary key IDs of all its keys, 16
// upper-case hex digits each, in file order. (There is no "the key of a
// file": every key in it is trusted, so callers account for them all.) A
// secret key, a block that is not a public key, a file without a key or
// one key listed twice is an error; errors name the block when the file
// has several, and callers name the file.
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

// ManyKeysError is returned where one key is wanted (submissions) and a
// file holds several: every key in a file is trusted, so a file must not
// carry a key besides the one a reviewer is shown.
type ManyKeysError struct {
	// KeyIDs are the primary key IDs of every key in the file.
	KeyIDs []string
}

func (e *ManyKeysError) Error() string {
	return fmt.Sprintf("holds %d keys (%s); want exactly one public key: export and submit each key on its own (gpg --armor --export KEYID)", len(e.KeyIDs), strings.Join(e.KeyIDs, ", "))
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
