package modsource

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// Request names one commit of a remote repository.
type Request struct {
	// URL is the repository's clone URL (https://…, http:// or file:// in
	// tests and local previews).
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
	// TempDir is where the temporary folder is made (default os.TempDir()).
	TempDir string
}

// ErrSourceGone marks (with errors.Is) a Fetch error that will not go away
// by retrying: the repository, the tag or the commit no longer exists, or
// the tag moved and the server will not serve the recorded commit. Callers
// record such versions instead of retrying them on every run; other errors
// (network, server errors) are worth a retry, except *LimitError.
var ErrSourceGone = errors.New("module source is gone")

var (
	commitRE = regexp.MustCompile(`^[0-9a-f]{40}$`)
	// tagRE refuses names that would change the meaning of a refspec.
	tagRE = regexp.MustCompile(`^[A-Za-z0-9_.+/-]+$`)
)

// Fetch fetches a single commit and writes its tree to a new temporary
// folder, within lim (see the package doc). The caller must Close the
// Checkout; on error nothing is left on disk.
//
// With a Tag it fetches refs/tags/<Tag>, peels an annotated tag to its
// commit and checks it against Commit. When the tag is gone or has moved
// and Commit is set, it fetches the commit itself, which servers allow
// when they advertise allow-reachable-sha1-in-want or allow-tip-sha1-in-want
// (GitHub, GitLab and git's protocol v2 servers do); otherwise the error
// says why the commit could not be had.
func Fetch(ctx context.Context, req Request, lim Limits) (_ *Checkout, err error) {
	if req.Commit != "" && !commitRE.MatchString(req.Commit) {
		return nil, fmt.Errorf("fetching %s: commit %q is not a full lower-case hex hash", req.URL, req.Commit)
	}
	if req.Tag == "" && req.Commit == "" {
		return nil, fmt.Errorf("fetching %s: neither tag nor commit given", req.URL)
	}
	if req.Tag != "" && (!tagRE.MatchString(req.Tag) || strings.Contains(req.Tag, "..")) {
		return nil, fmt.Errorf("fetching %s: tag %q is not a usable ref name", req.URL, req.Tag)
	}
	lim = lim.WithDefaults()
	parent, cancel := context.WithTimeoutCause(ctx, lim.Timeout, &LimitError{What: "fetching and writing the source", Limit: int64(lim.Timeout.Seconds()), Unit: "seconds"})
	defer cancel()
	ctx = parent

	root, err := os.MkdirTemp(req.TempDir, "regen-source-*")
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", req.URL, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(root)
			// The time box is a limit; the caller's own cancellation is not.
			if c := context.Cause(ctx); IsLimit(c) && ctx.Err() != nil && !IsLimit(err) {
				err = fmt.Errorf("fetching %s: %w", req.URL, c)
			}
		}
	}()
	gitDir := filepath.Join(root, "git")
	if err := os.Mkdir(gitDir, 0o700); err != nil {
		return nil, err
	}
	g := &guardedStorage{
		Storage: filesystem.NewStorageWithOptions(osfs.New(gitDir), cache.NewObjectLRU(8*cache.MiByte),
			filesystem.Options{ExclusiveAccess: true, LargeObjectThreshold: 1 << 20}),
		ctx: ctx, lim: lim, spool: root,
	}
	c, err := fetchCommit(ctx, g, req)
	if g.refused != nil {
		return nil, fmt.Errorf("fetching %s: %w", req.URL, g.refused)
	}
	if err != nil {
		return nil, err
	}
	tree := filepath.Join(root, "tree")
	co := &Checkout{Dir: tree, Commit: c.Hash.String(), root: root}
	if err := co.write(ctx, g, c, lim); err != nil {
		return nil, fmt.Errorf("writing %s commit %s: %w", req.URL, co.Commit, err)
	}
	// The object storage is no longer needed; free the disk now.
	if err := os.RemoveAll(gitDir); err != nil {
		return nil, err
	}
	return co, nil
}

// fetchCommit fetches the commit req names into s and returns it.
func fetchCommit(ctx context.Context, s *guardedStorage, req Request) (*object.Commit, error) {
	repo, err := git.Init(s, nil)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", req.URL, err)
	}
	remote, err := repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{req.URL}})
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", req.URL, err)
	}
	fetch := func(spec string) error {
		var err error
		for attempt := 0; attempt < fetchAttempts; attempt++ {
			err = remote.FetchContext(ctx, &git.FetchOptions{
				RefSpecs: []config.RefSpec{config.RefSpec(spec)},
				Depth:    1,
				Tags:     git.NoTags,
				Auth:     req.Auth,
			})
			if errors.Is(err, git.NoErrAlreadyUpToDate) {
				return nil
			}
			if err == nil || !cutShort(err) || ctx.Err() != nil {
				return err
			}
		}
		return err
	}

	var tagProblem error
	if req.Tag != "" {
		ref := plumbing.NewTagReferenceName(req.Tag)
		err := fetch("+" + ref.String() + ":" + ref.String())
		switch {
		case s.refused != nil:
			return nil, s.refused
		case err == nil:
			c, err := peel(repo, ref)
			if err != nil {
				return nil, fmt.Errorf("fetching %s tag %s: %w", req.URL, req.Tag, err)
			}
			if req.Commit == "" || c.Hash.String() == req.Commit {
				return c, nil
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
	if s.refused != nil {
		return nil, s.refused
	}
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
	return c, nil
}

// fetchAttempts is how many times a fetch cut short (cutShort) is tried.
const fetchAttempts = 3

// cutShort reports whether a fetch failed because the server hung up while
// the request was still being written. A git server that refuses a commit
// ("not our ref") closes the connection at once, and go-git then reports
// the broken pipe instead of the server's message; asking again usually
// gets the message, which tells a commit that is gone from a passing
// failure.
func cutShort(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "broken pipe") || strings.Contains(msg, "connection reset by peer")
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
