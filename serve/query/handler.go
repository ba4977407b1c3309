package query

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/regen-registry/regen/generator/discovery"
	"github.com/regen-registry/regen/generator/search"
	"github.com/regen-registry/regen/serve"
)

// DefaultCheckEvery is how often the index is checked for a new build.
const DefaultCheckEvery = time.Second

// cacheControl is the Cache-Control of computed answers, as for the
// static listings.
const cacheControl = "public, max-age=60"

// Options configure a Handler.
type Options struct {
	// Source is the built tree the index is read from
	// (v1/search-index/…). Required.
	Source serve.Source
	// CheckEvery is how often, at most, a request triggers a check for a
	// new index (0: DefaultCheckEvery). The check and the reload run in
	// the background; requests keep being answered from the index loaded.
	CheckEvery time.Duration
	// Logger receives reloads (info) and failures (error). Nil logs
	// nothing.
	Logger *slog.Logger
	// Now is the clock of the checks (nil: time.Now).
	Now func() time.Time
}

// loaded is one loaded index and the ETag of the meta.json it came from.
type loaded struct {
	ix   *search.Index
	etag string
}

// Handler answers searches and listings with parameters from the search
// index of a built tree; see the package documentation.
type Handler struct {
	o       Options
	log     *slog.Logger
	cur     atomic.Pointer[loaded]
	checked atomic.Int64
	busy    atomic.Bool
}

// New loads the tree's search index. A tree without one (built before
// the index existed) is not an error: every request then goes to the
// static tree until an index appears.
func New(ctx context.Context, o Options) (*Handler, error) {
	if o.Source == nil {
		return nil, errors.New("query: Options.Source is nil")
	}
	if o.CheckEvery <= 0 {
		o.CheckEvery = DefaultCheckEvery
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	h := &Handler{o: o, log: o.Logger}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if err := h.reload(ctx); err != nil {
		return nil, err
	}
	h.checked.Store(o.Now().UnixNano())
	return h, nil
}

// Index returns the index in use, nil when the tree has none.
func (h *Handler) Index() *search.Index {
	if l := h.cur.Load(); l != nil {
		return l.ix
	}
	return nil
}

// metaETag returns the ETag of the index's meta.json, "" when absent.
func (h *Handler) metaETag(ctx context.Context) (string, error) {
	doc, err := h.o.Source.Open(ctx, search.Dir+"/"+search.MetaFile)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	defer doc.Body.Close()
	if doc.ETag != "" {
		return doc.ETag, nil
	}
	sum := sha256.New()
	if _, err := io.Copy(sum, doc.Body); err != nil {
		return "", err
	}
	return hex.EncodeToString(sum.Sum(nil)), nil
}

// reload loads the index when meta.json changed.
func (h *Handler) reload(ctx context.Context) error {
	etag, err := h.metaETag(ctx)
	if err != nil {
		return fmt.Errorf("query: checking the search index: %w", err)
	}
	if cur := h.cur.Load(); (cur == nil && etag == "") || (cur != nil && cur.etag == etag) {
		return nil
	}
	if etag == "" {
		h.cur.Store(nil)
		h.log.Warn("search index gone; answering from static files only")
		return nil
	}
	start := time.Now()
	ix, err := search.Load(ctx, h.open)
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	h.cur.Store(&loaded{ix: ix, etag: etag})
	h.log.Info("search index loaded", "modules", ix.ModuleCount(), "providers", ix.ProviderCount(),
		"built", ix.Built(), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

func (h *Handler) open(ctx context.Context, name string) ([]byte, error) {
	doc, err := h.o.Source.Open(ctx, name)
	if err != nil {
		return nil, err
	}
	defer doc.Body.Close()
	return io.ReadAll(doc.Body)
}

// maybeReload starts a background check when CheckEvery has passed.
func (h *Handler) maybeReload() {
	now := h.o.Now().UnixNano()
	last := h.checked.Load()
	if now-last < int64(h.o.CheckEvery) || !h.checked.CompareAndSwap(last, now) || !h.busy.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer h.busy.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := h.reload(ctx); err != nil {
			h.log.Error("reloading the search index; keeping the one loaded", "err", err)
		}
	}()
}

// Wrap answers searches, and listings that have query parameters, from
// the index; everything else (and everything while the tree has no
// index) goes to next.
func (h *Handler) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		rt := parseRoute(r.URL.Path)
		if rt.kind == routeNone || (rt.kind != routeSearch && r.URL.RawQuery == "") {
			next.ServeHTTP(w, r)
			return
		}
		h.maybeReload()
		l := h.cur.Load()
		if l == nil {
			next.ServeHTTP(w, r)
			return
		}
		status, body := answer(l.ix, rt, r.URL.RawQuery)
		write(w, r, status, body)
	})
}

