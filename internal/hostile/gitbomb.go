package hostile

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// GitBomb commits n zero-filled files of size bytes each (one blob shared
// by every file, as git bombs do) to refs/heads/main of the bare
// repository at dir and tags the commit tag; it returns the commit. The
// pack stays small (zeros compress about a thousandfold) while a checkout
// is n·size bytes: a module whose documentation extraction must stay
// bounded. It runs the real git (git fast-import), and sets pack.window 0
// so that serving the pack does not search for deltas (GitHub serves packs
// it has computed already).
func GitBomb(ctx context.Context, dir string, n int, size int64, tag string) (string, error) {
	if n < 1 || n > 26*26 || size < 1 {
		return "", fmt.Errorf("git bomb: %d files of %d bytes is out of range", n, size)
	}
	cmd := exec.CommandContext(ctx, "git", "-c", "pack.compression=1", "-c", "core.compression=1", "fast-import", "--quiet")
	cmd.Dir = dir
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("git fast-import: %w", err)
	}
	w := bufio.NewWriterSize(stdin, 1<<20)
	zeros := make([]byte, 1<<20)
	fmt.Fprintf(w, "blob\nmark :1\ndata %d\n", size)
	for left := size; left > 0; left -= int64(len(zeros)) {
		w.Write(zeros[:min(left, int64(len(zeros)))])
	}
	fmt.Fprintf(w, "\ncommit refs/heads/main\nmark :2\ncommitter hostile <hostile@example.invalid> 1700000000 +0000\ndata 5\nbomb\n")
	for i := range n {
		fmt.Fprintf(w, "M 100644 :1 zero-%c%c.bin\n", byte('a'+i/26), byte('a'+i%26))
	}
	fmt.Fprintf(w, "\nreset refs/tags/%s\nfrom :2\n\n", tag)
	werr := w.Flush()
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		return "", fmt.Errorf("git fast-import: %w: %s", err, stderr.String())
	}
	if werr != nil {
		return "", fmt.Errorf("git fast-import: %w", werr)
	}
	if err := exec.CommandContext(ctx, "git", "-C", dir, "config", "pack.window", "0").Run(); err != nil {
		return "", fmt.Errorf("git config: %w", err)
	}
	out, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "refs/tags/"+tag).Output()
	if err != nil {
		return "", fmt.Errorf("git rev-parse %s: %w", tag, err)
	}
	return strings.TrimSpace(string(out)), nil
}
