package ghtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Key is an OpenPGP signing key for provider releases, as goreleaser uses
// to sign SHA256SUMS.
type Key struct {
	name    string
	entity  *openpgp.Entity
	config  *packet.Config
	armored string
}

// NewKey generates a fresh RSA 2048 key (primary key signs, plus an
// encryption subkey, like `gpg --gen-key`). Generation takes a few hundred
// milliseconds; share one key between subtests where you can.
func NewKey(t testing.TB, name string) *Key {
	t.Helper()
	return newKey(t, name, &packet.Config{
		Algorithm: packet.PubKeyAlgoRSA,
		RSABits:   2048,
	})
}

// NewKeyEd25519 returns an EdDSA (ed25519, the OpenPGP "legacy" algorithm
// gpg and every Terraform version understand) key derived from name: the
// same name gives the same key, key id, armor and signatures on every run,
// so golden files may contain them. Use distinct names for distinct keys.
func NewKeyEd25519(t testing.TB, name string) *Key {
	t.Helper()
	seed := sha256.Sum256([]byte("ghtest key " + name))
	return newKey(t, name, &packet.Config{
		Algorithm: packet.PubKeyAlgoEdDSA,
		Curve:     packet.Curve25519,
		Rand:      rand.NewChaCha8(seed),
	})
}

// newKey creates the entity with a fixed creation time and deterministic
// signature settings.
func newKey(t testing.TB, name string, cfg *packet.Config) *Key {
	t.Helper()
	if name == "" || strings.ContainsAny(name, "()<>\x00") {
		t.Fatalf("ghtest: invalid key name %q", name)
	}
	noSalt := false
	cfg.Time = Epoch
	cfg.NonDeterministicSignaturesViaNotation = &noSalt
	email := strings.ToLower(strings.Join(strings.Fields(name), ".")) + "@example.test"
	e, err := openpgp.NewEntity(name, "ghtest", email, cfg)
	if err != nil {
		t.Fatalf("ghtest: generating key %q: %v", name, err)
	}
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatalf("ghtest: armoring key %q: %v", name, err)
	}
	if err := e.Serialize(w); err != nil {
		t.Fatalf("ghtest: serialising key %q: %v", name, err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("ghtest: armoring key %q: %v", name, err)
	}
	return &Key{name: name, entity: e, config: cfg, armored: buf.String() + "\n"}
}

// Name returns the name the key was made with.
func (k *Key) Name() string { return k.name }

// Armored returns the ASCII-armored public key ("-----BEGIN PGP PUBLIC KEY
// BLOCK-----"), the form registries publish as ascii_armor.
func (k *Key) Armored() string { return k.armored }

// KeyID returns the primary key's id as 16 upper-case hex digits, the
// key_id of the registry protocol and the issuer of Sign's signatures.
func (k *Key) KeyID() string { return k.entity.PrimaryKey.KeyIdString() }

// Fingerprint returns the primary key's fingerprint in upper-case hex.
func (k *Key) Fingerprint() string {
	return strings.ToUpper(hex.EncodeToString(k.entity.PrimaryKey.Fingerprint))
}

// Entity returns the underlying key, private parts included.
func (k *Key) Entity() *openpgp.Entity { return k.entity }

// KeyRing returns a key ring holding just the public key, for
// openpgp.CheckDetachedSignature.
func (k *Key) KeyRing() openpgp.EntityList {
	el, err := openpgp.ReadArmoredKeyRing(strings.NewReader(k.armored))
	if err != nil {
		panic("ghtest: re-reading own armored key: " + err.Error())
	}
	return el
}

// Sign returns a binary detached signature of data (what `gpg
// --detach-sign` writes and goreleaser publishes as SHA256SUMS.sig). With
// NewKeyEd25519 the signature is deterministic.
func (k *Key) Sign(data []byte) []byte {
	var buf bytes.Buffer
	if err := openpgp.DetachSign(&buf, k.entity, bytes.NewReader(data), k.config); err != nil {
		panic("ghtest: signing with key " + k.name + ": " + err.Error())
	}
	return buf.Bytes()
}
