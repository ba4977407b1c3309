package regdata

import (
	"bytes"
	"crypto"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/google/go-cmp/cmp"
)

// newTestKey makes an ed25519 key pair.
func newTestKey(t testing.TB, name string) *openpgp.Entity {
	t.Helper()
	e, err := openpgp.NewEntity(name, "", name+"@example.test", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA, DefaultHash: crypto.SHA256})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// armorKeys writes the public keys in one armored block.
func armorKeys(t testing.TB, es ...*openpgp.Entity) string {
	t.Helper()
	var b bytes.Buffer
	w, err := armor.Encode(&b, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if err := e.Serialize(w); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String() + "\n"
}

func keyID(e *openpgp.Entity) string { return strings.ToUpper(e.PrimaryKey.KeyIdString()) }

// sign makes a detached signature of data by e.
func sign(t *testing.T, e *openpgp.Entity, data string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := openpgp.DetachSign(&b, e, strings.NewReader(data), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestKeyFileWithSeveralKeys reads a file holding two armored public key
// blocks, and one block holding two keys: every key is found, read into
// the key ring, and checks signatures.
func TestKeyFileWithSeveralKeys(t *testing.T) {
	a, b := newTestKey(t, "alpha"), newTestKey(t, "bravo")
	want := []string{keyID(a), keyID(b)}
	for name, file := range map[string]string{
		"two blocks":         armorKeys(t, a) + armorKeys(t, b),
		"two blocks, CRLF":   strings.ReplaceAll("comment before\n"+armorKeys(t, a)+"\nbetween\n"+armorKeys(t, b), "\n", "\r\n"),
		"one block two keys": armorKeys(t, a, b),
	} {
		t.Run(name, func(t *testing.T) {
			ids, err := ParseKeys([]byte(file))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(want, ids); d != "" {
				t.Errorf("ParseKeys (-want +got):\n%s", d)
			}
			ring, err := KeyRing([]Key{{Path: "keys/e/example/two.asc", Armored: file}})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range []*openpgp.Entity{a, b} {
				if _, err := openpgp.CheckDetachedSignature(ring, strings.NewReader("shasums"), bytes.NewReader(sign(t, e, "shasums")), nil); err != nil {
					t.Errorf("signature by %s: %v", keyID(e), err)
				}
			}
		})
	}

	// Through the data folder: one Key per key of the file.
	root := t.TempDir()
	p := filepath.Join(root, "keys", "e", "example", "two.asc")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(armorKeys(t, a)+armorKeys(t, b)), 0o644); err != nil {
		t.Fatal(err)
	}
	keys, err := Dir{Root: root}.ProviderKeys(ProviderAddr{Namespace: "example", Type: "widget"})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0].KeyID != want[0] || keys[1].KeyID != want[1] || keys[0].Path != "keys/e/example/two.asc" || keys[1].Path != keys[0].Path {
		t.Errorf("ProviderKeys = %+v, want the file's two keys %v", keys, want)
	}
}

// TestFileKeysSplits: a file with several keys, in one armored block or
// several, gives each key its own armored block holding that key alone, so
// that what is published under a key ID verifies that key's signatures
// and no other's (the smuggling of issue 10: one block, two keys, shown
// under the first key's ID).
func TestFileKeysSplits(t *testing.T) {
	a, b, c := newTestKey(t, "alpha"), newTestKey(t, "bravo"), newTestKey(t, "charlie")
	for name, file := range map[string]string{
		"one block":        armorKeys(t, a, b, c),
		"two blocks":       armorKeys(t, a, b) + armorKeys(t, c),
		"two blocks, CRLF": strings.ReplaceAll(armorKeys(t, a)+"\n"+armorKeys(t, b, c), "\n", "\r\n"),
	} {
		t.Run(name, func(t *testing.T) {
			keys, err := FileKeys("keys/e/example/k.asc", []byte(file))
			if err != nil {
				t.Fatal(err)
			}
			es := []*openpgp.Entity{a, b, c}
			if len(keys) != len(es) {
				t.Fatalf("%d keys, want %d", len(keys), len(es))
			}
			for i, k := range keys {
				if k.KeyID != keyID(es[i]) || k.Path != "keys/e/example/k.asc" {
					t.Errorf("key %d = %s %s, want %s", i, k.Path, k.KeyID, keyID(es[i]))
				}
				ids, err := ParseKeys([]byte(k.Armored))
				if err != nil || len(ids) != 1 || ids[0] != k.KeyID {
					t.Errorf("key %d armor holds %v (%v), want %s alone", i, ids, err, k.KeyID)
				}
				ring, err := KeyRing([]Key{k})
				if err != nil {
					t.Fatal(err)
				}
				for j, e := range es {
					_, err := openpgp.CheckDetachedSignature(ring, strings.NewReader("sums"), bytes.NewReader(sign(t, e, "sums")), nil)
					if (err == nil) != (i == j) {
						t.Errorf("key %d's armor checking a signature by key %d: %v", i, j, err)
					}
				}
			}
		})
	}
	// One key: the file as it is.
	one := armorKeys(t, a)
	keys, err := FileKeys("k.asc", []byte(one))
	if err != nil || len(keys) != 1 || keys[0].Armored != one || keys[0].KeyID != keyID(a) {
		t.Errorf("FileKeys(one key) = %+v, %v", keys, err)
	}
}

// TestKeyFileErrors checks the refusals; errors say which block is wrong
// and, through the data folder, name the file.
func TestKeyFileErrors(t *testing.T) {
	a, b := newTestKey(t, "alpha"), newTestKey(t, "bravo")
	var priv bytes.Buffer
	w, _ := armor.Encode(&priv, openpgp.PrivateKeyType, nil)
	if err := b.SerializePrivate(w, nil); err != nil {
		t.Fatal(err)
	}
	w.Close()
	for name, c := range map[string]struct{ file, err string }{
		"empty":        {"", "not an armored OpenPGP public key: no armored data found"},
		"same twice":   {armorKeys(t, a) + armorKeys(t, a), "key " + keyID(a) + " is in the file twice"},
		"private":      {armorKeys(t, a) + priv.String(), "file holds a private key: publish only the public key"},
		"bad second":   {armorKeys(t, a) + "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnope\n-----END PGP PUBLIC KEY BLOCK-----\n", "armored block 2: not an armored OpenPGP public key: "},
		"signature":    {armorKeys(t, a) + "-----BEGIN PGP SIGNATURE-----\n\nnope\n-----END PGP SIGNATURE-----\n", "armored block 2: not an armored OpenPGP public key: a PGP SIGNATURE block, not a public key"},
		"unterminated": {armorKeys(t, a) + "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n", "not an armored OpenPGP public key: armored block 2 has no END line"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseKeys([]byte(c.file))
			if err == nil || !strings.HasPrefix(err.Error(), c.err) {
				t.Errorf("ParseKeys: %v, want %q", err, c.err)
			}
		})
	}

	root := t.TempDir()
	p := filepath.Join(root, "keys", "e", "example", "bad.asc")
	os.MkdirAll(filepath.Dir(p), 0o755)
	os.WriteFile(p, []byte(armorKeys(t, a)+"-----BEGIN PGP SIGNATURE-----\n\nnope\n-----END PGP SIGNATURE-----\n"), 0o644)
	_, err := Dir{Root: root}.ProviderKeys(ProviderAddr{Namespace: "example", Type: "widget"})
	if err == nil || !strings.Contains(err.Error(), "keys/e/example/bad.asc") || !strings.Contains(err.Error(), "armored block 2") {
		t.Errorf("bad key file: %v, want an error naming the file and the block", err)
	}
}

