package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Defaults of CommitOptions.
const (
	DefaultCommitMessage = "ingest: new versions"
	DefaultPushAttempts  = 4
	defaultAuthorName    = "regen-bot"
	defaultAuthorEmail   = "regen-bot@users.noreply.github.com"
)

// CommitOptions configure Commit.
type CommitOptions struct {
	// Data is the data folder, inside a git work tree.
	Data string
	// Message is the commit message (default DefaultCommitMessage).
	Message string
	// Push pushes the commit to Remote's Branch.
	Push bool
	// Remote (default "origin") and Branch (default: the checked-out
	// branch) are where to push.
	Remote, Branch string
	// Attempts bounds the pushes: after a refused push the commit is
	// rebased onto the remote branch and pushed again (default
	// DefaultPushAttempts).
	Attempts int
	// Logger receives retries (default: discard).
	Logger *slog.Logger
}

// CommitResult says what Commit did.
type CommitResult struct {
	// Committed is false when the data folder had no change.
	Committed bool   `json:"committed"`
	Commit    string `json:"commit,omitempty"`
	// Pushes is how many pushes it took (0: no push).
	Pushes int `json:"pushes"`
}

// Commit commits every change of the data folder (its .regen/ state
// excepted) and, with Push, pushes it. A push refused because the branch
// moved is retried after rebasing; while rebasing, the change log's month
// files merge as a union of lines (both sides only append), so a
// concurrent commit that recorded events never blocks the push.
func Commit(ctx context.Context, o CommitOptions) (*CommitResult, error) {
	if o.Message == "" {
		o.Message = DefaultCommitMessage
	}
	if o.Remote == "" {
		o.Remote = "origin"
	}
	if o.Attempts <= 0 {
		o.Attempts = DefaultPushAttempts
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	top, rel, err := repoPaths(ctx, o.Data)
	if err != nil {
		return nil, err
	}
	g := func(args ...string) ([]byte, error) { return gitCmd(ctx, top, nil, args...) }
	// Stage the data folder, then unstage its .regen/ state (an exclude
	// pathspec would fail when .gitignore already ignores it).
	if _, err := g("add", "-A", "--", rel); err != nil {
		return nil, err
	}
	if _, err := g("reset", "-q", "--", path.Join(rel, ".regen")); err != nil {
		return nil, err
	}
	res := &CommitResult{}
	if _, err := g("diff", "--cached", "--quiet", "--", rel); err != nil {
		args := identity(ctx, top)
		args = append(args, "commit", "-q", "-m", o.Message, "--", rel)
		if _, err := g(args...); err != nil {
			return nil, err
		}
		res.Committed = true
	}
	head, err := g("rev-parse", "HEAD")
	if err != nil {
		return nil, err
	}
	res.Commit = strings.TrimSpace(string(head))
	if !o.Push || !res.Committed {
		return res, nil
	}
	if o.Branch == "" {
		b, err := g("symbolic-ref", "--short", "HEAD")
		if err != nil {
			return res, fmt.Errorf("no branch checked out; name the branch to push to: %w", err)
		}
		o.Branch = strings.TrimSpace(string(b))
	}
	attrs, err := unionAttributes(rel)
	if err != nil {
		return res, err
	}
	defer os.Remove(attrs)
	for {
		res.Pushes++
		_, perr := g("push", "-q", o.Remote, "HEAD:refs/heads/"+o.Branch)
		if perr == nil {
			break
		}
		if res.Pushes >= o.Attempts {
			return res, fmt.Errorf("push refused %d times: %w", res.Pushes, perr)
		}
		o.Logger.Info("push refused; rebasing onto the remote branch", "branch", o.Branch, "attempt", res.Pushes, "err", perr)
		args := identity(ctx, top)
		args = append(args, "-c", "core.attributesFile="+attrs, "pull", "-q", "--rebase", "--no-edit", o.Remote, o.Branch)
		if _, err := g(args...); err != nil {
			_, aerr := g("rebase", "--abort")
			return res, errors.Join(fmt.Errorf("rebasing onto %s/%s: %w", o.Remote, o.Branch, err), aerr)
		}
	}
	head, err = g("rev-parse", "HEAD")
	if err != nil {
		return res, err
	}
	res.Commit = strings.TrimSpace(string(head))
	return res, nil
}

// identity returns -c options naming regen-bot as the committer when the
// repository has no identity configured.
func identity(ctx context.Context, top string) []string {
	if out, err := gitCmd(ctx, top, nil, "config", "user.email"); err == nil && strings.TrimSpace(string(out)) != "" {
		return nil
	}
	return []string{"-c", "user.name=" + defaultAuthorName, "-c", "user.email=" + defaultAuthorEmail}
}

// unionAttributes writes a git attributes file making the change log's
// month files merge as a union of lines.
func unionAttributes(rel string) (string, error) {
	f, err := os.CreateTemp("", "regen-gitattributes-*")
	if err != nil {
		return "", fmt.Errorf("writing git attributes: %w", err)
	}
	pattern := path.Join(rel, "events", "*.ndjson")
	if rel == "." {
		pattern = "events/*.ndjson"
	}
	_, err = fmt.Fprintf(f, "/%s merge=union\n", filepath.ToSlash(pattern))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("writing git attributes: %w", err)
	}
	return f.Name(), nil
}
