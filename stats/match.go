package stats

import (
	"strings"

	"github.com/regen-registry/regen/regdata"
)

// DownloadEntry returns the counter an HTTP request path counts towards,
// "module/<ns>/<name>/<system>" or "provider/<ns>/<type>" (lower-cased),
// and true when the path is a download:
//
//	/v1/modules/<ns>/<name>/<system>/<version>/download
//	/v1/providers/<ns>/<type>/<version>/download/<os>/<arch>
//
// The latest-version redirect (/v1/modules/…/<system>/download) is not a
// download: clients follow it to the versioned one. Segments must be
// usable address parts and the version must parse.
func DownloadEntry(urlPath string) (string, bool) {
	p := strings.TrimPrefix(urlPath, "/")
	if !strings.HasPrefix(p, "v1/") {
		return "", false
	}
	segs := strings.Split(p, "/")
	switch {
	case len(segs) == 7 && segs[1] == "modules" && segs[6] == "download":
		if !safe(segs[2:6]...) || !isVersion(segs[5]) {
			return "", false
		}
		return "module/" + strings.ToLower(strings.Join(segs[2:5], "/")), true
	case len(segs) == 8 && segs[1] == "providers" && segs[5] == "download":
		if !safe(segs[2], segs[3], segs[4], segs[6], segs[7]) || !isVersion(segs[4]) {
			return "", false
		}
		return "provider/" + strings.ToLower(segs[2]+"/"+segs[3]), true
	}
	return "", false
}

func safe(parts ...string) bool {
	for _, s := range parts {
		if !regdata.SafeSegment(s) {
			return false
		}
	}
	return true
}

func isVersion(s string) bool {
	_, err := regdata.NormalizeVersion(s)
	return err == nil
}

// validEntry reports whether s is a counter name DownloadEntry could
// return.
func validEntry(s string) bool {
	kind, rest, ok := strings.Cut(s, "/")
	if !ok || rest != strings.ToLower(rest) {
		return false
	}
	parts := strings.Split(rest, "/")
	switch kind {
	case "module":
		return len(parts) == 3 && safe(parts...)
	case "provider":
		return len(parts) == 2 && safe(parts...)
	}
	return false
}
