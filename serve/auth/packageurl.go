package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/regen-registry/regen/manifest"
)

// Query parameters of a signed package URL. go-getter passes unknown
// parameters through to the HTTP request.
const (
	expiresParam   = "regen_expires"
	signatureParam = "regen_signature"
)

// DefaultPackageURLLifetime is how long a signed package URL is valid: long
// enough for `terraform init` to fetch the package right after asking for
// the download location, short enough that a leaked URL soon stops working.
const DefaultPackageURLLifetime = 15 * time.Minute

// PackageURLs issues and checks short-lived signed URLs of module packages
// (archive mode). Terraform and OpenTofu fetch a package with go-getter's
// HTTP client, which does not send the registry's credentials (checked with
// Terraform 1.11 and read in OpenTofu's getmodules: only a .netrc is
// consulted), so a private registry cannot require a token for packages.
// Instead, the download answer, which does require a token, hands out the
// package's path with an expiry time and an HMAC over both; the package is
// served to whoever presents a valid, unexpired signature.
type PackageURLs struct {
	key      []byte
	lifetime time.Duration
	now      func() time.Time
}

// NewPackageURLs returns a signer with key (nil: 32 random bytes, valid for
// this process only) and lifetime (0: DefaultPackageURLLifetime); now may
// be nil (time.Now).
func NewPackageURLs(key []byte, lifetime time.Duration, now func() time.Time) *PackageURLs {
	if key == nil {
		key = make([]byte, 32)
		_, _ = rand.Read(key) // never fails (crypto/rand)
	}
	if lifetime <= 0 {
		lifetime = DefaultPackageURLLifetime
	}
	if now == nil {
		now = time.Now
	}
	return &PackageURLs{key: key, lifetime: lifetime, now: now}
}

func (p *PackageURLs) mac(path string, expires int64) string {
	h := hmac.New(sha256.New, p.key)
	h.Write([]byte("regen-package-url\n" + path + "\n" + strconv.FormatInt(expires, 10)))
	return hex.EncodeToString(h.Sum(nil))
}

// Sign returns a package location ("/archives/….tar.gz") with an expiry
// and a signature; any other location is returned unchanged.
func (p *PackageURLs) Sign(location string) string {
	if !strings.HasPrefix(location, "/") || strings.ContainsAny(location, "?#") || !manifest.IsPackage(location[1:]) {
		return location
	}
	exp := p.now().Add(p.lifetime).Unix()
	return location + "?" + expiresParam + "=" + strconv.FormatInt(exp, 10) + "&" + signatureParam + "=" + p.mac(location, exp)
}

// Valid reports whether r asks for a package with a valid, unexpired
// signature.
func (p *PackageURLs) Valid(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	path := r.URL.Path
	if !strings.HasPrefix(path, "/") || !manifest.IsPackage(path[1:]) || strings.Contains(path, "..") {
		return false
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return false
	}
	exp, err := strconv.ParseInt(q.Get(expiresParam), 10, 64)
	if err != nil || p.now().Unix() > exp || exp > p.now().Add(p.lifetime).Unix() {
		return false
	}
	return hmac.Equal([]byte(q.Get(signatureParam)), []byte(p.mac(path, exp)))
}
