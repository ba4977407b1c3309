package progress

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Mode is how a Reporter shows progress.
type Mode int

const (
	// Lines prints a plain line every Interval and a final line.
	Lines Mode = iota
	// Bar draws a progress bar with rate and ETA, then a final line.
	Bar
	// JSON prints a JSON object per line every Interval and a final one.
	JSON
	// Quiet prints nothing.
	Quiet
)

// String names the mode.
func (m Mode) String() string {
	switch m {
	case Bar:
		return "bar"
	case JSON:
		return "json"
	case Quiet:
		return "quiet"
	}
	return "lines"
}

// ModeFor picks the mode for w: Quiet with --quiet, JSON with --json, Bar
// when w is a terminal, Lines otherwise.
func ModeFor(w io.Writer, quiet, jsonOut bool) Mode {
	switch {
	case quiet:
		return Quiet
	case jsonOut:
		return JSON
	}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return Bar
	}
	return Lines
}

// DefaultInterval is how often Lines and JSON report.
const DefaultInterval = 10 * time.Second

// Options configure a Reporter.
type Options struct {
	// Mode is how progress is shown (see ModeFor).
	Mode Mode
	// Label starts every line ("ingest").
	Label string
	// Unit names what is counted ("entries", "objects").
	Unit string
	// Interval is how often Lines and JSON report (default
	// DefaultInterval).
	Interval time.Duration
	// Now returns the current time (default time.Now); tests fix it.
	Now func() time.Time
}

// Reporter counts items done out of a total and shows it. It is safe for
// concurrent use. Its Start, Done and Finish methods fit ingest.Progress;
// Phases adapts it to upload.Progress.
type Reporter struct {
	w    io.Writer
	opts Options

	mu       sync.Mutex
	label    string
	total    int64
	done     int64
	bytes    int64
	start    time.Time
	started  bool
	finished bool
	bar      *progressbar.ProgressBar
	stop     chan struct{}
	ticker   sync.WaitGroup
}

// New returns a Reporter writing to w (normally stderr).
func New(w io.Writer, o Options) *Reporter {
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Unit == "" {
		o.Unit = "items"
	}
	return &Reporter{w: w, opts: o, label: o.Label}
}

// Start begins counting towards total (0 or less: unknown).
func (r *Reporter) Start(total int) { r.begin(r.opts.Label, int64(total)) }

// Done counts one item.
func (r *Reporter) Done() { r.Add(1) }

// Add counts n items.
func (r *Reporter) Add(n int) { r.add(int64(n), 0) }

// Finish stops reporting and prints the final line (once; later calls do
// nothing until the next Start).
func (r *Reporter) Finish() {
	r.mu.Lock()
	if !r.started || r.finished {
		r.mu.Unlock()
		return
	}
	r.finished = true
	stop, bar := r.stop, r.bar
	r.stop, r.bar = nil, nil
	r.mu.Unlock()
	if stop != nil {
		close(stop)
		r.ticker.Wait()
	}
	if bar != nil {
		_ = bar.Finish()
		_ = bar.Clear()
	}
	r.report(true)
}

// begin starts a phase named label; an unfinished earlier one is finished
// first.
func (r *Reporter) begin(label string, total int64) {
	r.Finish()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.label, r.total, r.done, r.bytes = label, total, 0, 0
	r.start, r.started, r.finished = r.opts.Now(), true, false
	switch r.opts.Mode {
	case Bar:
		max := total
		if max <= 0 {
			max = -1
		}
		r.bar = progressbar.NewOptions64(max,
			progressbar.OptionSetWriter(r.w),
			progressbar.OptionSetDescription(label),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString(r.opts.Unit),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetWidth(30),
		)
	case Lines, JSON:
		r.stop = make(chan struct{})
		r.ticker.Add(1)
		go r.tick(r.stop)
	}
}

func (r *Reporter) add(n, bytes int64) {
	r.mu.Lock()
	r.done += n
	r.bytes += bytes
	bar := r.bar
	r.mu.Unlock()
	if bar != nil {
		_ = bar.Add64(n)
	}
}

func (r *Reporter) tick(stop chan struct{}) {
	defer r.ticker.Done()
	t := time.NewTicker(r.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			r.report(false)
		}
	}
}

// Snapshot is the state of a run at one moment, as JSON mode prints it.
type Snapshot struct {
	Label   string  `json:"progress"`
	Unit    string  `json:"unit"`
	Done    int64   `json:"done"`
	Total   int64   `json:"total,omitempty"`
	Bytes   int64   `json:"bytes,omitempty"`
	Elapsed float64 `json:"elapsed_seconds"`
	Rate    float64 `json:"rate"`
	ETA     float64 `json:"eta_seconds,omitempty"`
	Final   bool    `json:"final,omitempty"`
}

func (r *Reporter) snapshot(final bool) Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	el := r.opts.Now().Sub(r.start)
	s := Snapshot{Label: r.label, Unit: r.opts.Unit, Done: r.done, Total: r.total, Bytes: r.bytes,
		Elapsed: round(el.Seconds()), Final: final}
	if el > 0 {
		s.Rate = round(float64(r.done) / el.Seconds())
	}
	if !final && s.Rate > 0 && r.total > r.done {
		s.ETA = round(float64(r.total-r.done) / (float64(r.done) / el.Seconds()))
	}
	return s
}

func round(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }

// report prints one periodic or final line.
func (r *Reporter) report(final bool) {
	if r.opts.Mode == Quiet || (r.opts.Mode == Bar && !final) {
		return
	}
	s := r.snapshot(final)
	var line string
	if r.opts.Mode == JSON {
		b, _ := json.Marshal(s)
		line = string(b) + "\n"
	} else {
		line = s.Text()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	_, _ = io.WriteString(r.w, line)
}

// Text renders the snapshot as a line for people.
func (s Snapshot) Text() string {
	el := time.Duration(s.Elapsed * float64(time.Second)).Round(time.Second)
	count := fmt.Sprintf("%d", s.Done)
	if s.Total > 0 {
		count = fmt.Sprintf("%d/%d", s.Done, s.Total)
	}
	size := ""
	if s.Bytes > 0 {
		size = ", " + FormatBytes(s.Bytes)
	}
	if s.Final {
		verb := "in"
		if s.Total > 0 && s.Done < s.Total {
			count, verb = "stopped at "+count, "after"
		}
		return fmt.Sprintf("%s: %s %s%s %s %s (%.1f %s/s)\n", s.Label, count, s.Unit, size, verb, el, s.Rate, s.Unit)
	}
	pct := ""
	if s.Total > 0 {
		pct = fmt.Sprintf(" (%d%%)", s.Done*100/s.Total)
	}
	eta := ""
	if s.ETA > 0 {
		eta = ", ETA " + time.Duration(s.ETA*float64(time.Second)).Round(time.Second).String()
	}
	return fmt.Sprintf("%s: %s %s%s%s, %.1f %s/s%s\n", s.Label, count, s.Unit, pct, size, s.Rate, s.Unit, eta)
}

// FormatBytes renders a byte count with a binary unit ("12.3 MiB").
func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
