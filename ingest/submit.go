package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/regen-registry/regen/ingest/github"
	"github.com/regen-registry/regen/ingest/gittags"
	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/regdata/events"
)

// AddProvider adds the provider at address ("NS/TYPE") to the data folder
// and ingests it at once. Its repository (repository, or by default
// <github>/NS/terraform-provider-TYPE) must be named
// terraform-provider-TYPE, exist, and have semver tags, and the namespace
// or provider must have a signing key in keys/ (regen add key). Problems
// with the submission are the error; problems ingesting its versions are
// in the Summary.
func AddProvider(ctx context.Context, o Options, address, repository string) (*Summary, error) {
	r, err := newRunner(o)
	if err != nil {
		return nil, err
	}
	addr, err := regdata.ParseProviderAddr(address)
	if err != nil {
		return nil, err
	}
	if !regdata.SafeSegment(addr.Namespace) || !regdata.SafeSegment(addr.Type) {
		return nil, fmt.Errorf("provider address %q: namespace and type must be plain names", address)
	}
	start := time.Now()
	if err := r.submitProvider(ctx, addr, repository); err != nil {
		return nil, err
	}
	r.provider(ctx, addr)
	return r.finish(start)
}

// AddModule adds the module at address ("NS/NAME/SYSTEM") to the data
// folder and ingests it at once. Its repository (repository, or by default
// <github>/NS/terraform-SYSTEM-NAME) must be named terraform-SYSTEM-NAME,
// exist and have semver tags.
func AddModule(ctx context.Context, o Options, address, repository string) (*Summary, error) {
	r, err := newRunner(o)
	if err != nil {
		return nil, err
	}
	addr, err := regdata.ParseModuleAddr(address)
	if err != nil {
		return nil, err
	}
	if !regdata.SafeSegment(addr.Namespace) || !regdata.SafeSegment(addr.Name) || !regdata.SafeSegment(addr.System) {
		return nil, fmt.Errorf("module address %q: namespace, name and system must be plain names", address)
	}
	start := time.Now()
	if err := r.submitModule(ctx, addr, repository); err != nil {
		return nil, err
	}
	r.module(ctx, addr)
	return r.finish(start)
}

// finish saves the state and completes the summary.
func (r *runner) finish(start time.Time) (*Summary, error) {
	err := r.state.Save()
	r.sum.Requests = r.gh.Requests()
	r.sum.Duration = time.Since(start)
	r.sum.sort()
	return r.sum, err
}

// submitProvider checks a provider submission and writes its (empty) data
// file and created event.
func (r *runner) submitProvider(ctx context.Context, addr regdata.ProviderAddr, repository string) error {
	if have, ok, err := findProvider(r.dir, addr); err != nil {
		return err
	} else if ok {
		return fmt.Errorf("provider %s is already in the registry (%s)", addr, regdata.ProviderFilePath(have))
	}
	repo, field, err := r.submissionRepo(addr.Namespace, addr.Repo(), repository, "a provider TYPE must live in a repository named terraform-provider-TYPE")
	if err != nil {
		return err
	}
	if _, err := r.providerKeyRing(addr); err != nil {
		return &rejection{fmt.Errorf("provider %s: %w", addr, err)}
	}
	if err := r.checkRemote(ctx, repo); err != nil {
		return err
	}
	if err := r.dir.WriteProvider(addr, &regdata.ProviderFile{Repository: field}); err != nil {
		return err
	}
	return r.created(ctx, events.Event{Type: events.ProviderCreated, Namespace: addr.Namespace, Name: addr.Type, URL: r.ep.RepoURL(repo)}, addr.Key())
}

// submitModule checks a module submission and writes its (empty) data
// file and created event.
func (r *runner) submitModule(ctx context.Context, addr regdata.ModuleAddr, repository string) error {
	if have, ok, err := findModule(r.dir, addr); err != nil {
		return err
	} else if ok {
		return fmt.Errorf("module %s is already in the registry (%s)", addr, regdata.ModuleFilePath(have))
	}
	repo, field, err := r.submissionRepo(addr.Namespace, addr.Repo(), repository, "a module NAME for SYSTEM must live in a repository named terraform-SYSTEM-NAME")
	if err != nil {
		return err
	}
	if err := r.checkRemote(ctx, repo); err != nil {
		return err
	}
	if err := r.dir.WriteModule(addr, &regdata.ModuleFile{Repository: field}); err != nil {
		return err
	}
	return r.created(ctx, events.Event{Type: events.ModuleCreated, Namespace: addr.Namespace, Name: addr.Name, Target: addr.System, URL: r.ep.RepoURL(repo)}, addr.Key())
}

