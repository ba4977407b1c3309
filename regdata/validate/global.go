package validate

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/regen-registry/regen/regdata"
)

// The checks below span files; they run after every worker has finished.

// missingNamed warns about named files that do not exist (deleted by the
// change being validated).
func (r *run) missingNamed() {
	if r.sel == nil {
		return
	}
	for rel := range r.sel.files {
		if r.visited[rel] {
			continue
		}
		top, _, _ := strings.Cut(rel, "/")
		if rel != regdata.BlacklistFile && top != "keys" && top != "providers" && top != "modules" {
			continue // not registry data
		}
		if _, err := os.Lstat(filepath.Join(r.dir.Root, filepath.FromSlash(rel))); errors.Is(err, fs.ErrNotExist) {
			c := r.check(rel)
			c.warnf("", "named file does not exist (deleted?)")
			r.flush(c)
		}
	}
}

// collisions reports files whose addresses differ only in case: they share
// API paths, so one would hide the other.
func (r *run) collisions() {
	for _, recs := range r.records {
		if len(recs) < 2 || !anySelected(recs) {
			continue
		}
		for _, rec := range recs {
			var others []string
			for _, o := range recs {
				if o != rec {
					others = append(others, o.path)
				}
			}
			c := r.check(rec.path)
			c.errorf("", "collides with %s: the addresses differ only in case, and API paths are lower-cased",
				strings.Join(others, ", "))
			r.flush(c)
		}
	}
}

func anySelected(recs []*record) bool {
	for _, rec := range recs {
		if rec.selected {
			return true
		}
	}
	return false
}

// unsignedProviders reports providers with releases that no key applies
// to: Terraform refuses to install them.
func (r *run) unsignedProviders() {
	for _, recs := range r.records {
		for _, rec := range recs {
			a := rec.provider
			if a == nil || !rec.checked || !rec.releases {
				continue
			}
			ns, typ := strings.ToLower(a.Namespace), strings.ToLower(a.Type)
			if r.nsKeys[ns] || r.typeKeys[ns+"/"+typ] {
				continue
			}
			c := r.check(rec.path)
			c.oddityf("", "no signing key applies (none in keys/%s/%s/ or keys/%s/%s/%s/): Terraform cannot verify its releases",
				shardOf(ns), ns, shardOf(ns), ns, typ)
			r.flush(c)
		}
	}
}

// danglingBlacklist reports blacklist entries that hide nothing. An entry
// for a file the folder lacks is an oddity (the folder may be part of a
// larger registry); one for a version its file does not list is an error.
func (r *run) danglingBlacklist() {
	c := r.check(regdata.BlacklistFile)
	for i, e := range r.bl {
		recs := r.records[e.key]
		switch {
		case len(recs) == 0:
			c.oddityf(e.field, "points nowhere: there is no %s", e.file)
		case r.parsed[e.key] && !r.found[i]:
			c.errorf(member(e.field, "version"), "points nowhere: %s does not list version %s", recs[0].path, e.version)
		}
	}
	r.flush(c)
}
