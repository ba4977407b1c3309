// Package tlstest makes HTTP clients that trust only a test's own
// certificate authority: the self-signed CA of regen serve, of workerd or
// of a loopback GitHub, read from the PEM file the server wrote.
package tlstest

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"testing"
)

// Pool returns a pool of the PEM certificates in file; the test fails when
// the file cannot be read or holds none.
func Pool(t testing.TB, file string) *x509.CertPool {
	t.Helper()
	pem, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("%s holds no PEM certificate", file)
	}
	return pool
}

// Client returns an HTTP client trusting only roots.
func Client(roots *x509.CertPool) *http.Client {
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
}