func (r *runner) created(ctx context.Context, ev events.Event, key string) error {
	ev.Time = r.opts.Now().UTC()
	if err := r.events.Append(ctx, ev); err != nil {
		return fmt.Errorf("recording the creation of %s: %w", key, err)
	}
	r.sum.update(func(s *Summary) { s.Created = append(s.Created, key) })
	return nil
}

// submissionRepo resolves a submission's repository and checks the naming
// convention. field is what to store in the data file's repository field:
// "" when the repository is the conventional one.
func (r *runner) submissionRepo(namespace, conventional, repository, rule string) (repo github.Repo, field string, err error) {
	if repository == "" {
		return github.Repo{Owner: namespace, Name: conventional}, "", nil
	}
	repo, err = r.ep.ParseRepo(repository)
	if err != nil {
		return github.Repo{}, "", err
	}
	if !strings.EqualFold(repo.Name, conventional) {
		return github.Repo{}, "", fmt.Errorf("repository %s is named %q, want %q: %s", repository, repo.Name, conventional, rule)
	}
	if strings.EqualFold(repo.Owner, namespace) {
		return repo, "", nil
	}
	return repo, r.ep.RepoURL(repo), nil
}

// checkRemote checks that the repository exists and has semver tags.
func (r *runner) checkRemote(ctx context.Context, repo github.Repo) error {
	tags, err := r.tags.List(ctx, r.ep.GitURL(repo))
	if errors.Is(err, gittags.ErrNotFound) {
		return &rejection{fmt.Errorf("repository %s does not exist (or is not public)", r.ep.RepoURL(repo))}
	}
	if err != nil {
		return err
	}
	if len(semverTags(tags)) == 0 {
		return &rejection{fmt.Errorf("repository %s has no semver tags (vMAJOR.MINOR.PATCH): nothing to publish", r.ep.RepoURL(repo))}
	}
	return nil
}

// findProvider looks for a provider file whose address equals addr
// without regard to case.
func findProvider(d regdata.Dir, addr regdata.ProviderAddr) (regdata.ProviderAddr, bool, error) {
	shardDir := filepath.Join(d.Root, "providers", strings.ToLower(addr.Namespace[:1]))
	for _, ns := range foldMatches(shardDir, addr.Namespace, true) {
		for _, f := range foldMatches(filepath.Join(shardDir, ns), addr.Type+".json", false) {
			return regdata.ProviderAddr{Namespace: ns, Type: strings.TrimSuffix(f, ".json")}, true, nil
		}
	}
	return regdata.ProviderAddr{}, false, nil
}

// findModule looks for a module file whose address equals addr without
// regard to case.
func findModule(d regdata.Dir, addr regdata.ModuleAddr) (regdata.ModuleAddr, bool, error) {
	shardDir := filepath.Join(d.Root, "modules", strings.ToLower(addr.Namespace[:1]))
	for _, ns := range foldMatches(shardDir, addr.Namespace, true) {
		for _, n := range foldMatches(filepath.Join(shardDir, ns), addr.Name, true) {
			for _, f := range foldMatches(filepath.Join(shardDir, ns, n), addr.System+".json", false) {
				return regdata.ModuleAddr{Namespace: ns, Name: n, System: strings.TrimSuffix(f, ".json")}, true, nil
			}
		}
	}
	return regdata.ModuleAddr{}, false, nil
}

// foldMatches returns the entries of dir named name without regard to
// case (folders when dirs, else files), sorted. A missing dir has none.
func foldMatches(dir, name string, dirs bool) []string {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, de := range des {
		if strings.EqualFold(de.Name(), name) && de.IsDir() == dirs {
			out = append(out, de.Name())
		}
	}
	return out
}

// rejection is a submission refused on its merits (no such repository, no
// semver tags, no signing key), as opposed to a failure to check it.
type rejection struct{ err error }

func (e *rejection) Error() string { return e.err.Error() }
func (e *rejection) Unwrap() error { return e.err }
