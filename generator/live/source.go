package live

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/regen-registry/regen/generator"
	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/serve"
)

// Source serves generated documents from a registry data folder.
type Source struct {
	dir  regdata.Dir
	opts generator.Options
}

// New returns a Source for the data folder at dataDir, generating with
// opts (normalised here).
func New(dataDir string, opts generator.Options) (*Source, error) {
	fi, err := os.Stat(dataDir)
	if err != nil {
		return nil, fmt.Errorf("data folder %s: %w", dataDir, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("data folder %s: not a folder", dataDir)
	}
	o, err := opts.Normalize()
	if err != nil {
		return nil, err
	}
	return &Source{dir: regdata.Dir{Root: dataDir}, opts: o}, nil
}

// errFound stops generation once the wanted document is found.
var errFound = errors.New("found")

// Open returns the document generated at tree path name. Paths no
// generated document has, entries without a data file and versions not
// published are fs.ErrNotExist; a data file that cannot be read or
// generated, or two data files whose addresses differ only in case, are
// other errors.
func (s *Source) Open(ctx context.Context, name string) (*serve.Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	route, ok := generator.ParseRoute(s.opts, name)
	if !ok {
		return nil, notFound(name)
	}
	var body []byte
	want := func(f generator.File) error {
		if f.Path != name {
			return nil
		}
		body = bytes.Clone(f.Body)
		return errFound
	}
	var err error
	switch route.Kind {
	case generator.RouteDiscovery:
		err = want(generator.Discovery(s.opts))
	case generator.RouteProvider:
		err = s.provider(route.Provider, want)
	case generator.RouteModule:
		err = s.module(route.Module, want)
	}
	if err != nil && !errors.Is(err, errFound) {
		return nil, err
	}
	if body == nil {
		return nil, notFound(name)
	}
	return &serve.Document{Body: nopCloser{bytes.NewReader(body)}}, nil
}

func (s *Source) provider(req regdata.ProviderAddr, yield func(generator.File) error) error {
	a, err := s.findProvider(req)
	if err != nil {
		return err
	}
	f, err := s.dir.ReadProvider(a)
	if err != nil {
		return err
	}
	keys, err := s.dir.ProviderKeys(a)
	if err != nil {
		return err
	}
	bl, err := s.dir.ReadBlacklist()
	if err != nil {
		return err
	}
	_, err = generator.EachProviderFile(a, f, keys, bl, s.opts, yield)
	if err != nil && !errors.Is(err, errFound) {
		return &regdata.FileError{Path: regdata.ProviderFilePath(a), Err: err}
	}
	return err
}

func (s *Source) module(req regdata.ModuleAddr, yield func(generator.File) error) error {
	a, err := s.findModule(req)
	if err != nil {
		return err
	}
	f, err := s.dir.ReadModule(a)
	if err != nil {
		return err
	}
	bl, err := s.dir.ReadBlacklist()
	if err != nil {
		return err
	}
	_, err = generator.EachModuleFile(a, f, bl, s.opts, yield)
	if err != nil && !errors.Is(err, errFound) {
		return &regdata.FileError{Path: regdata.ModuleFilePath(a), Err: err}
	}
	return err
}

// findProvider finds the provider file whose address equals req ignoring
// case, and returns its address as the data folder spells it.
func (s *Source) findProvider(req regdata.ProviderAddr) (regdata.ProviderAddr, error) {
	matches, err := s.find("providers", req.Namespace, req.Type+".json")
	if err != nil {
		return regdata.ProviderAddr{}, err
	}
	if len(matches) == 0 {
		return regdata.ProviderAddr{}, notFound(req.String())
	}
	m := matches[0]
	return regdata.ProviderAddr{Namespace: m[0], Type: strings.TrimSuffix(m[1], ".json")}, nil
}

// findModule finds the module file whose address equals req ignoring case.
func (s *Source) findModule(req regdata.ModuleAddr) (regdata.ModuleAddr, error) {
	matches, err := s.find("modules", req.Namespace, req.Name, req.System+".json")
	if err != nil {
		return regdata.ModuleAddr{}, err
	}
	if len(matches) == 0 {
		return regdata.ModuleAddr{}, notFound(req.String())
	}
	m := matches[0]
	return regdata.ModuleAddr{Namespace: m[0], Name: m[1], System: strings.TrimSuffix(m[2], ".json")}, nil
}

// find returns the data paths under top/<shard>/ whose segments equal
// segs ignoring case, as lists of the real segment names. Two matches are
// an error naming both files (the build refuses them too).
func (s *Source) find(top string, segs ...string) ([][]string, error) {
	for _, seg := range segs {
		if !regdata.SafeSegment(seg) {
			return nil, nil
		}
	}
	base := path.Join(top, strings.ToLower(segs[0][:1]))
	found := [][]string{nil}
	for i, seg := range segs {
		var next [][]string
		for _, prefix := range found {
			dir := path.Join(append([]string{base}, prefix...)...)
			entries, err := os.ReadDir(filepath.Join(s.dir.Root, filepath.FromSlash(dir)))
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("reading %s: %w", dir, err)
			}
			last := i == len(segs)-1
			for _, e := range entries {
				// Only real folders and, last, regular files: the build
				// ignores anything else (symbolic links, pipes, devices).
				if strings.HasPrefix(e.Name(), ".") || !strings.EqualFold(e.Name(), seg) ||
					(last && !e.Type().IsRegular()) || (!last && !e.IsDir()) {
					continue
				}
				next = append(next, append(append([]string(nil), prefix...), e.Name()))
			}
		}
		found = next
	}
	if len(found) > 1 {
		var files []string
		for _, f := range found {
			files = append(files, path.Join(append([]string{base}, f...)...))
		}
		return nil, fmt.Errorf("%s: addresses may not differ only in case", strings.Join(files, " and "))
	}
	return found, nil
}

func notFound(name string) error {
	return &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

var _ serve.Source = (*Source)(nil)
