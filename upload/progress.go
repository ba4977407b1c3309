package upload

// Progress receives an upload's progress, phase by phase. Calls to Add
// may come from several goroutines at once. The command passes
// internal/progress's Reporter.Phases (a bar on a terminal, periodic lines
// or JSON otherwise).
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
