package progress

// Phases adapts a Reporter to runs made of phases, each with its own
// count (upload's leaf, index, …, delete): its methods fit
// upload.Progress. Each phase prints its own final line, labelled
// "<label> <phase>".
type Phases struct{ r *Reporter }

// Phases returns the phase adapter of r.
func (r *Reporter) Phases() *Phases { return &Phases{r: r} }

// Start begins a phase of the given number of objects (bytes is the
// phase's size, shown as its bytes advance).
func (p *Phases) Start(phase string, objects, bytes int64) {
	label := phase
	if p.r.opts.Label != "" {
		label = p.r.opts.Label + " " + phase
	}
	p.r.begin(label, objects)
}

// Add counts objects done and their bytes.
func (p *Phases) Add(objects, bytes int64) { p.r.add(objects, bytes) }

// Finish ends the current phase with its final line.
func (p *Phases) Finish() { p.r.Finish() }
