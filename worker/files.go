package worker

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
)

// source is the worker's deployable source.
//
//go:embed src/*.js wrangler.toml.example
var source embed.FS

// File is one file of the worker, its path relative to the worker's
// folder ("src/index.js", "wrangler.toml.example").
type File struct {
	Path string
	Data []byte
}

// Main is the worker's entry module, relative to its folder.
const Main = "src/index.js"

// Files returns the worker's deployable files, sorted by path.
func Files() ([]File, error) {
	var out []File
	err := fs.WalkDir(source, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := source.ReadFile(p)
		if err != nil {
			return fmt.Errorf("reading embedded worker file %s: %w", p, err)
		}
		out = append(out, File{Path: p, Data: data})
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b File) int {
		switch {
		case a.Path < b.Path:
			return -1
		case a.Path > b.Path:
			return 1
		}
		return 0
	})
	return out, nil
}