// answer computes the document for a route.
func answer(ix *search.Index, rt route, rawQuery string) (int, []byte) {
	p, err := parseParams(rawQuery)
	if err != nil {
		return http.StatusBadRequest, discovery.ErrorBody(err.Error())
	}
	q := search.Query{Namespace: p.namespace, Provider: p.provider, Verified: p.verified, Offset: p.offset, Limit: p.limit}
	switch rt.kind {
	case routeSearch:
		if p.q == "" {
			return http.StatusBadRequest, discovery.ErrorBody(`missing query parameter "q"`)
		}
		q.Text = p.q
	case routeNamespace:
		if !ix.HasNamespace(rt.namespace) {
			return notFound()
		}
		q.Namespace = rt.namespace
	case routeName:
		q.Namespace, q.Name = rt.namespace, rt.name
		if ix.Modules(search.Query{Namespace: rt.namespace, Name: rt.name, Limit: 1}).Total == 0 {
			return notFound()
		}
	case routeProviders, routeProvNS:
		ns := p.namespace
		if rt.kind == routeProvNS {
			ns = rt.namespace
			if !ix.HasProviderNamespace(ns) {
				return notFound()
			}
		}
		total, page := ix.Providers(ns, p.offset, p.limit)
		body, err := discovery.RenderProviderList(rt.urlPath, p.canonical, p.offset, p.limit, total, page)
		if err != nil {
			return http.StatusInternalServerError, discovery.ErrorBody(http.StatusText(http.StatusInternalServerError))
		}
		return http.StatusOK, body
	}
	body, err := discovery.RenderModuleList(rt.urlPath, p.canonical, p.offset, p.limit, ix.Modules(q))
	if err != nil {
		return http.StatusInternalServerError, discovery.ErrorBody(http.StatusText(http.StatusInternalServerError))
	}
	return http.StatusOK, body
}

func notFound() (int, []byte) {
	return http.StatusNotFound, discovery.ErrorBody(http.StatusText(http.StatusNotFound))
}

// write sends a computed answer with the headers the static handler
// gives its documents: CORS, Cache-Control, a strong ETag (answering
// If-None-Match with 304) and Content-Length.
func write(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	hdr := w.Header()
	hdr.Set("Access-Control-Allow-Origin", "*")
	hdr.Set("Access-Control-Expose-Headers", "ETag, Location, X-Terraform-Get")
	hdr.Set("Content-Type", "application/json")
	if status != http.StatusOK {
		hdr.Set("Cache-Control", "no-store")
	} else {
		sum := sha256.Sum256(body)
		etag := `"` + hex.EncodeToString(sum[:]) + `"`
		hdr.Set("Cache-Control", cacheControl)
		hdr.Set("ETag", etag)
		if match := r.Header.Get("If-None-Match"); match != "" && etagMatch(match, etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// etagMatch reports whether an If-None-Match header matches etag.
func etagMatch(header, etag string) bool {
	for _, part := range bytes.Split([]byte(header), []byte(",")) {
		t := string(bytes.TrimSpace(part))
		if t == "*" || t == etag || t == "W/"+etag {
			return true
		}
	}
	return false
}
