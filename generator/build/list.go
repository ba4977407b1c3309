package build

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/regen-registry/regen/regdata"
)

// listConcurrency is how many folders are read at once while listing the
// data folder: listing is latency-bound when the folders are not cached
// (tens of thousands of small folders), so reads are overlapped.
const listConcurrency = 32

// listData lists the provider and module files of a data folder with the
// same result as regdata.Dir.Providers and Dir.Modules (addresses sorted
// by Key, then data path; files outside the layout reported in bad, here
// sorted), reading folders concurrently. Tests check it against regdata.
func listData(ctx context.Context, d regdata.Dir) (provs []regdata.ProviderAddr, mods []regdata.ModuleAddr, bad []string, err error) {
	var wg sync.WaitGroup
	var pFiles, mFiles [][]string
	var pBad, mBad []string
	var pErr, mErr error
	wg.Add(2)
	go func() { defer wg.Done(); pFiles, pBad, pErr = listTree(ctx, d.Root, "providers", 3) }()
	go func() { defer wg.Done(); mFiles, mBad, mErr = listTree(ctx, d.Root, "modules", 4) }()
	wg.Wait()
	if err := errors.Join(pErr, mErr); err != nil {
		return nil, nil, nil, err
	}
	for _, parts := range pFiles {
		ns, file := parts[1], parts[2]
		if !strings.HasSuffix(file, ".json") || shard(ns) != parts[0] {
			pBad = append(pBad, path.Join(append([]string{"providers"}, parts...)...))
			continue
		}
		provs = append(provs, regdata.ProviderAddr{Namespace: ns, Type: strings.TrimSuffix(file, ".json")})
	}
	for _, parts := range mFiles {
		ns, name, file := parts[1], parts[2], parts[3]
		if !strings.HasSuffix(file, ".json") || shard(ns) != parts[0] {
			mBad = append(mBad, path.Join(append([]string{"modules"}, parts...)...))
			continue
		}
		mods = append(mods, regdata.ModuleAddr{Namespace: ns, Name: name, System: strings.TrimSuffix(file, ".json")})
	}
	slices.SortFunc(provs, func(a, b regdata.ProviderAddr) int {
		if c := strings.Compare(a.Key(), b.Key()); c != 0 {
			return c
		}
		return strings.Compare(a.String(), b.String())
	})
	slices.SortFunc(mods, func(a, b regdata.ModuleAddr) int {
		if c := strings.Compare(a.Key(), b.Key()); c != 0 {
			return c
		}
		return strings.Compare(a.String(), b.String())
	})
	bad = append(mBad, pBad...)
	slices.Sort(bad)
	return provs, mods, bad, nil
}

// listTree returns the path segments (below top) of every regular file
// exactly depth levels below root/top, with regdata's rules: names
// starting with "." are skipped, folders at depth or deeper and files at
// other depths or not regular are reported in bad. A missing top is empty.
func listTree(ctx context.Context, root, top string, depth int) (files [][]string, bad []string, err error) {
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
		sem  = make(chan struct{}, listConcurrency)
	)
	var visit func(parts []string)
	visit = func(parts []string) {
		if err := ctx.Err(); err != nil {
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
			return
		}
		rel := path.Join(append([]string{top}, parts...)...)
		entries, err := os.ReadDir(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			if len(parts) == 0 && errors.Is(err, fs.ErrNotExist) {
				return
			}
			mu.Lock()
			errs = append(errs, fmt.Errorf("listing %s: %w", filepath.Join(root, top), err))
			mu.Unlock()
			return
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") {
				continue
			}
			sub := append(slices.Clip(parts), e.Name())
			switch {
			case e.IsDir() && len(sub) >= depth:
				mu.Lock()
				bad = append(bad, path.Join(top, path.Join(sub...))+"/")
				mu.Unlock()
			case e.IsDir():
				select {
				case sem <- struct{}{}:
					wg.Add(1)
					go func() {
						defer wg.Done()
						defer func() { <-sem }()
						visit(sub)
					}()
				default:
					visit(sub) // all readers busy: read it here
				}
			case len(sub) != depth || !e.Type().IsRegular():
				mu.Lock()
				bad = append(bad, path.Join(top, path.Join(sub...)))
				mu.Unlock()
			default:
				mu.Lock()
				files = append(files, sub)
				mu.Unlock()
			}
		}
	}
	visit(nil)
	wg.Wait()
	if len(errs) > 0 {
		return nil, nil, errs[0]
	}
	return files, bad, nil
}
