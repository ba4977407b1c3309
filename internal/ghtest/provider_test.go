package ghtest_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/mod/sumdb/dirhash"

	"github.com/regen-registry/regen/internal/ghtest"
)

// checkSig verifies sig over data against the armored key, as Terraform does.
func checkSig(armored string, data, sig []byte) error {
	ring, err := openpgp.ReadArmoredKeyRing(strings.NewReader(armored))
	if err != nil {
		return err
	}
	_, err = openpgp.CheckDetachedSignature(ring, bytes.NewReader(data), bytes.NewReader(sig), nil)
	return err
}

// sumsLine returns the hex SHA256SUMS gives for name.
func sumsLine(t *testing.T, sums []byte, name string) string {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSuffix(string(sums), "\n"), "\n") {
		hexSum, file, ok := strings.Cut(line, "  ")
		if !ok || len(hexSum) != 64 {
			t.Fatalf("SHA256SUMS line %q is not \"<hex>  <file>\"", line)
		}
		if file == name {
			return hexSum
		}
	}
	t.Fatalf("SHA256SUMS has no line for %s:\n%s", name, sums)
	return ""
}

func TestProviderReleaseDownloadsVerify(t *testing.T) {
	srv := ghtest.New(t)
	key := ghtest.NewKeyEd25519(t, "Widget Signing")
	a := srv.AddProviderRelease("acme", "terraform-provider-widget", ghtest.ProviderRelease{
		Type:      "widget",
		Version:   "1.2.3",
		Title:     "Widget 1.2.3 (not the tag)",
		Platforms: []ghtest.Platform{{OS: "linux", Arch: "amd64"}, {OS: "darwin", Arch: "arm64"}, {OS: "windows", Arch: "amd64"}},
		Protocols: []string{"5.0"},
		Key:       key,
	})
	c := srv.Client()

	_, sums := get(t, c, a.ShasumsURL, nil)
	if !bytes.Equal(sums, a.Shasums) {
		t.Fatalf("downloaded SHA256SUMS differs from Shasums")
	}
	_, sig := get(t, c, a.SignatureURL, nil)
	if err := checkSig(key.Armored(), sums, sig); err != nil {
		t.Errorf("signature does not verify: %v", err)
	}
	if a.KeyID != key.KeyID() || a.ArmoredKey != key.Armored() {
		t.Errorf("artifacts key id %s, want %s", a.KeyID, key.KeyID())
	}

	resp, manifest := get(t, c, a.ManifestURL, nil)
	if resp.StatusCode != http.StatusOK || string(manifest) != `{"metadata":{"protocol_versions":["5.0"]},"version":1}`+"\n" {
		t.Errorf("manifest: status %d, %q", resp.StatusCode, manifest)
	}
	sum := sha256.Sum256(manifest)
	if got := sumsLine(t, sums, a.ManifestName); got != hex.EncodeToString(sum[:]) {
		t.Errorf("SHA256SUMS manifest line %s, want %x", got, sum)
	}

	dir := t.TempDir()
	for _, p := range a.Packages {
		want := "terraform-provider-widget_1.2.3_" + p.OS + "_" + p.Arch + ".zip"
		if p.Filename != want || !strings.HasSuffix(p.DownloadURL, "/acme/terraform-provider-widget/releases/download/v1.2.3/"+want) {
			t.Errorf("package %s at %s, want %s", p.Filename, p.DownloadURL, want)
		}
		resp, zipBytes := get(t, c, p.DownloadURL, nil)
		if resp.StatusCode != http.StatusOK || !bytes.Equal(zipBytes, p.Zip) || int64(len(zipBytes)) != p.Size {
			t.Fatalf("%s: status %d, %d bytes, want %d", p.Filename, resp.StatusCode, len(zipBytes), p.Size)
		}
		sum := sha256.Sum256(zipBytes)
		if hex.EncodeToString(sum[:]) != p.SHA256 || sumsLine(t, sums, p.Filename) != p.SHA256 {
			t.Errorf("%s: sha256 %x, artifacts %s, SHA256SUMS %s", p.Filename, sum, p.SHA256, sumsLine(t, sums, p.Filename))
		}
		zf := filepath.Join(dir, p.Filename)
		if err := os.WriteFile(zf, zipBytes, 0o644); err != nil {
			t.Fatal(err)
		}
		h1, err := dirhash.HashZip(zf, dirhash.Hash1)
		if err != nil || h1 != p.H1 || !strings.HasPrefix(h1, "h1:") {
			t.Errorf("%s: h1 %s (err %v), artifacts %s", p.Filename, h1, err, p.H1)
		}
		zr, err := zip.NewReader(bytes.NewReader(zipBytes), int64(len(zipBytes)))
		if err != nil {
			t.Fatal(err)
		}
		exe := "terraform-provider-widget_v1.2.3"
		if p.OS == "windows" {
			exe += ".exe"
		}
		if len(zr.File) != 1 || zr.File[0].Name != exe || zr.File[0].Mode()&0o111 == 0 {
			t.Errorf("%s holds %d files, first %q mode %v; want one executable %s", p.Filename, len(zr.File), zr.File[0].Name, zr.File[0].Mode(), exe)
		}
	}

	// The release is in the feed under its title, on a tagged commit.
	_, feed := get(t, c, srv.URL+"/acme/terraform-provider-widget/releases.atom", nil)
	if !strings.Contains(string(feed), "<title>Widget 1.2.3 (not the tag)</title>") || !strings.Contains(string(feed), "/releases/tag/v1.2.3\"") {
		t.Errorf("feed lacks the release:\n%s", feed)
	}
	if got := srv.Repo("acme", "terraform-provider-widget").TagCommit("v1.2.3"); got == "" || got != a.Commit {
		t.Errorf("tag v1.2.3 on %q, artifacts say %q", got, a.Commit)
	}
	srv.CheckNoUnknownPaths()
}

