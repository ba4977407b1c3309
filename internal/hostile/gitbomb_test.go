package hostile

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/regen-registry/regen/internal/testtool"
)

// The git bomb is a real repository: its tagged commit lists the files,
// each of the size asked, and the repository stays small.
func TestGitBomb(t *testing.T) {
	testtool.Require(t, "git", "")
	dir := t.TempDir()
	if out, err := exec.Command("git", "init", "-q", "--bare", dir).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v %s", err, out)
	}
	commit, err := GitBomb(t.Context(), dir, 3, 5<<20, "v1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("git", "-C", dir, "ls-tree", "-l", commit).Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 3 {
		t.Fatalf("tree:\n%s", out)
	}
	for _, l := range lines {
		if f := strings.Fields(l); len(f) != 5 || f[3] != "5242880" {
			t.Errorf("tree entry %q, want a 5 MiB file", l)
		}
	}
}
