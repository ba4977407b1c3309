package modarchive

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/go-git/go-git/v5/plumbing/transport"
	"golang.org/x/sync/errgroup"

	"github.com/regen-registry/regen/modsource"
	"github.com/regen-registry/regen/regdata"
)

// Filler packages module versions into a Store.
type Filler struct {
	Store *Store
	// Source bounds each fetch; Pack bounds each package.
	Source modsource.Limits
	Pack   PackLimits
	// Auth is passed to git (nil for public repositories).
	Auth transport.AuthMethod
	// Jobs bounds the versions fetched at once (default 4).
	Jobs int
}

// Result says what became of one version.
type Result struct {
	Version string
	// Entry is what the store now records (zero when Err is set).
	Entry Entry
	// Err is a failure worth a retry (network, server, disk); nothing was
	// recorded.
	Err error
}

// Missing returns the versions the store's index does not list.
func Missing(idx map[string]Entry, versions []regdata.ModuleVersion) []regdata.ModuleVersion {
	var out []regdata.ModuleVersion
	for _, v := range versions {
		if _, ok := idx[v.Version]; !ok {
			out = append(out, v)
		}
	}
	return out
}

// Fill packages every version of the module at repoURL that the store does
// not list yet and returns one Result per version tried, in the order of
// versions. A source that is gone or over the limits is recorded (Entry
// has Error); other failures are returned in Result.Err and not recorded.
// After a failure worth a retry the module's remaining versions are not
// tried (they would fail the same way); they are left for the next run.
func (f *Filler) Fill(ctx context.Context, addr regdata.ModuleAddr, repoURL string, versions []regdata.ModuleVersion) ([]Result, error) {
	idx, _, err := f.Store.Index(ctx, addr)
	if err != nil {
		return nil, err
	}
	todo := Missing(idx, versions)
	out := make([]Result, len(todo))
	var (
		mu   sync.Mutex
		held bool
	)
	var g errgroup.Group
	g.SetLimit(max(1, cmp.Or(f.Jobs, 4)))
	for i, v := range todo {
		out[i].Version = v.Version
		g.Go(func() error {
			mu.Lock()
			stop := held
			mu.Unlock()
			if stop || ctx.Err() != nil {
				out[i].Err = errors.New("not tried after an earlier failure (retried next run)")
				if ctx.Err() != nil {
					out[i].Err = ctx.Err()
				}
				return nil
			}
			e, err := f.one(ctx, addr, repoURL, v)
			out[i].Entry, out[i].Err = e, err
			if err != nil {
				mu.Lock()
				held = true
				mu.Unlock()
			}
			return nil
		})
	}
	_ = g.Wait()
	return out, nil
}

// one fetches, packs and stores one version.
func (f *Filler) one(ctx context.Context, addr regdata.ModuleAddr, repoURL string, v regdata.ModuleVersion) (Entry, error) {
	tmp, err := f.Store.TempDir()
	if err != nil {
		return Entry{}, err
	}
	refuse := func(cause error) (Entry, error) {
		if err := f.Store.PutError(ctx, addr, v.Version, v.Commit, cause); err != nil {
			return Entry{}, err
		}
		return Entry{Commit: v.Commit, Error: cause.Error()}, nil
	}
	co, err := modsource.Fetch(ctx, modsource.Request{URL: repoURL, Tag: v.Version, Commit: v.Commit, Auth: f.Auth, TempDir: tmp}, f.Source)
	switch {
	case ctx.Err() != nil:
		return Entry{}, ctx.Err()
	case errors.Is(err, modsource.ErrSourceGone), modsource.IsLimit(err):
		return refuse(err)
	case err != nil:
		return Entry{}, err
	}
	defer co.Close()
	out, err := os.CreateTemp(tmp, "package-*.tar.gz")
	if err != nil {
		return Entry{}, err
	}
	defer os.Remove(out.Name()) // gone after Put's rename
	p, err := Pack(ctx, co.Dir, f.Pack, out)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	var pe *PackError
	switch {
	case errors.As(err, &pe):
		return refuse(fmt.Errorf("commit %s: %w", co.Commit, err))
	case err != nil:
		return Entry{}, fmt.Errorf("packing %s %s: %w", addr, v.Version, err)
	}
	if err := f.Store.Put(ctx, addr, v.Version, co.Commit, out.Name(), p); err != nil {
		return Entry{}, err
	}
	return Entry{Commit: co.Commit, SHA256: p.SHA256, Size: p.Size, Files: p.Files}, nil
}