func FuzzParseKeys(f *testing.F) {
	f.Add([]byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnope\n-----END PGP PUBLIC KEY BLOCK-----\n"))
	f.Add([]byte("x\r\n-----BEGIN PGP PUBLIC KEY BLOCK-----\r\n-----END PGP SIGNATURE-----\r\n-----BEGIN PGP "))
	a, b := newTestKey(f, "alpha"), newTestKey(f, "bravo")
	f.Add([]byte(armorKeys(f, a, b)))
	f.Add([]byte(armorKeys(f, a) + armorKeys(f, b)))
	f.Fuzz(func(t *testing.T, data []byte) {
		ids, err := ParseKeys(data)
		if err == nil && len(ids) == 0 {
			t.Fatalf("no error and no key from %q", data)
		}
		// Whatever parses splits into exactly its keys.
		keys, kerr := FileKeys("k.asc", data)
		if err == nil && kerr == nil {
			if len(keys) != len(ids) {
				t.Fatalf("FileKeys gave %d keys, ParseKeys %d", len(keys), len(ids))
			}
			for i, k := range keys {
				if k.KeyID != ids[i] {
					t.Fatalf("key %d: %s, want %s", i, k.KeyID, ids[i])
				}
			}
		}
		if err != nil && kerr == nil {
			t.Fatalf("FileKeys accepted what ParseKeys refused (%v)", err)
		}
	})
}
