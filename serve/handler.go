package serve

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/regen-registry/regen/manifest"
)

// HandlerOptions configures a Handler.
type HandlerOptions struct {
	// Source provides the documents. Required.
	Source Source
	// Logger receives one debug record per request and an error record
	// per failure of the Source. Nil logs nothing.
	Logger *slog.Logger
	// CacheControl returns the Cache-Control header for a tree path.
	// Nil means DefaultCacheControl.
	CacheControl func(path string) string
}

// Handler serves a registry tree from a Source over HTTP. See the package
// documentation for what it answers. It is safe for concurrent use.
type Handler struct {
	src          Source
	log          *slog.Logger
	cacheControl func(string) string
}

// NewHandler returns a Handler for o.
func NewHandler(o HandlerOptions) (*Handler, error) {
	if o.Source == nil {
		return nil, errors.New("serve: HandlerOptions.Source is nil")
	}
	h := &Handler{src: o.Source, log: o.Logger, cacheControl: o.CacheControl}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.cacheControl == nil {
		h.cacheControl = DefaultCacheControl
	}
	return h, nil
}

// ServeHTTP answers one request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w}
	h.serve(rec, r)
	h.logRequest(r, rec, time.Since(start))
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	setCORS(w.Header())
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodOptions:
		preflight(w)
		return
	default:
		w.Header().Set("Allow", allowedMethods)
		writeError(w, r, http.StatusMethodNotAllowed)
		return
	}
	name, ok := treePath(r.URL.Path)
	if !ok {
		writeError(w, r, http.StatusNotFound)
		return
	}
	doc, resolved, err := h.open(r.Context(), name)
	if errors.Is(err, fs.ErrNotExist) {
		writeError(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	defer doc.Body.Close()
	if doc.ContentType == "" {
		doc.ContentType = manifest.ContentType(resolved)
	}
	segs := strings.Split(resolved, "/")
	switch {
	case isModuleLatestDownload(segs):
		err = h.redirectLatest(w, r, resolved, doc)
	case isModuleVersionDownload(segs):
		err = h.serveModuleDownload(w, r, resolved, doc)
	default:
		err = h.serveDocument(w, r, resolved, doc)
	}
	if err != nil {
		h.fail(w, r, err)
	}
}

// open opens the first of name's case candidates that exists, returning
// the document and the tree path it was found at.
func (h *Handler) open(ctx context.Context, name string) (*Document, string, error) {
	var err error
	for _, p := range caseCandidates(name) {
		var doc *Document
		doc, err = h.src.Open(ctx, p)
		if err == nil {
			return doc, p, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, "", err
		}
	}
	return nil, "", err
}

// serveDocument serves doc as it is, with validators and caching headers;
// http.ServeContent answers If-None-Match (304), HEAD and ranges.
func (h *Handler) serveDocument(w http.ResponseWriter, r *http.Request, name string, doc *Document) error {
	if doc.ETag == "" {
		etag, err := etagOf(doc.Body)
		if err != nil {
			return fmt.Errorf("hashing %s: %w", name, err)
		}
		doc.ETag = etag
	}
	hdr := w.Header()
	hdr.Set("Content-Type", doc.ContentType)
	hdr.Set("Cache-Control", h.cacheControl(name))
	hdr.Set("ETag", doc.ETag)
	http.ServeContent(w, r, "", doc.ModTime, doc.Body)
	return nil
}

// fail answers 500 and logs err, unless the client has gone away.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() == nil {
		h.log.LogAttrs(r.Context(), slog.LevelError, "serving request failed",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	writeError(w, r, http.StatusInternalServerError)
}
