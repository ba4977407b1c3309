package validate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/regen-registry/regen/regdata"
	"golang.org/x/sync/errgroup"
)

// tree is one top-level folder of the layout.
type tree struct {
	name   string
	depths []int  // path depths (below the folder) at which files live
	layout string // for messages
	file   func(r *run, ctx context.Context, g *errgroup.Group, c *fileCheck, parts []string, sel bool)
}

// trees lists the layout's folders; other entries at the root (README,
// .git, …) are not the registry's business.
var trees = []tree{
	{"keys", []int{3, 4}, "keys/<c>/<namespace>/*.asc or keys/<c>/<namespace>/<type>/*.asc", (*run).keyFile},
	{"providers", []int{3}, "providers/<c>/<namespace>/<type>.json", (*run).providerFile},
	{"modules", []int{4}, "modules/<c>/<namespace>/<name>/<system>.json", (*run).moduleFile},
}

// walk visits one tree, reporting entries that break the layout and
// handing data files to workers in g.
func (r *run) walk(ctx context.Context, g *errgroup.Group, t tree) error {
	root := filepath.Join(r.dir.Root, t.name)
	maxDir := slices.Max(t.depths) - 1
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		relIn, _ := filepath.Rel(root, p)
		relIn = filepath.ToSlash(relIn)
		rel := path.Join(t.name, relIn)
		if err != nil {
			if p == root && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			c := r.check(rel)
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			c.errorf("", "cannot be read: %v", err)
			r.flush(c)
			if e != nil && e.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p == root {
			if !e.IsDir() {
				c := r.check(rel)
				c.errorf("", "not a folder")
				r.flush(c)
			}
			return nil
		}
		parts := strings.Split(relIn, "/")
		if e.IsDir() {
			sel := r.sel.has(rel, true)
			switch {
			case strings.HasPrefix(e.Name(), "."):
				r.layoutProblem(sel, rel+"/", "hidden folder: data folders hold no hidden names")
			case len(parts) > maxDir:
				r.layoutProblem(sel, rel+"/", "unexpected folder: files here are "+t.layout)
			default:
				return nil
			}
			return fs.SkipDir
		}
		if r.sel.has(rel, false) {
			r.visited[rel] = true
		}
		sel := r.sel.has(rel, false)
		switch {
		case strings.HasPrefix(e.Name(), "."):
			r.layoutProblem(sel, rel, "hidden file: data folders hold no hidden names")
		case !e.Type().IsRegular():
			r.layoutProblem(sel, rel, "not a regular file (symbolic links and devices are not allowed)")
		case !slices.Contains(t.depths, len(parts)):
			r.layoutProblem(sel, rel, "unexpected file: files here are "+t.layout)
		default:
			t.file(r, ctx, g, r.check(rel), append([]string{t.name}, parts...), sel)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("walking %s: %w", root, err)
	}
	return nil
}

func (r *run) layoutProblem(sel bool, rel, msg string) {
	if !sel {
		return
	}
	c := r.check(rel)
	c.errorf("", "%s", msg)
	r.flush(c)
}

// segments checks that names are safe path segments.
func segments(c *fileCheck, names ...string) bool {
	ok := true
	for _, n := range names {
		if !regdata.SafeSegment(n) {
			c.errorf("", "unsafe name %s: use letters, digits, '.', '_' and '-', no leading '.' and no '..'", quote(n))
			ok = false
		}
	}
	return ok
}

// shardOf is the layout's first folder for a namespace.
func shardOf(ns string) string { return strings.ToLower(ns[:1]) }

// submit checks a file's content in a worker. The file's layout problems
// (already in c) are reported with the content's, unless quiet is set (a
// file read only for the blacklist check in Options.Files mode).
func (r *run) submit(ctx context.Context, g *errgroup.Group, c *fileCheck, quiet bool, content func(c *fileCheck, data []byte)) {
	g.Go(func() error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if data, ok := r.readFile(c); ok {
			content(c, data)
		}
		if !quiet {
			r.flush(c)
		}
		return nil
	})
}

// addRecord notes a provider or module file for the checks spanning files.
func (r *run) addRecord(key string, rec *record) {
	r.mu.Lock()
	r.records[key] = append(r.records[key], rec)
	r.mu.Unlock()
}

