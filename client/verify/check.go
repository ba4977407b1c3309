package verify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/regen-registry/regen/client"
	"github.com/regen-registry/regen/manifest"
)

// maxDownloadDoc bounds the module download documents read into memory.
const maxDownloadDoc = 1 << 20

// checker checks one file at a time against the deployed registry.
type checker struct {
	c   *client.Client
	o   *Options
	dir string
}

// check fetches f and returns what is wrong with it, warnings included.
func (k *checker) check(ctx context.Context, f manifest.File) []Problem {
	fail := func(kind Kind, format string, args ...any) []Problem {
		return []Problem{{Path: f.Path, Kind: kind, Detail: fmt.Sprintf(format, args...)}}
	}
	resp, cancel, err := fetch(ctx, k.c, f.Path, k.o.Timeout, k.o.Retries, k.o.retryDelay)
	if err != nil {
		return fail(Failed, "%v", err)
	}
	defer cancel()
	defer resp.Body.Close()
	segs := strings.Split(f.Path, "/")
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return fail(Missing, "%s", resp.Status)
	case isRedirect(resp.StatusCode) && isLatestDownload(segs):
		return k.checkLatestRedirect(f, resp)
	case isRedirect(resp.StatusCode):
		return fail(Failed, "%s to %s (not followed)", resp.Status, resp.Header.Get("Location"))
	case resp.StatusCode != http.StatusOK:
		return fail(Failed, "%s", resp.Status)
	}

	var out []Problem
	if ct := resp.Header.Get("Content-Type"); f.Type != "" && mediaType(ct) != mediaType(f.Type) {
		out = append(out, Problem{f.Path, Mismatch, fmt.Sprintf("Content-Type %q, want %q", ct, f.Type)})
	}
	h := sha256.New()
	var body []byte
	var n int64
	if isModuleDownload(segs) {
		body, err = io.ReadAll(io.LimitReader(resp.Body, maxDownloadDoc))
		h.Write(body)
		n = int64(len(body))
	} else {
		n, err = io.Copy(h, io.LimitReader(resp.Body, f.Size+1))
	}
	if err != nil {
		return append(out, Problem{f.Path, Failed, fmt.Sprintf("reading body: %v", err)})
	}
	if p := compareBody(f, h, n); p != "" {
		out = append(out, Problem{f.Path, Mismatch, p})
	}
	if isModuleDownload(segs) {
		out = append(out, k.checkTerraformGet(f.Path, resp.Header, body)...)
	}
	return out
}

// compareBody describes how a body of n bytes hashed into h differs from
// f, or returns "".
func compareBody(f manifest.File, h hash.Hash, n int64) string {
	if n > f.Size {
		return fmt.Sprintf("body larger than the %d bytes built", f.Size)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if n == f.Size && strings.EqualFold(sum, f.SHA256) {
		return ""
	}
	return fmt.Sprintf("sha256 %s (%d bytes), want %s (%d bytes)", sum, n, f.SHA256, f.Size)
}

// checkTerraformGet checks the X-Terraform-Get header of a module version
// download against the location in its body.
func (k *checker) checkTerraformGet(p string, hdr http.Header, body []byte) []Problem {
	var doc struct {
		Location string `json:"location"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return []Problem{{p, Mismatch, fmt.Sprintf("module download body is not JSON: %v", err)}}
	}
	got, ok := hdr["X-Terraform-Get"]
	switch {
	case !ok && k.o.RequireTerraformGet:
		return []Problem{{p, Mismatch, "no X-Terraform-Get header (Terraform reads only the header)"}}
	case !ok:
		return []Problem{{p, Warning, "no X-Terraform-Get header: OpenTofu reads the body, Terraform needs the header (serve through regen serve or the worker)"}}
	case len(got) != 1 || got[0] != doc.Location:
		return []Problem{{p, Mismatch, fmt.Sprintf("X-Terraform-Get %q does not match the body's location %q", strings.Join(got, ", "), doc.Location)}}
	}
	return nil
}

// checkLatestRedirect checks that a redirect answering the latest-version
// download leads to the download of the version its built file names.
func (k *checker) checkLatestRedirect(f manifest.File, resp *http.Response) []Problem {
	fail := func(format string, args ...any) []Problem {
		return []Problem{{Path: f.Path, Kind: Mismatch, Detail: fmt.Sprintf(format, args...)}}
	}
	b, err := os.ReadFile(filepath.Join(k.dir, filepath.FromSlash(f.Path)))
	if err != nil {
		return []Problem{{f.Path, Failed, fmt.Sprintf("reading the built file: %v", err)}}
	}
	var doc struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || doc.Version == "" {
		return []Problem{{f.Path, Failed, fmt.Sprintf("built file has no \"version\" (%v)", err)}}
	}
	loc, err := resp.Request.URL.Parse(resp.Header.Get("Location"))
	if err != nil {
		return fail("%s with Location %q: %v", resp.Status, resp.Header.Get("Location"), err)
	}
	wantPath := path.Dir(f.Path) + "/" + doc.Version + "/download"
	want := k.c.BaseURL().JoinPath(strings.Split(wantPath, "/")...)
	if !sameLocation(loc, want) {
		return fail("%s to %s, want %s", resp.Status, loc.Redacted(), want.Redacted())
	}
	return nil
}

func sameLocation(a, b *url.URL) bool {
	return a.Scheme == b.Scheme && strings.EqualFold(a.Host, b.Host) && a.Path == b.Path
}

func isRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// isModuleDownload reports whether segs is v1/modules/ns/name/system/version/download.
func isModuleDownload(segs []string) bool {
	return len(segs) == 7 && segs[0] == "v1" && segs[1] == "modules" && segs[6] == "download"
}

// isLatestDownload reports whether segs is v1/modules/ns/name/system/download.
func isLatestDownload(segs []string) bool {
	return len(segs) == 6 && segs[0] == "v1" && segs[1] == "modules" && segs[5] == "download"
}

func mediaType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(ct))
	}
	return mt
}
