package release

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/dirhash"

	"github.com/regen-registry/regen/internal/ghtest"
	"github.com/regen-registry/regen/internal/hostile"
)

// Release manifests are publisher bytes: whatever parses names only N.M
// protocols, each once.
func FuzzParseManifest(f *testing.F) {
	for _, s := range []string{
		`{"version":1,"metadata":{"protocol_versions":["6.0"]}}`,
		`{"version":1,"metadata":{"protocol_versions":["5","5.0","6"]}}`,
		`{"metadata":null}`, `[]`, `{"metadata":{"protocol_versions":[1]}}`, "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := ParseManifest(data)
		if err != nil {
			return
		}
		if len(ps) == 0 {
			t.Fatal("no protocols and no error")
		}
		seen := map[string]bool{}
		for _, p := range ps {
			if !protocolRE.MatchString(p) || !strings.Contains(p, ".") || seen[p] {
				t.Fatalf("protocol %q in %v", p, ps)
			}
			seen[p] = true
		}
	})
}

// Provider packages are publisher bytes: HashZip never panics and, where
// it hashes, agrees with dirhash.HashZip (small limits keep each input
// cheap).
func FuzzHashZip(f *testing.F) {
	f.Add(makeZip(f, [2]string{"terraform-provider-x", "#!/bin/sh\n"}))
	f.Add(makeZip(f, [2]string{"a", "1"}, [2]string{"a", "2"}, [2]string{"b/c", strings.Repeat("z", 5000)}))
	if z, err := hostile.OverlappingZip(3, 4<<20); err == nil {
		f.Add(z)
	}
	if z, err := hostile.LyingZip("x", 10, 1000); err == nil {
		f.Add(z)
	}
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Add([]byte("not a zip"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "p.zip")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		lim := ZipLimits{MaxEntries: 64, MaxUncompressed: 8 << 20, MaxRatio: 100, MaxDirectory: 64 << 10}
		got, err := HashZip(context.Background(), p, lim)
		if err != nil {
			return
		}
		want, err := dirhash.HashZip(p, dirhash.Hash1)
		if err != nil || got != want {
			t.Fatalf("HashZip = %s; dirhash.HashZip = %s, %v", got, want, err)
		}
	})
}

// Signatures are publisher bytes: garbage never verifies, and the real
// signature verifies only the bytes it signed.
func FuzzVerifySignature(f *testing.F) {
	key := ghtest.NewKeyEd25519(f, "fuzz signer")
	ring := key.KeyRing()
	signed := []byte("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  f.zip\n")
	sig := key.Sign(signed)
	f.Add(signed, sig)
	f.Add(signed, []byte("-----BEGIN PGP SIGNATURE-----\n\nnope\n-----END PGP SIGNATURE-----\n"))
	f.Add([]byte("other"), sig)
	f.Add([]byte{}, []byte{})
	f.Fuzz(func(t *testing.T, data, s []byte) {
		id, err := VerifySignature(ring, data, s)
		if err != nil {
			return
		}
		if id != key.KeyID() {
			t.Fatalf("verified by %s, want %s", id, key.KeyID())
		}
		if !slices.Equal(data, signed) {
			// A valid signature over other bytes would have to be made
			// with the key: the fuzzer cannot; a match means the check
			// is broken.
			t.Fatalf("verified %q with %q", data, s)
		}
	})
}
