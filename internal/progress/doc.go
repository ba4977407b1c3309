// Package progress shows how far a long run (ingest, build, upload) has
// got, on stderr and separate from logs: logs say what happened, progress
// says how far along it is.
//
// One Reporter serves every output a run may need, chosen by ModeFor from
// the --quiet and --json flags and whether stderr is a terminal:
//
//   - Bar: a live progress bar with count, rate and ETA
//     (schollz/progressbar), cleared at the end;
//   - Lines: a plain line every Interval for logs and CI
//     ("ingest: 1200/5000 entries (24%), 40.1 entries/s, ETA 1m35s");
//   - JSON: the same as one JSON object per line, for machines;
//   - Quiet: nothing.
//
// Every mode but Quiet ends with exactly one final line, whether the run
// completed or stopped early ("ingest: 5000/5000 entries in 2m3s (40.6
// entries/s)"). Finish is idempotent, so `defer r.Finish()` is safe.
//
// Adopting it in a command (the library keeps its own small interface; the
// command passes a Reporter in):
//
//	rep := progress.New(g.stderr, progress.Options{
//		Mode:  progress.ModeFor(g.stderr, g.quiet, g.json),
//		Label: "ingest", Unit: "entries",
//	})
//	opts.Progress = rep          // ingest.Progress: Start(int), Done(), Finish()
//	opts.Progress = rep.Phases() // upload.Progress: Start(phase, objects, bytes), Add, Finish
//
// Table prints a run's final summary as an aligned table (or JSON).
package progress
