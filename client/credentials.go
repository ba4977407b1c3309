package client

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Credentials maps a registry hostname to the bearer token to send to it,
// like the `credentials "<host>" { token = "..." }` blocks of a Terraform
// CLI configuration. A hostname includes its port when that is not the
// default one ("registry.example.com", "127.0.0.1:8443"); names are
// compared case-insensitively and ":443" may be left out.
type Credentials map[string]string

// normalize returns a copy with canonical keys, or an error naming a key
// that is not a hostname.
func (c Credentials) normalize() (Credentials, error) {
	out := make(Credentials, len(c))
	for host, token := range c {
		key := canonicalHost(host, "https")
		if key == "" || strings.ContainsAny(key, "/?#@ \t") {
			return nil, fmt.Errorf("credentials: %q is not a hostname", host)
		}
		if token == "" {
			return nil, fmt.Errorf("credentials for %s: empty token", host)
		}
		out[key] = token
	}
	return out, nil
}

// tokenFor returns the token configured for the host of u, if any, and
// whether it may be sent there: not over plain http unless the host is a
// loopback address.
func (c Credentials) tokenFor(u *url.URL) (string, bool) {
	if len(c) == 0 {
		return "", false
	}
	token, ok := c[canonicalHost(u.Host, u.Scheme)]
	if !ok {
		return "", false
	}
	switch u.Scheme {
	case "https":
		return token, true
	case "http":
		return token, isLoopback(u.Hostname())
	}
	return "", false
}

// canonicalHost lower-cases host and drops the scheme's default port.
func canonicalHost(host, scheme string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	switch {
	case scheme == "https" && strings.HasSuffix(host, ":443"):
		host = strings.TrimSuffix(host, ":443")
	case scheme == "http" && strings.HasSuffix(host, ":80"):
		host = strings.TrimSuffix(host, ":80")
	}
	return host
}

func isLoopback(hostname string) bool {
	if strings.EqualFold(hostname, "localhost") {
		return true
	}
	ip := net.ParseIP(hostname)
	return ip != nil && ip.IsLoopback()
}

// CredentialsFromEnv returns the tokens given in the environment the way
// Terraform reads them: TF_TOKEN_<host>=<token>, where the hostname's dots
// are written "_" and its hyphens "__" (TF_TOKEN_registry_example__corp_com
// is registry.example-corp.com). environ is in the form of os.Environ.
func CredentialsFromEnv(environ []string) Credentials {
	const prefix = "TF_TOKEN_"
	out := Credentials{}
	for _, kv := range environ {
		name, token, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, prefix) || token == "" || len(name) == len(prefix) {
			continue
		}
		host := strings.ReplaceAll(name[len(prefix):], "__", "\x00")
		host = strings.ReplaceAll(host, "_", ".")
		host = strings.ReplaceAll(host, "\x00", "-")
		out[strings.ToLower(host)] = token
	}
	return out
}
