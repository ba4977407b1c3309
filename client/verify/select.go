package verify

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/regen-registry/regen/manifest"
)

// openManifest opens the manifest of the tree at dir.
func openManifest(dir string) (*manifest.Reader, io.Closer, error) {
	p := filepath.Join(dir, filepath.FromSlash(manifest.Path))
	f, err := os.Open(p)
	if err != nil {
		return nil, nil, fmt.Errorf("reading build manifest: %w", err)
	}
	r, err := manifest.NewReader(f)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("reading %s: %w", p, err)
	}
	return r, f, nil
}

// eachFile calls fn for each file of the manifest a registry serves (no
// segment starting with "." but a leading ".well-known") under one of
// prefixes, in manifest order.
func eachFile(r *manifest.Reader, prefixes []string, fn func(manifest.File) error) error {
	for {
		e, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		for _, f := range e.Files {
			if !served(f.Path) || !underAny(f.Path, prefixes) {
				continue
			}
			if err := fn(f); err != nil {
				return err
			}
		}
	}
}

func served(p string) bool {
	if p == "" || strings.HasPrefix(p, "/") {
		return false
	}
	for i, seg := range strings.Split(p, "/") {
		if seg == "" || seg == ".." || (strings.HasPrefix(seg, ".") && (i > 0 || seg != ".well-known")) {
			return false
		}
	}
	return true
}

func underAny(p string, prefixes []string) bool {
	if len(prefixes) == 0 {
		return true
	}
	for _, pre := range prefixes {
		if strings.HasPrefix(p, strings.TrimPrefix(pre, "/")) {
			return true
		}
	}
	return false
}

// reservoir keeps a uniform random sample of n items of a stream
// (Algorithm R), reproducible for a given seed and stream.
type reservoir struct {
	n    int
	seen int
	rng  *rand.Rand
	keep []manifest.File
}

func newReservoir(n int, seed uint64) *reservoir {
	return &reservoir{n: n, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (r *reservoir) add(f manifest.File) {
	r.seen++
	if len(r.keep) < r.n {
		r.keep = append(r.keep, f)
		return
	}
	if j := r.rng.IntN(r.seen); j < r.n {
		r.keep[j] = f
	}
}
