package moddocs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
)

// Extractor reads module documentation from a source tree. It is safe for
// concurrent use; build one per process (its LicenseDetector is costly).
type Extractor struct {
	// Licenses detects the repository's licences. Required.
	Licenses *LicenseDetector
	// Policy decides whether documentation may be republished; the zero
	// Policy is DefaultPolicy.
	Policy Policy
	// Limits bound what is read; zero fields take the defaults.
	Limits Limits
}

// dirNameRE is what a submodule or example directory name must look like to
// be documented: it becomes a path segment of published URLs.
var dirNameRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._-]*$`)

// Extract documents the module whose source is the root of fsys: the root
// module, modules/* and examples/*, and the licences of the top-level
// licence files, with the policy applied. It never executes anything and
// follows no symbolic link.
//
// Configuration that does not parse is recorded in the Module's Error, not
// returned: the version is still published. The error return is for a
// source that cannot be read at all (the root is not a directory, a git
// object is missing) and for ctx being done.
func (x *Extractor) Extract(ctx context.Context, fsys fs.FS) (*Doc, error) {
	if x.Licenses == nil {
		return nil, errors.New("moddocs: Extractor has no LicenseDetector")
	}
	lim := x.Limits.withDefaults()
	w := &warnings{}
	d := &Doc{Format: Format}

	root, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("listing the repository root: %w", err)
	}
	d.Licenses, err = x.Licenses.Detect(ctx, fsys, lim.MaxFileBytes, w.add)
	if err != nil {
		return nil, err
	}
	full := x.Policy.Redistributable(d.Licenses)

	if d.Root, err = loadModule(fsys, ".", lim, full, w); err != nil {
		return nil, err
	}
	budget := lim.MaxDirs // shared: submodules first, then examples
	if d.Submodules, err = loadChildren(ctx, fsys, root, "modules", lim, full, &budget, w); err != nil {
		return nil, err
	}
	if d.Examples, err = loadChildren(ctx, fsys, root, "examples", lim, full, &budget, w); err != nil {
		return nil, err
	}
	d.Warnings = w.list
	x.Policy.Apply(d)
	return canonical(d), nil
}

// loadChildren documents every directory directly under parent, sorted by
// name (fs.ReadDir sorts). root is the listing of the repository root. A
// missing parent, or one that is a file or a symbolic link, means no
// children.
func loadChildren(ctx context.Context, fsys fs.FS, root []fs.DirEntry, parent string, lim Limits, full bool, budget *int, w *warnings) ([]Module, error) {
	isDir := false
	for _, e := range root {
		if e.Name() == parent && e.Type() == fs.ModeDir {
			isDir = true
		}
	}
	out := []Module{}
	if !isDir {
		return out, nil
	}
	entries, err := fs.ReadDir(fsys, parent)
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", parent, err)
	}
	for _, e := range entries {
		if e.Type() != fs.ModeDir {
			continue
		}
		if !dirNameRE.MatchString(e.Name()) {
			w.add("%s/%s left out: the name is not usable in a URL path", parent, e.Name())
			continue
		}
		if *budget <= 0 {
			w.add("%s/%s left out: more than %d submodules and examples", parent, e.Name(), lim.MaxDirs)
			continue
		}
		*budget--
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		m, err := loadModule(fsys, parent+"/"+e.Name(), lim, full, w)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}