// providerFile handles providers/<c>/<namespace>/<type>.json.
func (r *run) providerFile(ctx context.Context, g *errgroup.Group, c *fileCheck, parts []string, sel bool) {
	ns, name := parts[2], parts[3]
	typ, isJSON := strings.CutSuffix(name, ".json")
	if !isJSON {
		c.errorf("", "not a .json file: provider files are providers/<c>/<namespace>/<type>.json")
		r.flushIf(c, sel)
		return
	}
	if !segments(c, ns, typ) {
		r.flushIf(c, sel)
		return
	}
	addr := regdata.ProviderAddr{Namespace: ns, Type: typ}
	listed := c.path == regdata.ProviderFilePath(addr)
	if !listed {
		c.errorf("", "in the wrong shard folder: want %s", regdata.ProviderFilePath(addr))
	}
	c.providerAddr("", addr)
	rec := &record{path: c.path, selected: sel, provider: &addr}
	if listed {
		r.addRecord(addr.Key(), rec)
	}
	switch {
	case sel:
		r.report.Providers++
		r.submit(ctx, g, c, false, func(c *fileCheck, data []byte) {
			facts := c.provider(data)
			if !facts.parsed {
				return
			}
			r.mu.Lock()
			rec.checked, rec.releases = true, facts.releases
			r.mu.Unlock()
			if listed {
				r.matchBlacklist(addr.Key(), facts.versions)
			}
		})
	case listed && len(r.blByKey[addr.Key()]) > 0:
		// Not named, but the blacklist refers to it: read its versions only.
		r.submit(ctx, g, r.check(c.path), true, func(c *fileCheck, data []byte) {
			if facts := c.provider(data); facts.parsed {
				r.matchBlacklist(addr.Key(), facts.versions)
			}
		})
	}
}

// moduleFile handles modules/<c>/<namespace>/<name>/<system>.json.
func (r *run) moduleFile(ctx context.Context, g *errgroup.Group, c *fileCheck, parts []string, sel bool) {
	ns, name, file := parts[2], parts[3], parts[4]
	system, isJSON := strings.CutSuffix(file, ".json")
	if !isJSON {
		c.errorf("", "not a .json file: module files are modules/<c>/<namespace>/<name>/<system>.json")
		r.flushIf(c, sel)
		return
	}
	if !segments(c, ns, name, system) {
		r.flushIf(c, sel)
		return
	}
	addr := regdata.ModuleAddr{Namespace: ns, Name: name, System: system}
	listed := c.path == regdata.ModuleFilePath(addr)
	if !listed {
		c.errorf("", "in the wrong shard folder: want %s", regdata.ModuleFilePath(addr))
	}
	c.moduleAddr("", addr)
	if listed {
		r.addRecord(addr.Key(), &record{path: c.path, selected: sel})
	}
	switch {
	case sel:
		r.report.Modules++
		r.submit(ctx, g, c, false, func(c *fileCheck, data []byte) {
			if facts := c.module(data); facts.parsed && listed {
				r.matchBlacklist(addr.Key(), facts.versions)
			}
		})
	case listed && len(r.blByKey[addr.Key()]) > 0:
		r.submit(ctx, g, r.check(c.path), true, func(c *fileCheck, data []byte) {
			if facts := c.module(data); facts.parsed {
				r.matchBlacklist(addr.Key(), facts.versions)
			}
		})
	}
}

// keyFile handles keys/<c>/<namespace>/*.asc and
// keys/<c>/<namespace>/<type>/*.asc.
func (r *run) keyFile(ctx context.Context, g *errgroup.Group, c *fileCheck, parts []string, sel bool) {
	ns, name := parts[2], parts[len(parts)-1]
	typ := ""
	if len(parts) == 5 {
		typ = parts[3]
	}
	if !strings.HasSuffix(name, ".asc") {
		c.errorf("", "not an .asc key file: keys are keys/<c>/<namespace>/*.asc or keys/<c>/<namespace>/<type>/*.asc")
		r.flushIf(c, sel)
		return
	}
	names := []string{ns, name}
	if typ != "" {
		names = append(names, typ)
	}
	if !segments(c, names...) {
		r.flushIf(c, sel)
		return
	}
	applies := parts[1] == shardOf(ns)
	if !applies {
		c.errorf("", "in the wrong shard folder: want %s", path.Join(append([]string{"keys", shardOf(ns)}, parts[2:]...)...))
	}
	index := func() {
		if !applies {
			return
		}
		r.mu.Lock()
		if typ == "" {
			r.nsKeys[strings.ToLower(ns)] = true
		} else {
			r.typeKeys[strings.ToLower(ns+"/"+typ)] = true
		}
		r.mu.Unlock()
	}
	if !sel {
		index() // validated when it was added
		return
	}
	r.report.Keys++
	r.submit(ctx, g, c, false, func(c *fileCheck, data []byte) {
		if c.key(data) {
			index()
		}
	})
}

// flushIf reports c's problems when the file is selected.
func (r *run) flushIf(c *fileCheck, sel bool) {
	if sel {
		r.flush(c)
	}
}
