package ingest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/regen-registry/regen/ingest/github"
	"github.com/regen-registry/regen/regdata"
)

// Discover lists the repositories of a GitHub organisation (or user)
// through the REST API and adds every terraform-provider-<type> provider
// and terraform-<system>-<name> module not yet in the data folder, then
// ingests them. Private repositories and forks are skipped, and so are
// repositories without semver tags and providers without a signing key
// (Summary.Skipped says which and why). Listing failures are the error;
// failures of single repositories are in the Summary.
func Discover(ctx context.Context, o Options, owner string) (*Summary, error) {
	r, err := newRunner(o)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	repos, err := r.gh.OwnerRepos(ctx, owner)
	if err != nil {
		return nil, err
	}
	provs, _, err := r.dir.Providers()
	if err != nil {
		return nil, err
	}
	mods, _, err := r.dir.Modules()
	if err != nil {
		return nil, err
	}
	present := map[string]bool{}
	for _, a := range provs {
		present[a.Key()] = true
	}
	for _, a := range mods {
		present[a.Key()] = true
	}

	var g errgroup.Group
	g.SetLimit(r.opts.Jobs)
	for _, repo := range repos {
		kind, p, m, ok := classify(repo)
		if !ok {
			continue
		}
		key, label := p.Key(), "provider "+p.String()
		if kind == KindModule {
			key, label = m.Key(), "module "+m.String()
		}
		if present[key] {
			continue
		}
		skip := ""
		switch {
		case repo.Private:
			skip = "private repository"
		case repo.Fork:
			skip = "fork (register the upstream repository instead)"
		}
		if skip == "" {
			var err error
			if kind == KindProvider {
				err = p.Validate()
			} else {
				err = m.Validate()
			}
			if err != nil {
				skip = err.Error()
			}
		}
		if skip != "" {
			r.sum.update(func(s *Summary) { s.Skipped = append(s.Skipped, Warning{Entry: repo.FullName, Message: skip}) })
			continue
		}
		present[key] = true
		g.Go(func() error {
			var err error
			if kind == KindProvider {
				if err = r.submitProvider(ctx, p, ""); err == nil {
					r.provider(ctx, p)
				}
			} else {
				if err = r.submitModule(ctx, m, ""); err == nil {
					r.module(ctx, m)
				}
			}
			var rej *rejection
			switch {
			case errors.As(err, &rej):
				r.sum.update(func(s *Summary) { s.Skipped = append(s.Skipped, Warning{Entry: repo.FullName, Message: err.Error()}) })
			case err != nil:
				r.failure(label, "", err)
			}
			return nil
		})
	}
	_ = g.Wait()
	if err := ctx.Err(); err != nil {
		r.failure("discover", "", fmt.Errorf("interrupted: %w", err))
	}
	return r.finish(start)
}

// classify maps a repository name onto a registry address:
// terraform-provider-<type> is a provider, terraform-<system>-<name> a
// module (the name may contain dashes), anything else nothing. The
// namespace is the owner's login.
func classify(repo github.APIRepo) (Kind, regdata.ProviderAddr, regdata.ModuleAddr, bool) {
	owner := repo.Owner.Login
	if owner == "" {
		owner, _, _ = strings.Cut(repo.FullName, "/")
	}
	rest, ok := strings.CutPrefix(repo.Name, "terraform-")
	if !ok || owner == "" {
		return "", regdata.ProviderAddr{}, regdata.ModuleAddr{}, false
	}
	if typ, ok := strings.CutPrefix(rest, "provider-"); ok {
		if typ == "" {
			return "", regdata.ProviderAddr{}, regdata.ModuleAddr{}, false
		}
		return KindProvider, regdata.ProviderAddr{Namespace: owner, Type: typ}, regdata.ModuleAddr{}, true
	}
	system, name, ok := strings.Cut(rest, "-")
	if !ok || system == "" || name == "" {
		return "", regdata.ProviderAddr{}, regdata.ModuleAddr{}, false
	}
	return KindModule, regdata.ProviderAddr{}, regdata.ModuleAddr{Namespace: owner, Name: name, System: system}, true
}
