package moddocs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/storage/memory"
)

// FetchRequest names one commit of a remote repository.
type FetchRequest struct {
	// URL is the repository's clone URL (https://…, http://… in tests).
	URL string
	// Tag is the tag as written in the data file ("v1.2.0"). Optional when
	// Commit is set.
	Tag string
	// Commit is the full commit hash the tag pointed at when discovered.
	// Optional when Tag is set; when both are set the fetched tag must
	// still point at Commit.
	Commit string
	// Auth is passed to go-git (nil for public repositories).
	Auth transport.AuthMethod
}

// ErrSourceGone marks (with errors.Is) a Fetch error that will not go away
// by retrying: the repository, the tag or the commit no longer exists, or
// the tag moved and the server will not serve the recorded commit. Callers
// record such versions (Store.PutError) instead of retrying them on every
// run; other errors (network, server errors) are worth a retry.
var ErrSourceGone = errors.New("module source is gone")

// Source is one commit's tree, held in memory.
type Source struct {
	// Commit is the full hash of the commit fetched.
	Commit string
	// FS is the commit's tree, read-only.
	FS fs.FS
}

var (
	commitRE = regexp.MustCompile(`^[0-9a-f]{40}$`)
	// tagRE refuses names that would change the meaning of a refspec.
	tagRE = regexp.MustCompile(`^[A-Za-z0-9_.+/-]+$`)
)

// Fetch fetches a single commit with go-git into memory: no history
// (depth 1), no working tree, nothing written to disk, nothing executed.
//
// With a Tag it fetches refs/tags/<Tag>, peels an annotated tag to its
// commit and checks it against Commit. When the tag is gone or has moved
// and Commit is set, it fetches the commit itself, which servers allow
// when they advertise allow-reachable-sha1-in-want or allow-tip-sha1-in-want
// (GitHub, GitLab and git's protocol v2 servers do); otherwise the error
// says why the commit could not be had.
func Fetch(ctx context.Context, req FetchRequest) (*Source, error) {
	if req.Commit != "" && !commitRE.MatchString(req.Commit) {
		return nil, fmt.Errorf("fetching %s: commit %q is not a full lower-case hex hash", req.URL, req.Commit)
	}
	if req.Tag == "" && req.Commit == "" {
		return nil, fmt.Errorf("fetching %s: neither tag nor commit given", req.URL)
	}
	if req.Tag != "" && (!tagRE.MatchString(req.Tag) || strings.Contains(req.Tag, "..")) {
		return nil, fmt.Errorf("fetching %s: tag %q is not a usable ref name", req.URL, req.Tag)
	}
	repo, err := git.Init(memory.NewStorage(), nil)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", req.URL, err)
	}
	remote, err := repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{req.URL}})
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", req.URL, err)
	}
	fetch := func(spec string) error {
		err := remote.FetchContext(ctx, &git.FetchOptions{
			RefSpecs: []config.RefSpec{config.RefSpec(spec)},
			Depth:    1,
			Tags:     git.NoTags,
			Auth:     req.Auth,
		})
		if errors.Is(err, git.NoErrAlreadyUpToDate) {
			return nil
		}
		return err
	}

	var tagProblem error
	if req.Tag != "" {
		ref := plumbing.NewTagReferenceName(req.Tag)
		err := fetch("+" + ref.String() + ":" + ref.String())
		switch {
		case err == nil:
			c, err := peel(repo, ref)
			if err != nil {
				return nil, fmt.Errorf("fetching %s tag %s: %w", req.URL, req.Tag, err)
			}
			if req.Commit == "" || c.Hash.String() == req.Commit {
				return source(c)
			}
			tagProblem = fmt.Errorf("tag %s now points at %s, not %s", req.Tag, c.Hash, req.Commit)
		case errors.As(err, &git.NoMatchingRefSpecError{}):
			tagProblem = fmt.Errorf("tag %s not found", req.Tag)
			if req.Commit == "" {
				return nil, fmt.Errorf("fetching %s: %w: %w", req.URL, ErrSourceGone, tagProblem)
			}
		default:
			return nil, fmt.Errorf("fetching %s tag %s: %w", req.URL, req.Tag, markGone(err))
		}
	}

	err = fetch(req.Commit + ":refs/regen/commit")
	if err != nil {
		if tagProblem != nil {
			return nil, fmt.Errorf("fetching %s: %v, and fetching commit %s failed: %w", req.URL, tagProblem, req.Commit, markGone(err))
		}
		return nil, fmt.Errorf("fetching %s commit %s: %w", req.URL, req.Commit, markGone(err))
	}
	c, err := repo.CommitObject(plumbing.NewHash(req.Commit))
	if err != nil {
		return nil, fmt.Errorf("fetching %s commit %s: %w", req.URL, req.Commit, err)
	}
	return source(c)
}

// markGone adds ErrSourceGone to the errors that say the repository or
// the commit does not exist, or that the server will not serve a commit by
// hash. git servers report an unknown commit only in a message ("not our
// ref"), hence the text match.
func markGone(err error) error {
	if errors.Is(err, transport.ErrRepositoryNotFound) || errors.Is(err, git.ErrExactSHA1NotSupported) ||
		strings.Contains(err.Error(), "not our ref") {
		return fmt.Errorf("%w: %w", ErrSourceGone, err)
	}
	return err
}

// peel resolves a fetched tag ref to its commit, through annotated tags.
func peel(repo *git.Repository, name plumbing.ReferenceName) (*object.Commit, error) {
	ref, err := repo.Reference(name, true)
	if err != nil {
		return nil, err
	}
	h := ref.Hash()
	for range 10 { // tags of tags, bounded
		tag, err := repo.TagObject(h)
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			break
		}
		if err != nil {
			return nil, err
		}
		if tag.TargetType != plumbing.CommitObject && tag.TargetType != plumbing.TagObject {
			return nil, fmt.Errorf("tag points at a %s, not a commit", tag.TargetType)
		}
		h = tag.Target
	}
	return repo.CommitObject(h)
}

func source(c *object.Commit) (*Source, error) {
	t, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("reading the tree of commit %s: %w", c.Hash, err)
	}
	return &Source{Commit: c.Hash.String(), FS: treeFS{root: t}}, nil
}
