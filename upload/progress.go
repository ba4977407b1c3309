package upload

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
)

// Progress receives an upload's progress, phase by phase. Calls to Add
// may come from several goroutines at once.
type Progress interface {
	// Start begins a phase ("leaf", "index", …, "delete") of the given
	// size.
	Start(phase string, objects, bytes int64)
	// Add reports objects done (and their bytes) in the current phase.
	Add(objects, bytes int64)
	// Finish ends the current phase.
	Finish()
}

type nopProgress struct{}

func (nopProgress) Start(string, int64, int64) {}
func (nopProgress) Add(int64, int64)           {}
func (nopProgress) Finish()                    {}

// NewBarProgress draws a progress bar per phase on w (a terminal).
func NewBarProgress(w io.Writer) Progress { return &barProgress{w: w} }

type barProgress struct {
	w   io.Writer
	mu  sync.Mutex
	bar *progressbar.ProgressBar
}

func (p *barProgress) Start(phase string, objects, _ int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bar = progressbar.NewOptions64(objects,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(fmt.Sprintf("%-9s", phase)),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("obj"),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetWidth(30),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(p.w) }),
	)
}

func (p *barProgress) Add(objects, _ int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Add64(objects)
	}
}

func (p *barProgress) Finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
		p.bar = nil
	}
}

// NewLineProgress writes a plain line per phase every interval while it
// runs, and a final line when it ends (for logs and CI, not terminals).
func NewLineProgress(w io.Writer, interval time.Duration) Progress {
	return &lineProgress{w: w, interval: interval}
}

type lineProgress struct {
	w        io.Writer
	interval time.Duration

	mu            sync.Mutex
	phase         string
	total, tbytes int64
	start         time.Time
	stop          chan struct{}
	done          chan struct{}
	objs, bytes   atomic.Int64
}

func (p *lineProgress) Start(phase string, objects, bytes int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.phase, p.total, p.tbytes, p.start = phase, objects, bytes, time.Now()
	p.objs.Store(0)
	p.bytes.Store(0)
	p.stop, p.done = make(chan struct{}), make(chan struct{})
	go p.tick(p.stop, p.done)
}

func (p *lineProgress) tick(stop, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(p.interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			p.line("")
		}
	}
}

func (p *lineProgress) line(suffix string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "upload %s: %d/%d objects, %s/%s, %s%s\n", p.phase, p.objs.Load(), p.total,
		formatBytes(p.bytes.Load()), formatBytes(p.tbytes), time.Since(p.start).Round(time.Second), suffix)
}

func (p *lineProgress) Add(objects, bytes int64) {
	p.objs.Add(objects)
	p.bytes.Add(bytes)
}

func (p *lineProgress) Finish() {
	p.mu.Lock()
	stop, done := p.stop, p.done
	p.stop = nil
	p.mu.Unlock()
	if stop == nil {
		return
	}
	close(stop)
	<-done
	p.line(" (done)")
}
