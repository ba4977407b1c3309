package validate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/regen-registry/regen/regdata"
	"golang.org/x/sync/errgroup"
)

// Run checks the data folder and returns every problem found. The error is
// only for a folder that cannot be validated at all (missing, not a data
// folder, unreadable, or ctx cancelled); problems with files, including
// unreadable ones, are in the Report.
func Run(ctx context.Context, dir regdata.Dir, opts Options) (Report, error) {
	start := time.Now()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := isDataFolder(dir.Root); err != nil {
		return Report{}, err
	}
	sel, err := newSelection(opts.Files)
	if err != nil {
		return Report{}, err
	}
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = 2 * runtime.GOMAXPROCS(0)
	}
	r := &run{
		dir:      dir,
		strict:   opts.Strict,
		sel:      sel,
		visited:  map[string]bool{},
		records:  map[string][]*record{},
		nsKeys:   map[string]bool{},
		typeKeys: map[string]bool{},
		parsed:   map[string]bool{},
	}
	r.readBlacklist()

	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(jobs)
	var walkErr error
	for _, t := range trees {
		if walkErr = r.walk(gctx, g, t); walkErr != nil {
			break
		}
	}
	if err := g.Wait(); err != nil && walkErr == nil {
		walkErr = err
	}
	if walkErr != nil {
		return Report{}, walkErr
	}
	if err := ctx.Err(); err != nil {
		return Report{}, err
	}
	r.missingNamed()
	r.collisions()
	r.unsignedProviders()
	r.danglingBlacklist()

	rep := r.report
	rep.Problems = sortProblems(r.problems)
	log.Debug("validated data folder", "dir", dir.Root, "providers", rep.Providers, "modules", rep.Modules,
		"keys", rep.Keys, "errors", rep.Errors(), "warnings", rep.Warnings(), "took", time.Since(start))
	return rep, nil
}

// isDataFolder refuses a path that is not a folder or holds none of the
// layout's parts (most likely a wrong --data).
func isDataFolder(root string) error {
	st, err := os.Stat(root)
	if err != nil {
		return fmt.Errorf("reading data folder: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("data folder %s is not a folder", root)
	}
	for _, name := range []string{"providers", "modules", "keys", regdata.BlacklistFile} {
		if _, err := os.Stat(filepath.Join(root, name)); err == nil {
			return nil
		}
	}
	return fmt.Errorf("%s is not a registry data folder: it has no providers/, modules/, keys/ or %s", root, regdata.BlacklistFile)
}

// run is the state of one validation run. The walk (one goroutine) adds
// records; workers fill them in under mu.
type run struct {
	dir    regdata.Dir
	strict bool
	sel    *selection

	visited map[string]bool // named files the walk saw; walk goroutine only

	bl      []blEntry        // usable blacklist entries; read before the walk
	blByKey map[string][]int // address key → indexes into bl

	mu       sync.Mutex
	problems []Problem
	records  map[string][]*record // address key → files with that key
	nsKeys   map[string]bool      // lower-case namespaces with a usable key
	typeKeys map[string]bool      // lower-case "namespace/type" with a usable key
	parsed   map[string]bool      // address keys whose file was read (for the blacklist)
	found    []bool               // per bl entry: its version is listed
	report   Report               // counts
}

// record is one provider or module file, for the checks spanning files.
type record struct {
	path     string
	selected bool
	provider *regdata.ProviderAddr // nil for modules
	checked  bool                  // content checked (selected and parsed)
	releases bool                  // a provider with at least one version
}

func (r *run) check(rel string) *fileCheck { return &fileCheck{path: rel, strict: r.strict} }

// flush adds a file's problems to the run.
func (r *run) flush(c *fileCheck) {
	if len(c.problems) == 0 {
		return
	}
	r.mu.Lock()
	r.problems = append(r.problems, c.problems...)
	r.mu.Unlock()
}

// readFile reads rel (only a regular file inside the folder, within the
// size cap of its kind), reporting a failure as a problem of the file.
func (r *run) readFile(c *fileCheck) ([]byte, bool) {
	limit := int64(regdata.MaxDataFileSize)
	if strings.HasPrefix(c.path, "keys/") {
		limit = regdata.MaxKeyFileSize
	}
	data, _, err := r.dir.ReadFile(c.path, limit)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		c.errorf("", "cannot be read: %v", err)
		return nil, false
	}
	return data, true
}

// readBlacklist checks versions_blacklist.json (always: it applies to the
// whole folder) and indexes its usable entries.
func (r *run) readBlacklist() {
	r.blByKey = map[string][]int{}
	c := r.check(regdata.BlacklistFile)
	if _, err := os.Lstat(filepath.Join(r.dir.Root, regdata.BlacklistFile)); errors.Is(err, fs.ErrNotExist) {
		return
	}
	r.report.Blacklist = true
	if data, ok := r.readFile(c); ok {
		r.bl = c.blacklist(data)
	}
	r.found = make([]bool, len(r.bl))
	for i, e := range r.bl {
		r.blByKey[e.key] = append(r.blByKey[e.key], i)
	}
	r.flush(c)
}

// matchBlacklist records which blacklist entries for key name a version in
// versions (normalised). Callers hold no lock.
func (r *run) matchBlacklist(key string, versions []string) {
	idx := r.blByKey[key]
	r.mu.Lock()
	defer r.mu.Unlock()
	r.parsed[key] = true
	for _, i := range idx {
		if slices.Contains(versions, r.bl[i].version) {
			r.found[i] = true
		}
	}
}
