package regdata

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Dir is a registry data folder.
type Dir struct {
	// Root is the folder's path on disk.
	Root string
}

// shard returns the lower-cased first character of a namespace, the
// layout's first path segment.
func shard(ns string) string {
	if ns == "" {
		return "_"
	}
	return strings.ToLower(ns[:1])
}

// ProviderFilePath returns the provider file's path relative to Root,
// slash-separated: providers/<c>/<namespace>/<type>.json.
func ProviderFilePath(a ProviderAddr) string {
	return path.Join("providers", shard(a.Namespace), a.Namespace, a.Type+".json")
}

// ModuleFilePath returns the module file's path relative to Root,
// slash-separated: modules/<c>/<namespace>/<name>/<system>.json.
func ModuleFilePath(a ModuleAddr) string {
	return path.Join("modules", shard(a.Namespace), a.Namespace, a.Name, a.System+".json")
}

func (d Dir) abs(rel string) string { return filepath.Join(d.Root, filepath.FromSlash(rel)) }

// Providers lists every provider file's address, sorted by Key (then by
// data path, so case-only duplicates are adjacent). Files that do not fit
// the layout are reported in bad, not skipped silently.
func (d Dir) Providers() (addrs []ProviderAddr, bad []string, err error) {
	err = d.walk("providers", 3, func(parts []string) {
		ns, file := parts[1], parts[2]
		if !strings.HasSuffix(file, ".json") || shard(ns) != parts[0] {
			bad = append(bad, path.Join(append([]string{"providers"}, parts...)...))
			return
		}
		addrs = append(addrs, ProviderAddr{Namespace: ns, Type: strings.TrimSuffix(file, ".json")})
	}, &bad)
	slices.SortFunc(addrs, func(a, b ProviderAddr) int {
		if c := strings.Compare(a.Key(), b.Key()); c != 0 {
			return c
		}
		return strings.Compare(a.String(), b.String())
	})
	return addrs, bad, err
}

// Modules lists every module file's address, sorted by Key (then by data
// path). Files that do not fit the layout are reported in bad.
func (d Dir) Modules() (addrs []ModuleAddr, bad []string, err error) {
	err = d.walk("modules", 4, func(parts []string) {
		ns, name, file := parts[1], parts[2], parts[3]
		if !strings.HasSuffix(file, ".json") || shard(ns) != parts[0] {
			bad = append(bad, path.Join(append([]string{"modules"}, parts...)...))
			return
		}
		addrs = append(addrs, ModuleAddr{Namespace: ns, Name: name, System: strings.TrimSuffix(file, ".json")})
	}, &bad)
	slices.SortFunc(addrs, func(a, b ModuleAddr) int {
		if c := strings.Compare(a.Key(), b.Key()); c != 0 {
			return c
		}
		return strings.Compare(a.String(), b.String())
	})
	return addrs, bad, err
}

// walk visits every regular file exactly depth levels below top, passing
// its path segments. Hidden names are skipped; files at other depths and
// non-regular files are reported in bad.
func (d Dir) walk(top string, depth int, visit func(parts []string), bad *[]string) error {
	root := d.abs(top)
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if p == root && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil
		}
		parts := strings.Split(filepath.ToSlash(rel), "/")
		if strings.HasPrefix(e.Name(), ".") {
			if e.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if e.IsDir() {
			if len(parts) >= depth {
				*bad = append(*bad, path.Join(top, filepath.ToSlash(rel))+"/")
				return fs.SkipDir
			}
			return nil
		}
		if len(parts) != depth || !e.Type().IsRegular() {
			*bad = append(*bad, path.Join(top, filepath.ToSlash(rel)))
			return nil
		}
		visit(parts)
		return nil
	})
	if err != nil {
		return fmt.Errorf("listing %s: %w", root, err)
	}
	return nil
}

// ReadProvider reads and parses a provider file.
func (d Dir) ReadProvider(a ProviderAddr) (*ProviderFile, error) {
	rel := ProviderFilePath(a)
	data, _, err := d.ReadFile(rel, MaxDataFileSize)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", rel, err)
	}
	f, err := ParseProviderFile(data)
	if err != nil {
		return nil, &FileError{Path: rel, Err: explainJSON(data, err)}
	}
	return f, nil
}

