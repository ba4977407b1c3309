package upload

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/regen-registry/regen/manifest"
)

// entryStream reads one manifest's entries in key order.
type entryStream struct {
	name string
	r    *manifest.Reader
	cur  manifest.Entry
	ok   bool
}

func openStream(name string, r io.Reader) (*entryStream, error) {
	mr, err := manifest.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s := &entryStream{name: name, r: mr}
	return s, s.advance()
}

func (s *entryStream) advance() error {
	e, err := s.r.Next()
	if errors.Is(err, io.EOF) {
		s.ok = false
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	s.cur, s.ok = e, true
	return nil
}

// remoteFile is what the target is known to hold at one path, through the
// layers: the last completed upload's manifest, then each journal
// checkpoint of interrupted runs.
type remoteFile struct {
	entry   string
	class   manifest.Class
	sha     string   // latest known content; "" when it may have been deleted
	values  []string // every content the path had in any layer
	inBase  bool
	baseSHA string
}

func (r *remoteFile) set(entry, sha string, class manifest.Class, base bool) {
	r.entry, r.sha = entry, sha
	if class != "" {
		r.class = class
	}
	if base {
		r.inBase, r.baseSHA = true, sha
	}
	if !slices.Contains(r.values, sha) {
		r.values = append(r.values, sha)
	}
}

// servedOther reports whether the path's public URL may have served
// content other than sha (so a CDN may hold it).
func (r *remoteFile) servedOther(sha string) bool {
	for _, v := range r.values {
		if v != sha {
			return true
		}
	}
	return false
}

// rawStream reads one manifest's entries in key order, undecoded.
type rawStream struct {
	name string
	r    *manifest.RawReader
	key  string
	line []byte
	ok   bool
}

func openRaw(name string, r io.Reader) (*rawStream, error) {
	rr, err := manifest.NewRawReader(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s := &rawStream{name: name, r: rr}
	return s, s.advance()
}

func (s *rawStream) advance() error {
	key, line, err := s.r.Next()
	if errors.Is(err, io.EOF) {
		s.ok = false
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	s.key, s.line, s.ok = key, line, true
	return nil
}

func (s *rawStream) entry() (manifest.Entry, error) {
	e, err := manifest.DecodeEntry(s.line)
	if err != nil {
		return manifest.Entry{}, fmt.Errorf("%s: entry %q: %w", s.name, s.key, err)
	}
	return e, nil
}

// diffPlan merge-joins the local manifest with the remote layers (base
// manifest first, then journal segments in order), all sorted by entry
// key, holding one entry of each at a time. An entry whose line is the
// same in the build and in the base manifest, and that no journal segment
// touches, is skipped without decoding it: most entries of a large
// registry do not change between two uploads.
func diffPlan(localPath string, layers []*rawStream, hasBase bool, p *plan) error {
	lf, err := os.Open(localPath)
	if err != nil {
		return fmt.Errorf("reading build manifest: %w", err)
	}
	defer lf.Close()
	local, err := openRaw(localPath, lf)
	if err != nil {
		return err
	}
	candidates := map[string]*remoteFile{}
	for {
		key, any := "", false
		if local.ok {
			key, any = local.key, true
		}
		for _, l := range layers {
			if l.ok && (!any || l.key < key) {
				key, any = l.key, true
			}
		}
		if !any {
			break
		}
		var touching []int
		for i, l := range layers {
			if l.ok && l.key == key {
				touching = append(touching, i)
			}
		}
		if hasBase && local.ok && local.key == key && len(touching) == 1 && touching[0] == 0 && bytes.Equal(local.line, layers[0].line) {
			p.skipped += int64(manifest.CountFiles(local.line))
			if err := local.advance(); err != nil {
				return err
			}
			if err := layers[0].advance(); err != nil {
				return err
			}
			continue
		}
		remote := map[string]*remoteFile{}
		for _, i := range touching {
			l := layers[i]
			e, err := l.entry()
			if err != nil {
				return err
			}
			for _, f := range e.Files {
				rf := remote[f.Path]
				if rf == nil {
					rf = &remoteFile{}
					remote[f.Path] = rf
				}
				rf.set(key, f.SHA256, f.Class, hasBase && i == 0)
			}
			if err := l.advance(); err != nil {
				return err
			}
		}
		var files []manifest.File
		if local.ok && local.key == key {
			e, err := local.entry()
			if err != nil {
				return err
			}
			files = e.Files
			if err := local.advance(); err != nil {
				return err
			}
		}
		if err := planEntry(key, files, remote, p); err != nil {
			return err
		}
		for path, rf := range remote {
			candidates[path] = rf
		}
	}
	return planDeletes(localPath, candidates, p)
}

// planEntry plans the files of one build entry against what the target
// holds for that entry; it leaves in remote the paths the entry lost.
func planEntry(key string, files []manifest.File, remote map[string]*remoteFile, p *plan) error {
	for _, f := range files {
		if err := checkFile(key, f); err != nil {
			return err
		}
		a := action{Entry: key, Path: f.Path, SHA256: f.SHA256, Size: f.Size, Type: f.Type, Class: f.Class}
		rf := remote[f.Path]
		delete(remote, f.Path)
		if rf != nil && rf.sha == f.SHA256 {
			p.skipped++
			if !rf.inBase || rf.baseSHA != f.SHA256 {
				p.resumed++
			}
			if rf.servedOther(f.SHA256) {
				a.Purge = true // sent by an interrupted run, maybe not purged
				if err := p.put(a); err != nil {
					return err
				}
			}
			continue
		}
		a.Send = true
		a.Purge = rf != nil && rf.servedOther(f.SHA256)
		if err := p.put(a); err != nil {
			return err
		}
	}
	return nil
}

// planDeletes plans the deletion of remote paths gone from their entry,
// unless the path moved to another entry of the build (then it is kept,
// and purged if its content changed).
func planDeletes(localPath string, candidates map[string]*remoteFile, p *plan) error {
	if len(candidates) == 0 {
		return nil
	}
	lf, err := os.Open(localPath)
	if err != nil {
		return fmt.Errorf("reading build manifest: %w", err)
	}
	defer lf.Close()
	local, err := openStream(localPath, lf)
	if err != nil {
		return err
	}
	for local.ok {
		for _, f := range local.cur.Files {
			rf, ok := candidates[f.Path]
			if !ok {
				continue
			}
			delete(candidates, f.Path)
			if rf.servedOther(f.SHA256) {
				if err := p.put(action{Entry: local.cur.Key, Path: f.Path, SHA256: f.SHA256, Size: f.Size, Type: f.Type, Class: f.Class, Purge: true}); err != nil {
					return err
				}
			}
		}
		if err := local.advance(); err != nil {
			return err
		}
	}
	for _, path := range sortedKeys(candidates) {
		rf := candidates[path]
		if err := p.del(action{Entry: rf.entry, Path: path, Class: rf.class}, true); err != nil {
			return err
		}
	}
	return nil
}
