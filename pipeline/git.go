package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// gitCmd runs git in dir and returns its standard output. Errors carry
// git's standard error.
func gitCmd(ctx context.Context, dir string, stdin []byte, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0")
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errb.String())
		if msg == "" {
			msg = strings.TrimSpace(out.String())
		}
		return out.Bytes(), fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, msg)
	}
	return out.Bytes(), nil
}

// repoPaths returns the top of the git work tree holding dir and dir's
// path relative to it (slash-separated, "." for the top).
func repoPaths(ctx context.Context, dir string) (top, rel string, err error) {
	out, err := gitCmd(ctx, dir, nil, "rev-parse", "--show-toplevel", "--show-prefix")
	if err != nil {
		return "", "", fmt.Errorf("%s is not in a git work tree: %w", dir, err)
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	top = lines[0]
	rel = "."
	if len(lines) > 1 && lines[1] != "" {
		rel = strings.TrimSuffix(lines[1], "/")
	}
	return top, rel, nil
}

// ChangedFiles lists the files of the data folder that differ from the
// git HEAD of the work tree holding it, untracked ones included
// (slash-separated, relative to the data folder; the .regen/ state
// excepted): what this run changed, before it commits.
func ChangedFiles(ctx context.Context, data string) ([]string, error) {
	top, rel, err := repoPaths(ctx, data)
	if err != nil {
		return nil, err
	}
	return changedFiles(ctx, top, rel)
}