func TestProviderReleaseCorruptionKnobs(t *testing.T) {
	srv := ghtest.New(t)
	key := ghtest.NewKeyEd25519(t, "knobs")
	linux := ghtest.Platform{OS: "linux", Arch: "amd64"}
	arm := ghtest.Platform{OS: "linux", Arch: "arm64"}

	bad := srv.AddProviderRelease("acme", "terraform-provider-k", ghtest.ProviderRelease{
		Type: "k", Version: "1.0.0", Key: key, BadSignature: true,
		Platforms: []ghtest.Platform{linux, arm}, WrongChecksumFor: []ghtest.Platform{arm},
	})
	_, sig := get(t, srv.Client(), bad.SignatureURL, nil)
	err := checkSig(key.Armored(), bad.Shasums, sig)
	var sigErr pgperrors.SignatureError
	if !errors.As(err, &sigErr) || !strings.Contains(err.Error(), "openpgp: invalid signature") {
		t.Errorf("BadSignature verified with err %v, want openpgp: invalid signature", err)
	}
	if sumsLine(t, bad.Shasums, bad.Package("linux", "amd64").Filename) != bad.Package("linux", "amd64").SHA256 {
		t.Error("linux_amd64 checksum line is wrong but was not asked to be")
	}
	if sumsLine(t, bad.Shasums, bad.Package("linux", "arm64").Filename) == bad.Package("linux", "arm64").SHA256 {
		t.Error("WrongChecksumFor linux_arm64 left the SHA256SUMS line correct")
	}

	other := ghtest.NewKeyEd25519(t, "someone else")
	if err := checkSig(other.Armored(), bad.Shasums, key.Sign(bad.Shasums)); err == nil {
		t.Error("a signature verified against an unrelated key")
	}

	missing := srv.AddProviderRelease("acme", "terraform-provider-k", ghtest.ProviderRelease{
		Type: "k", Version: "1.1.0", Key: key, MissingSums: true,
	})
	for _, u := range []string{missing.ShasumsURL, missing.SignatureURL, missing.ManifestURL} {
		if resp, _ := get(t, srv.Client(), u, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", u, resp.StatusCode)
		}
	}
	if resp, _ := get(t, srv.Client(), missing.Packages[0].DownloadURL, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("zip of a MissingSums release: status %d", resp.StatusCode)
	}
	if got := len(srv.UnknownPaths()); got != 3 {
		t.Errorf("UnknownPaths has %d entries, want the 3 missing files: %q", got, srv.UnknownPaths())
	}
}

