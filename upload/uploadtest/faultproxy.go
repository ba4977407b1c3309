package uploadtest

import (
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Faults is what a FaultProxy injects: each request meets at most one
// fault, drawn with these probabilities.
type Faults struct {
	Error500 float64 // answer 500 InternalError without forwarding
	Error503 float64 // answer 503 SlowDown without forwarding
	Reset    float64 // reset the connection without forwarding
	// ResetAfter forwards the request, then resets the connection instead
	// of answering: the server did the work, the client does not know.
	ResetAfter float64
	// MaxLatency delays every request by a random duration up to this.
	MaxLatency time.Duration
	Seed       uint64
	// Only, when set, limits the faults to the requests it accepts.
	Only func(*http.Request) bool
}

// FaultProxy is a reverse proxy in front of an S3 server that fails a
// fraction of requests. It keeps the Host header, so SigV4 signatures
// made for the proxy's address verify at the server.
type FaultProxy struct {
	URL string

	// Injected counts the faults injected, by kind.
	Injected struct{ E500, E503, Reset, ResetAfter, Passed atomic.Int64 }

	faults Faults
	mu     sync.Mutex
	rng    *rand.Rand
	proxy  *httputil.ReverseProxy
	direct *http.Client
	target *url.URL
}

// StartFaultProxy starts a proxy to target (http://host:port) for the
// test.
func StartFaultProxy(tb testing.TB, target string, f Faults) *FaultProxy {
	tb.Helper()
	u, err := url.Parse(target)
	if err != nil {
		tb.Fatal(err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 128
	p := &FaultProxy{faults: f, rng: rand.New(rand.NewPCG(f.Seed, f.Seed^0x9e3779b97f4a7c15)), target: u,
		proxy: httputil.NewSingleHostReverseProxy(u), direct: &http.Client{Transport: tr}}
	p.proxy.Transport = tr
	p.proxy.ErrorLog = log.New(io.Discard, "", 0)
	srv := httptest.NewServer(p)
	tb.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

func (p *FaultProxy) draw() (float64, time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var d time.Duration
	if p.faults.MaxLatency > 0 {
		d = time.Duration(p.rng.Int64N(int64(p.faults.MaxLatency)))
	}
	return p.rng.Float64(), d
}

// ServeHTTP implements http.Handler.
func (p *FaultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	x, delay := p.draw()
	time.Sleep(delay)
	f := p.faults
	if f.Only != nil && !f.Only(r) {
		x = 2 // no fault
	}
	switch {
	case x < f.Error500:
		p.Injected.E500.Add(1)
		s3Error(w, r, http.StatusInternalServerError, "InternalError", "injected failure")
	case x < f.Error500+f.Error503:
		p.Injected.E503.Add(1)
		s3Error(w, r, http.StatusServiceUnavailable, "SlowDown", "injected throttling")
	case x < f.Error500+f.Error503+f.Reset:
		p.Injected.Reset.Add(1)
		reset(w)
	case x < f.Error500+f.Error503+f.Reset+f.ResetAfter:
		p.Injected.ResetAfter.Add(1)
		out := r.Clone(r.Context())
		out.RequestURI = ""
		out.URL.Scheme, out.URL.Host = p.target.Scheme, p.target.Host
		if resp, err := p.direct.Do(out); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		reset(w)
	default:
		p.Injected.Passed.Add(1)
		p.proxy.ServeHTTP(w, r)
	}
}

func s3Error(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>`+code+`</Code><Message>`+msg+`</Message></Error>`)
	}
}

// reset closes the client's connection with a TCP RST.
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("response writer cannot be hijacked")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	conn.Close()
}
