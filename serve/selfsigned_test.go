package serve

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
	"testing"
	"time"
)

func TestNewSelfSigned(t *testing.T) {
	ss, err := NewSelfSigned([]string{"registry.example.test", "192.0.2.7", "0.0.0.0"})
	if err != nil {
		t.Fatal(err)
	}
	block, rest := pem.Decode(ss.CAPEM)
	if block == nil || block.Type != "CERTIFICATE" || len(rest) != 0 {
		t.Fatalf("CAPEM is not one PEM certificate: %q", ss.CAPEM)
	}
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !ca.IsCA || ca.PublicKeyAlgorithm != x509.ECDSA {
		t.Errorf("CA: IsCA %v, key %v; want an ECDSA CA", ca.IsCA, ca.PublicKeyAlgorithm)
	}
	leaf := ss.Certificate.Leaf
	if k, ok := leaf.PublicKey.(*ecdsa.PublicKey); !ok || k.Curve != elliptic.P256() {
		t.Errorf("server key is %T, want ECDSA P-256", leaf.PublicKey)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	verify := func(host string) error {
		_, err := leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: host, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
		return err
	}
	for _, host := range []string{"registry.example.test", "192.0.2.7", "127.0.0.1", "::1", "localhost"} {
		if err := verify(host); err != nil {
			t.Errorf("certificate does not verify for %s with only the CA: %v", host, err)
		}
	}
	for _, host := range []string{"example.com", "192.0.2.8", "0.0.0.0", "other.example.test"} {
		if err := verify(host); err == nil {
			t.Errorf("certificate verifies for %s, which it was not made for", host)
		}
	}
	// The CA is name-constrained: even a certificate it signed for another
	// host would not verify.
	if len(ca.PermittedDNSDomains) == 0 || len(ca.PermittedIPRanges) == 0 {
		t.Errorf("CA has no name constraints: %v %v", ca.PermittedDNSDomains, ca.PermittedIPRanges)
	}
	if now := time.Now(); now.Before(leaf.NotBefore) || now.After(leaf.NotAfter) {
		t.Errorf("certificate not valid now: %v–%v", leaf.NotBefore, leaf.NotAfter)
	}
	// Every run makes a new CA.
	ss2, err := NewSelfSigned(nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(ss2.CAPEM) == string(ss.CAPEM) {
		t.Error("two runs made the same CA")
	}
	if _, err := ss2.Certificate.Leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: "127.0.0.1"}); err == nil {
		t.Error("one run's CA verifies another run's certificate")
	}
}
