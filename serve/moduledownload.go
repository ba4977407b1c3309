package serve

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
)

// maxDownloadDoc bounds the module download documents read into memory.
const maxDownloadDoc = 64 << 10

// isModuleVersionDownload reports whether segs is
// v1/modules/ns/name/system/version/download.
func isModuleVersionDownload(segs []string) bool {
	return len(segs) == 7 && segs[0] == "v1" && segs[1] == "modules" && segs[6] == "download"
}

// isModuleLatestDownload reports whether segs is
// v1/modules/ns/name/system/download.
func isModuleLatestDownload(segs []string) bool {
	return len(segs) == 6 && segs[0] == "v1" && segs[1] == "modules" && segs[5] == "download"
}

// downloadDoc is the body of a module download document.
type downloadDoc struct {
	Location string `json:"location"`
	Version  string `json:"version"`
}

func readDownloadDoc(name string, doc *Document) ([]byte, downloadDoc, error) {
	body, err := io.ReadAll(io.LimitReader(doc.Body, maxDownloadDoc+1))
	if err != nil {
		return nil, downloadDoc{}, fmt.Errorf("reading %s: %w", name, err)
	}
	if len(body) > maxDownloadDoc {
		return nil, downloadDoc{}, fmt.Errorf("reading %s: larger than %d bytes", name, maxDownloadDoc)
	}
	var d downloadDoc
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, downloadDoc{}, fmt.Errorf("reading %s: %w", name, err)
	}
	return body, d, nil
}

// serveModuleDownload serves a module version download document with the
// X-Terraform-Get header Terraform needs, taken from its "location".
func (h *Handler) serveModuleDownload(w http.ResponseWriter, r *http.Request, name string, doc *Document) error {
	body, d, err := readDownloadDoc(name, doc)
	if err != nil {
		return err
	}
	if d.Location == "" || hasControl(d.Location) {
		return fmt.Errorf("reading %s: field \"location\" is empty or holds control characters", name)
	}
	signed := false
	if sign := locationSigner(r.Context()); sign != nil {
		if loc := sign(d.Location); loc != d.Location {
			if body, err = relocate(body, loc); err != nil {
				return fmt.Errorf("reading %s: %w", name, err)
			}
			d.Location, doc.ETag, signed = loc, "", true
		}
	}
	if doc.ETag == "" {
		doc.ETag, _ = etagOf(bytes.NewReader(body)) // a bytes.Reader does not fail
	}
	w.Header().Set("X-Terraform-Get", d.Location)
	if signed {
		// A signed location expires: no cache may keep the answer.
		return h.serveUncached(w, r, name, doc, body)
	}
	doc.Body = readSeekNopCloser{bytes.NewReader(body)}
	return h.serveDocument(w, r, name, doc)
}

// relocate returns a download document's body with its "location" set to
// loc, other members kept.
func relocate(body []byte, loc string) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, err
	}
	l, err := json.Marshal(loc)
	if err != nil {
		return nil, err
	}
	m["location"] = l
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// serveUncached serves a rewritten download document with Cache-Control:
// no-store.
func (h *Handler) serveUncached(w http.ResponseWriter, r *http.Request, name string, doc *Document, body []byte) error {
	doc.Body = readSeekNopCloser{bytes.NewReader(body)}
	nw := &noStoreWriter{ResponseWriter: w}
	return h.serveDocument(nw, r, name, doc)
}

// noStoreWriter forces Cache-Control: no-store on the answer.
type noStoreWriter struct{ http.ResponseWriter }

func (w *noStoreWriter) WriteHeader(code int) {
	w.Header().Set("Cache-Control", cacheNone)
	w.ResponseWriter.WriteHeader(code)
}

func (w *noStoreWriter) Write(p []byte) (int, error) {
	if w.Header().Get("Cache-Control") != cacheNone {
		w.Header().Set("Cache-Control", cacheNone)
	}
	return w.ResponseWriter.Write(p)
}

// redirectLatest answers the latest-version module download with 302 to
// the download of the version its document names.
func (h *Handler) redirectLatest(w http.ResponseWriter, r *http.Request, name string, doc *Document) error {
	_, d, err := readDownloadDoc(name, doc)
	if err != nil {
		return err
	}
	v := d.Version
	if v == "" || v == "." || v == ".." || strings.ContainsAny(v, "/\\") || hasControl(v) {
		return fmt.Errorf("reading %s: field \"version\" is not a version: %q", name, v)
	}
	target := url.URL{Path: "/" + path.Dir(name) + "/" + v + "/download"}
	hdr := w.Header()
	hdr.Set("Location", target.EscapedPath())
	hdr.Set("Cache-Control", h.cacheControl(name))
	w.WriteHeader(http.StatusFound)
	return nil
}

// hasControl reports whether s holds ASCII control bytes, which no header
// value or path segment may carry.
func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}

// readSeekNopCloser gives an in-memory reader the Close a Document needs.
type readSeekNopCloser struct{ io.ReadSeeker }

func (readSeekNopCloser) Close() error { return nil }
