package stats

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// DefaultFlushEvery is how often a Recorder writes its counts by default.
const DefaultFlushEvery = time.Minute

// RecorderOptions configure a Recorder.
type RecorderOptions struct {
	// FlushEvery is the period of Run's flushes (0: DefaultFlushEvery).
	FlushEvery time.Duration
	// Now is the clock that dates downloads (nil: time.Now).
	Now func() time.Time
	// Logger receives flush failures. Nil logs nothing.
	Logger *slog.Logger
	// Client names the client of a request for Dedup (nil: ClientOf its
	// RemoteAddr). `regen serve` names clients with a token by the token.
	Client func(*http.Request) string
	// MaxPairsPerDay bounds the (client, download) pairs remembered per
	// day (0: DefaultMaxPairsPerDay).
	MaxPairsPerDay int
}

// Recorder counts the downloads `regen serve` answers and adds them to a
// Store: Wrap is the middleware, Run flushes periodically, Flush writes
// what is pending (call it once more after the server has shut down).
// Counts that fail to flush stay pending for the next flush. A client
// counts once per download URL per UTC day (see Dedup).
type Recorder struct {
	store *Store
	o     RecorderOptions
	log   *slog.Logger
	dedup *Dedup

	mu      sync.Mutex
	pending Counts
}

// NewRecorder returns a Recorder adding to store.
func NewRecorder(store *Store, o RecorderOptions) *Recorder {
	if o.FlushEvery <= 0 {
		o.FlushEvery = DefaultFlushEvery
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if o.Client == nil {
		o.Client = func(r *http.Request) string { return ClientOf(r.RemoteAddr) }
	}
	return &Recorder{store: store, o: o, log: log, pending: Counts{}, dedup: NewDedup(o.MaxPairsPerDay)}
}

// Wrap counts every download next answers (see DownloadEntry and Counted).
func (r *Recorder) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		entry, ok := DownloadEntry(req.URL.Path)
		if !ok || req.Method != http.MethodGet {
			next.ServeHTTP(w, req)
			return
		}
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, req)
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		if Counted(req.Method, status) {
			day := r.o.Now().UTC().Format(time.DateOnly)
			if !r.dedup.First(day, r.o.Client(req), req.URL.Path) {
				return
			}
			r.mu.Lock()
			r.pending.Add(entry, day, 1)
			r.mu.Unlock()
		}
	})
}

// Pending returns the number of downloads counted and not yet flushed.
func (r *Recorder) Pending() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pending.Total()
}

// Flush adds the pending counts to the store.
func (r *Recorder) Flush(ctx context.Context) error {
	r.mu.Lock()
	batch := r.pending
	r.pending = Counts{}
	r.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	if err := r.store.Add(ctx, batch); err != nil {
		r.mu.Lock()
		for entry, days := range batch {
			for day, n := range days {
				r.pending.Add(entry, day, n)
			}
		}
		r.mu.Unlock()
		return err
	}
	return nil
}

// Run flushes every FlushEvery until ctx ends. It does not flush at the
// end: the server may still be answering requests; call Flush after it
// has shut down.
func (r *Recorder) Run(ctx context.Context) {
	t := time.NewTicker(r.o.FlushEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := r.Flush(ctx); err != nil && !errors.Is(err, context.Canceled) {
				r.log.Error("writing download counts", "dir", r.store.Dir(), "err", err)
			}
		}
	}
}

// statusWriter remembers the status of an answer.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
