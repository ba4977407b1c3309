package serve

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"time"
)

// selfSignedValidity is how long a self-signed CA and its server
// certificate are valid. The CA's private key lives only in the serving
// process, so nothing else can ever be signed with it.
const selfSignedValidity = 365 * 24 * time.Hour

// SelfSigned is a certificate authority made for one run of a server and a
// server certificate it signed.
type SelfSigned struct {
	// CAPEM is the CA certificate in PEM form: the only file a client
	// needs to trust the server (SSL_CERT_FILE).
	CAPEM []byte
	// CA is the parsed CA certificate.
	CA *x509.Certificate
	// Certificate is the server certificate and its private key.
	Certificate tls.Certificate
}

// defaultHosts are always in a self-signed server certificate.
var defaultHosts = []string{"127.0.0.1", "::1", "localhost"}

// NewSelfSigned makes an ECDSA P-256 CA and a server certificate signed by
// it for hosts (IP addresses become IP SANs, names DNS SANs) and for
// 127.0.0.1, ::1 and localhost. The CA is name-constrained to those hosts.
func NewSelfSigned(hosts []string) (*SelfSigned, error) {
	var ips []net.IP
	var names []string
	seen := map[string]bool{}
	for _, h := range append(append([]string(nil), hosts...), defaultHosts...) {
		if h == "" || seen[h] {
			continue
		}
		seen[h] = true
		if ip := net.ParseIP(h); ip != nil {
			if ip4 := ip.To4(); ip4 != nil {
				ip = ip4 // a 4-byte form, so the name constraint gets a /32
			}
			if !ip.IsUnspecified() {
				ips = append(ips, ip)
			}
		} else {
			names = append(names, h)
		}
	}
	now := time.Now()
	notBefore, notAfter := now.Add(-time.Hour), now.Add(selfSignedValidity)

	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating CA key: %w", err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: "regen serve CA " + now.UTC().Format(time.RFC3339)},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
		PermittedDNSDomains:   names,
	}
	for _, ip := range ips {
		caTmpl.PermittedIPRanges = append(caTmpl.PermittedIPRanges, &net.IPNet{IP: ip, Mask: net.CIDRMask(len(ip)*8, len(ip)*8)})
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("creating CA certificate: %w", err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, fmt.Errorf("parsing CA certificate: %w", err)
	}

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating server key: %w", err)
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      pkix.Name{CommonName: "regen serve"},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     names,
		IPAddresses:  ips,
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("creating server certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(leafDER)
	if err != nil {
		return nil, fmt.Errorf("parsing server certificate: %w", err)
	}
	return &SelfSigned{
		CAPEM:       pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		CA:          ca,
		Certificate: tls.Certificate{Certificate: [][]byte{leafDER}, PrivateKey: key, Leaf: leaf},
	}, nil
}

// randomSerial returns a random 128-bit serial number.
func randomSerial() *big.Int {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	b[0] &= 0x7f        // keep it positive in DER
	return new(big.Int).SetBytes(b)
}