func TestProviderReleaseUsesExistingAnnotatedTag(t *testing.T) {
	srv := ghtest.New(t)
	repo := srv.NewRepo("acme", "terraform-provider-tagged")
	c := repo.Commit(map[string]string{"main.go": "package main\n"}, "code")
	repo.AnnotatedTag("v2.0.0", c, "2.0.0")
	a := srv.AddProviderRelease("acme", "terraform-provider-tagged", ghtest.ProviderRelease{Type: "tagged", Version: "2.0.0"})
	if a.Commit != c {
		t.Errorf("release commit %s, want the annotated tag's peeled commit %s", a.Commit, c)
	}
	if a.Signature != nil || a.KeyID != "" {
		t.Error("release without Key has a signature")
	}
}

func TestProviderArtifactsAreDeterministic(t *testing.T) {
	build := func() *ghtest.ProviderArtifacts {
		srv := ghtest.New(t)
		return srv.AddProviderRelease("acme", "terraform-provider-d", ghtest.ProviderRelease{
			Type: "d", Version: "0.1.0", Key: ghtest.NewKeyEd25519(t, "det"), Protocols: []string{"6.0"},
		})
	}
	a, b := build(), build()
	if a.Packages[0].SHA256 != b.Packages[0].SHA256 || a.Packages[0].H1 != b.Packages[0].H1 {
		t.Errorf("zip hashes differ between runs: %s/%s vs %s/%s", a.Packages[0].SHA256, a.Packages[0].H1, b.Packages[0].SHA256, b.Packages[0].H1)
	}
	if !bytes.Equal(a.Signature, b.Signature) || a.KeyID != b.KeyID || a.Commit != b.Commit {
		t.Error("signature, key id or commit differ between runs")
	}
	golden(t, "SHA256SUMS", a.Shasums)
}

func TestKeys(t *testing.T) {
	rsaKey := ghtest.NewKey(t, "RSA Test")
	edKey := ghtest.NewKeyEd25519(t, "Ed Test")
	for _, k := range []*ghtest.Key{rsaKey, edKey} {
		id := k.KeyID()
		if len(id) != 16 || strings.ToUpper(id) != id || strings.Trim(id, "0123456789ABCDEF") != "" {
			t.Errorf("%s: KeyID %q is not 16 upper-case hex digits", k.Name(), id)
		}
		if !strings.HasSuffix(k.Fingerprint(), id) {
			t.Errorf("%s: fingerprint %s does not end in key id %s", k.Name(), k.Fingerprint(), id)
		}
		if !strings.HasPrefix(k.Armored(), "-----BEGIN PGP PUBLIC KEY BLOCK-----") || strings.Contains(k.Armored(), "PRIVATE") {
			t.Errorf("%s: Armored is not a public key block:\n%s", k.Name(), k.Armored())
		}
		data := []byte("abc  terraform-provider-x_1.0.0_linux_amd64.zip\n")
		sig := k.Sign(data)
		if len(sig) == 0 || sig[0]&0x80 == 0 {
			t.Fatalf("%s: Sign did not return a binary OpenPGP packet", k.Name())
		}
		signer, err := openpgp.CheckDetachedSignature(k.KeyRing(), bytes.NewReader(data), bytes.NewReader(sig), nil)
		if err != nil {
			t.Errorf("%s: CheckDetachedSignature: %v", k.Name(), err)
		} else if signer.PrimaryKey.KeyIdString() != id {
			t.Errorf("%s: signed by %s, want %s", k.Name(), signer.PrimaryKey.KeyIdString(), id)
		}
	}
	again := ghtest.NewKeyEd25519(t, "Ed Test")
	if diff := cmp.Diff(edKey.Armored(), again.Armored()); diff != "" {
		t.Errorf("NewKeyEd25519 is not deterministic:\n%s", diff)
	}
	if ghtest.NewKeyEd25519(t, "Other").KeyID() == edKey.KeyID() {
		t.Error("different names gave the same key")
	}
}
