package validate

import (
	"fmt"
	"log/slog"
	"path"
	"path/filepath"
	"strings"
)

// Options control a validation run.
type Options struct {
	// Strict is for new submissions: warnings about oddities the public
	// registry serves (two-part versions, duplicates after normalisation,
	// provider versions with "v", module systems that break the address
	// rules, providers without a key, blacklist entries for files not in the
	// folder) become errors, and versions must be strict semver.
	Strict bool
	// Files, when not empty, limits the per-file checks to these files
	// (slash-separated paths relative to the data folder, such as the files
	// a pull request changes). The checks spanning files (case collisions
	// involving a named file, the blacklist, keys for named providers) still
	// consider the whole folder. Named files that do not exist are a warning
	// (deleted); named files outside providers/, modules/ and keys/ other than
	// the blacklist are ignored.
	Files []string
	// Jobs bounds how many files are checked at once; 0 means twice the
	// number of CPUs.
	Jobs int
	// Logger receives debug messages; nil is silent.
	Logger *slog.Logger
}

// selection is the set of named files and the folders that hold them.
type selection struct {
	files map[string]bool
	dirs  map[string]bool
}

// newSelection normalises named files; nil means every file.
func newSelection(files []string) (*selection, error) {
	if len(files) == 0 {
		return nil, nil
	}
	s := &selection{files: map[string]bool{}, dirs: map[string]bool{}}
	for _, f := range files {
		p := path.Clean(filepath.ToSlash(f))
		if path.IsAbs(p) || filepath.IsAbs(f) || p == ".." || strings.HasPrefix(p, "../") || p == "." {
			return nil, fmt.Errorf("file %q: want a path inside the data folder, relative to it", f)
		}
		s.files[p] = true
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			s.dirs[d] = true
		}
	}
	return s, nil
}

// has reports whether rel (a file, or a folder when dir is set) is to be
// checked.
func (s *selection) has(rel string, dir bool) bool {
	if s == nil {
		return true
	}
	return s.files[rel] || (dir && s.dirs[rel])
}
