package config

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

var (
	hostRE    = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?$`)
	envRE     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	spdxRE    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.+-]*$`)
	segmentRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	regionRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	zoneRE    = regexp.MustCompile(`^[0-9a-f]{32}$`)
)

// checkHost accepts a lower-case host name with an optional port that
// contains a dot (Terraform rejects module sources on hosts without one).
func checkHost(v string) (string, error) {
	if strings.Contains(v, "://") {
		return "", fmt.Errorf("%q is a URL; give the host name here (registry.example.com) and the URL in base_url", v)
	}
	h := strings.ToLower(v)
	if !hostRE.MatchString(h) {
		return "", fmt.Errorf("%q is not a host name such as registry.example.com (optionally with :port)", v)
	}
	if name, _, _ := strings.Cut(h, ":"); !strings.Contains(name, ".") {
		return "", fmt.Errorf("%q has no dot: Terraform rejects module sources on such hosts (use a name such as registry.example.com)", v)
	}
	return h, nil
}

// checkBaseURL accepts an http(s) URL of a host's root.
func checkBaseURL(v string) (string, error) {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("%q is not an absolute http(s) URL such as https://registry.example.com", v)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q: want no user, query or fragment", v)
	}
	if p := strings.TrimRight(u.Path, "/"); p != "" {
		return "", fmt.Errorf("%q has a path (%s): a registry is served at the root of its host, where clients look for /.well-known/terraform.json", v, p)
	}
	if _, err := checkHost(u.Host); err != nil {
		return "", fmt.Errorf("%q: host %w", v, err)
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), nil
}

// checkHTTPURL accepts an absolute http(s) URL.
func checkHTTPURL(v string) (string, error) {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("%q is not an absolute http(s) URL", v)
	}
	return strings.TrimRight(v, "/"), nil
}

// checkGitURL accepts an absolute URL git understands over HTTP or the file
// system.
func checkGitURL(v string) (string, error) {
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" || (u.Scheme != "file" && u.Host == "") {
		return "", fmt.Errorf("%q is not an absolute URL such as https://github.com", v)
	}
	switch u.Scheme {
	case "https", "http", "file":
	default:
		return "", fmt.Errorf("%q: scheme %q is not http, https or file", v, u.Scheme)
	}
	return strings.TrimRight(v, "/"), nil
}

// checkPath accepts a non-empty file system path.
func checkPath(v string) (string, error) {
	if strings.TrimSpace(v) == "" {
		return "", errors.New("empty path")
	}
	if strings.ContainsRune(v, 0) {
		return "", errors.New("path contains a NUL byte")
	}
	return v, nil
}

// checkBool accepts true or false.
func checkBool(v string) (string, error) {
	switch v {
	case "true", "false":
		return v, nil
	}
	return "", fmt.Errorf("%q: want true or false", v)
}

// checkMirrorPrefix accepts a relative folder made of safe segments.
func checkMirrorPrefix(v string) (string, error) {
	p := strings.Trim(v, "/")
	if p == "" || strings.HasPrefix(v, "/") {
		return "", fmt.Errorf("%q is not a relative folder such as %q", v, DefaultMirrorPrefix)
	}
	for _, seg := range strings.Split(p, "/") {
		if !segmentRE.MatchString(seg) || strings.Contains(seg, "..") {
			return "", fmt.Errorf("%q is not a relative folder such as %q (segment %q)", v, DefaultMirrorPrefix, seg)
		}
	}
	return p + "/", nil
}

// checkLicense accepts an SPDX identifier (or "*", checked for being alone
// elsewhere).
func checkLicense(v string) (string, error) {
	if v == "*" || spdxRE.MatchString(v) {
		return v, nil
	}
	return "", fmt.Errorf("%q is not an SPDX identifier such as MIT or Apache-2.0", v)
}

// checkEnvName accepts the name of an environment variable.
func checkEnvName(v string) (string, error) {
	if !envRE.MatchString(v) {
		return "", fmt.Errorf("%q is not an environment variable name (name the variable, not its value)", v)
	}
	return v, nil
}

// checkTarget accepts s3://BUCKET[/PREFIX] and file:///PATH targets.
func checkTarget(v string) (string, error) {
	u, err := url.Parse(v)
	if err != nil {
		return "", fmt.Errorf("%q is not a URL; use s3://BUCKET[/PREFIX] or file:///PATH", v)
	}
	switch u.Scheme {
	case "s3":
		if u.Host == "" {
			return "", fmt.Errorf("%q has no bucket; use s3://BUCKET[/PREFIX]", v)
		}
		if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return "", fmt.Errorf("%q: want no query, fragment or user; use s3://BUCKET[/PREFIX]", v)
		}
	case "file":
		if u.Path == "" && u.Opaque == "" {
			return "", fmt.Errorf("%q has no folder; use file:///PATH", v)
		}
		if u.Host != "" && u.Host != "localhost" {
			return "", fmt.Errorf("%q names a host; use file:///PATH", v)
		}
	default:
		return "", fmt.Errorf("%q: want s3://BUCKET[/PREFIX] or file:///PATH", v)
	}
	return v, nil
}

// checkRegion accepts an S3 region name.
func checkRegion(v string) (string, error) {
	if !regionRE.MatchString(v) {
		return "", fmt.Errorf("%q is not a region such as us-east-1 or auto", v)
	}
	return v, nil
}

// checkZone accepts a Cloudflare zone ID.
func checkZone(v string) (string, error) {
	z := strings.ToLower(v)
	if !zoneRE.MatchString(z) {
		return "", fmt.Errorf("%q is not a zone ID (32 hex digits, shown on the zone's overview page); the zone's name does not work here", v)
	}
	return z, nil
}

// checkAccess accepts public and private.
func checkAccess(v string) (string, error) {
	if v != "public" && v != "private" {
		return "", fmt.Errorf("%q: want public or private", v)
	}
	return v, nil
}