// WriteProvider writes a provider file atomically.
func (d Dir) WriteProvider(a ProviderAddr, f *ProviderFile) error {
	data, err := f.Encode()
	if err != nil {
		return fmt.Errorf("encoding %s: %w", ProviderFilePath(a), err)
	}
	return WriteFileAtomic(d.abs(ProviderFilePath(a)), data, 0o644)
}

// ReadModule reads and parses a module file.
func (d Dir) ReadModule(a ModuleAddr) (*ModuleFile, error) {
	rel := ModuleFilePath(a)
	data, _, err := d.ReadFile(rel, MaxDataFileSize)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", rel, err)
	}
	f, err := ParseModuleFile(data)
	if err != nil {
		return nil, &FileError{Path: rel, Err: explainJSON(data, err)}
	}
	return f, nil
}

// WriteModule writes a module file atomically.
func (d Dir) WriteModule(a ModuleAddr, f *ModuleFile) error {
	data, err := f.Encode()
	if err != nil {
		return fmt.Errorf("encoding %s: %w", ModuleFilePath(a), err)
	}
	return WriteFileAtomic(d.abs(ModuleFilePath(a)), data, 0o644)
}

// ReadBlacklist reads versions_blacklist.json; a missing file is an empty
// blacklist.
func (d Dir) ReadBlacklist() (*Blacklist, error) {
	data, _, err := d.ReadFile(BlacklistFile, MaxDataFileSize)
	if errors.Is(err, fs.ErrNotExist) {
		return &Blacklist{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", BlacklistFile, err)
	}
	b, err := ParseBlacklist(data)
	if err != nil {
		return nil, &FileError{Path: BlacklistFile, Err: explainJSON(data, err)}
	}
	return b, nil
}

// WriteBlacklist writes versions_blacklist.json atomically.
func (d Dir) WriteBlacklist(b *Blacklist) error {
	data, err := b.Encode()
	if err != nil {
		return fmt.Errorf("encoding %s: %w", BlacklistFile, err)
	}
	return WriteFileAtomic(d.abs(BlacklistFile), data, 0o644)
}

// ProviderKeys returns the keys that apply to a provider: the namespace's
// (keys/<c>/<ns>/*.asc) and the provider's own (keys/<c>/<ns>/<type>/*.asc),
// one per key (FileKeys), sorted by path, a file's keys in file order. Namespace and type folders match case-insensitively
// (OpenTofu's data keeps keys/c/ciscodevnet for providers/c/CiscoDevNet).
func (d Dir) ProviderKeys(a ProviderAddr) ([]Key, error) {
	nsDirs, err := matchFold(d.abs(path.Join("keys", shard(a.Namespace))), a.Namespace, true)
	if err != nil {
		return nil, err
	}
	var keys []Key
	for _, nsDir := range nsDirs {
		rel := path.Join("keys", shard(a.Namespace), nsDir)
		k, err := d.readKeys(rel)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k...)
		typeDirs, err := matchFold(d.abs(rel), a.Type, true)
		if err != nil {
			return nil, err
		}
		for _, td := range typeDirs {
			k, err := d.readKeys(path.Join(rel, td))
			if err != nil {
				return nil, err
			}
			keys = append(keys, k...)
		}
	}
	slices.SortStableFunc(keys, func(x, y Key) int { return strings.Compare(x.Path, y.Path) })
	return keys, nil
}

// readKeys reads every *.asc file directly in rel.
func (d Dir) readKeys(rel string) ([]Key, error) {
	entries, err := os.ReadDir(d.abs(rel))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", rel, err)
	}
	var keys []Key
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".asc") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		p := path.Join(rel, e.Name())
		data, _, err := d.ReadFile(p, MaxKeyFileSize)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", p, err)
		}
		k, err := FileKeys(p, data)
		if err != nil {
			return nil, &FileError{Path: p, Err: err}
		}
		keys = append(keys, k...)
	}
	return keys, nil
}

// matchFold returns the names of the entries in dir equal to name under
// case folding (directories only when dirs is set). A missing dir matches
// nothing.
func matchFold(dir, name string, dirs bool) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	var out []string
	for _, e := range entries {
		if strings.EqualFold(e.Name(), name) && (!dirs || e.IsDir()) {
			out = append(out, e.Name())
		}
	}
	return out, nil
}
