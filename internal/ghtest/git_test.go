package ghtest_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"
	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/internal/ghtest"
)

// lsRemote lists a remote's references with go-git, peeled tags included.
func lsRemote(t *testing.T, url string, caBundle []byte) map[string]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rem := git.NewRemote(memory.NewStorage(), &config.RemoteConfig{Name: "origin", URLs: []string{url}})
	refs, err := rem.ListContext(ctx, &git.ListOptions{PeelingOption: git.AppendPeeled, CABundle: caBundle})
	if err != nil {
		t.Fatalf("ls-remote %s: %v", url, err)
	}
	out := map[string]string{}
	for _, r := range refs {
		switch r.Type() {
		case plumbing.HashReference:
			out[r.Name().String()] = r.Hash().String()
		case plumbing.SymbolicReference:
			out[r.Name().String()] = "-> " + r.Target().String()
		}
	}
	return out
}

// runGit runs the git CLI against srv and returns its output.
func runGit(t *testing.T, srv *ghtest.Server, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), srv.GitEnv()...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestLsRemoteShowsLightweightAndPeeledAnnotatedTags(t *testing.T) {
	srv := ghtest.New(t)
	repo := srv.NewRepo("Acme", "terraform-aws-vpc")
	c1 := repo.Commit(map[string]string{"main.tf": "# v1\n", "modules/sub/main.tf": "# sub\n"}, "first")
	c2 := repo.Commit(map[string]string{"main.tf": "# v2\n"}, "second")
	repo.Tag("v1.0.0", c1)
	tagObj := repo.AnnotatedTag("v2.0.0", c2, "Release 2.0.0\n\nWith notes.")
	if tagObj == c2 {
		t.Fatalf("annotated tag object id equals the commit id %s", c2)
	}

	want := map[string]string{
		"HEAD":                "-> refs/heads/main",
		"refs/heads/main":     c2,
		"refs/tags/v1.0.0":    c1,
		"refs/tags/v2.0.0":    tagObj,
		"refs/tags/v2.0.0^{}": c2,
	}
	for _, u := range []string{
		srv.URL + "/Acme/terraform-aws-vpc.git",
		srv.URL + "/Acme/terraform-aws-vpc",
		srv.URL + "/acme/TERRAFORM-AWS-VPC", // GitHub ignores case
	} {
		got := lsRemote(t, u, nil)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ls-remote %s (-want +got):\n%s", u, diff)
		}
	}
	if got := repo.TagCommit("v2.0.0"); got != c2 {
		t.Errorf("TagCommit(v2.0.0) = %s, want %s", got, c2)
	}
	srv.CheckNoUnknownPaths()
}

func TestMoveAndDeleteTagShowInLsRemote(t *testing.T) {
	srv := ghtest.New(t)
	repo := srv.NewRepo("acme", "mod")
	c1 := repo.Commit(map[string]string{"a.tf": "1"}, "one")
	c2 := repo.Commit(map[string]string{"a.tf": "2"}, "two")
	repo.Tag("v1.0.0", c1)
	old := repo.AnnotatedTag("v1.1.0", c1, "one-one")

	if got := repo.MoveTag("v1.0.0", c2); got != c2 {
		t.Errorf("MoveTag(lightweight) = %s, want commit %s", got, c2)
	}
	moved := repo.MoveTag("v1.1.0", c2)
	if moved == old || moved == c2 {
		t.Errorf("MoveTag(annotated) = %s, want a new tag object (old %s, commit %s)", moved, old, c2)
	}
	repo.Tag("v0.9.0", c1)
	repo.DeleteTag("v0.9.0")

	got := lsRemote(t, srv.URL+"/acme/mod.git", nil)
	want := map[string]string{
		"HEAD":                "-> refs/heads/main",
		"refs/heads/main":     c2,
		"refs/tags/v1.0.0":    c2,
		"refs/tags/v1.1.0":    moved,
		"refs/tags/v1.1.0^{}": c2,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ls-remote after move/delete (-want +got):\n%s", diff)
	}
}

func TestGitCloneBranchTagOverHTTP(t *testing.T) {
	srv := ghtest.New(t)
	repo := srv.NewRepo("acme", "terraform-null-thing")
	c1 := repo.Commit(map[string]string{"main.tf": "# one\n", "run.sh": "#!/bin/sh\necho hi\n"}, "one")
	repo.AnnotatedTag("v1.0.0", c1, "first release")
	repo.Commit(map[string]string{"main.tf": "# two\n"}, "two")

	dir := t.TempDir()
	runGit(t, srv, dir, "clone", "--quiet", "--depth", "1", "--branch", "v1.0.0", srv.URL+"/acme/terraform-null-thing", "wc")
	b, err := os.ReadFile(filepath.Join(dir, "wc", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "# one\n" {
		t.Errorf("main.tf at v1.0.0 = %q, want %q", b, "# one\n")
	}
	fi, err := os.Stat(filepath.Join(dir, "wc", "run.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&0o111 == 0 {
		t.Errorf("run.sh mode %v, want executable", fi.Mode())
	}
	if head := strings.TrimSpace(runGit(t, srv, filepath.Join(dir, "wc"), "rev-parse", "HEAD")); head != c1 {
		t.Errorf("cloned HEAD = %s, want %s", head, c1)
	}
	// ls-remote through the CLI (protocol v2) agrees on the peeled tag.
	out := runGit(t, srv, dir, "ls-remote", "--tags", srv.URL+"/acme/terraform-null-thing.git")
	if !strings.Contains(out, c1+"\trefs/tags/v1.0.0^{}") {
		t.Errorf("git ls-remote output lacks the peeled tag on %s:\n%s", c1, out)
	}
}

func TestGoGitCloneOverTLS(t *testing.T) {
	srv := ghtest.New(t, ghtest.WithTLS())
	repo := srv.NewRepo("acme", "secure")
	c := repo.Commit(map[string]string{"x.tf": "x"}, "x")
	repo.Tag("v1.0.0", c)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r, err := git.CloneContext(ctx, memory.NewStorage(), nil, &git.CloneOptions{
		URL:           repo.CloneURL(),
		ReferenceName: plumbing.NewTagReferenceName("v1.0.0"),
		SingleBranch:  true,
		CABundle:      srv.CAPEM(),
	})
	if err != nil {
		t.Fatalf("go-git clone over TLS: %v", err)
	}
	head, err := r.Head()
	if err != nil {
		t.Fatal(err)
	}
	if head.Hash().String() != c {
		t.Errorf("cloned HEAD %s, want %s", head.Hash(), c)
	}
	// The CLI trusts the server through GitEnv's GIT_SSL_CAINFO.
	out := runGit(t, srv, t.TempDir(), "ls-remote", repo.CloneURL())
	if !strings.Contains(out, c+"\trefs/tags/v1.0.0") {
		t.Errorf("git ls-remote over TLS:\n%s", out)
	}
}

func TestMissingRepoAnswersLikeGitHub(t *testing.T) {
	srv := ghtest.New(t)
	rem := git.NewRemote(memory.NewStorage(), &config.RemoteConfig{Name: "o", URLs: []string{srv.URL + "/nobody/nothing.git"}})
	_, err := rem.List(&git.ListOptions{})
	if err == nil || !strings.Contains(err.Error(), "authentication required") {
		t.Errorf("ls-remote of a missing repository: err = %v, want authentication required", err)
	}
	if got := srv.UnknownPaths(); len(got) != 1 || !strings.HasPrefix(got[0], "/nobody/nothing.git/info/refs") {
		t.Errorf("UnknownPaths = %q, want the info/refs request", got)
	}
}

func TestCommitsAreDeterministic(t *testing.T) {
	ids := func() []string {
		srv := ghtest.New(t)
		repo := srv.NewRepo("acme", "det")
		c := repo.Commit(map[string]string{"a/b/c.tf": "c", "a/d.tf": "d", "z": "z"}, "one")
		tag := repo.AnnotatedTag("v1", c, "v1")
		c2 := repo.Snapshot(map[string]string{"only.tf": "only"}, "two")
		return []string{c, tag, c2}
	}
	a, b := ids(), ids()
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("object ids differ between identical runs:\n%s", diff)
	}
}

func TestSnapshotReplacesTreeAndCommitOverlays(t *testing.T) {
	srv := ghtest.New(t)
	repo := srv.NewRepo("acme", "files")
	repo.Commit(map[string]string{"a": "1", "b": "2"}, "one")
	repo.Commit(map[string]string{"b": "3", "c/d": "4"}, "two")
	want := map[string]string{"a": "1", "b": "3", "c/d": "4"}
	if diff := cmp.Diff(want, repo.Files()); diff != "" {
		t.Errorf("after overlay (-want +got):\n%s", diff)
	}
	c := repo.Snapshot(map[string]string{"e": "5"}, "three")
	r, err := git.PlainOpen(repo.Dir())
	if err != nil {
		t.Fatal(err)
	}
	commit, err := r.CommitObject(plumbing.NewHash(c))
	if err != nil {
		t.Fatal(err)
	}
	files, err := commit.Files()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	_ = files.ForEach(func(f *object.File) error { names = append(names, f.Name); return nil })
	sort.Strings(names)
	if diff := cmp.Diff([]string{"e"}, names); diff != "" {
		t.Errorf("snapshot tree (-want +got):\n%s", diff)
	}
}

// TestConcurrentClientsWhileBuilding runs clients against feeds, git and
// the API while the test keeps committing and tagging (run with -race).
func TestConcurrentClientsWhileBuilding(t *testing.T) {
	srv := ghtest.New(t)
	repo := srv.NewRepo("acme", "busy")
	repo.Tag("v0.0.0", repo.Commit(map[string]string{"a": "0"}, "zero"))
	done := make(chan struct{})
	errs := make(chan error, 3)
	for _, path := range []string{"/acme/busy/releases.atom", "/acme/busy/tags.atom", "/api/v3/orgs/acme/repos"} {
		go func() {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				resp, err := srv.Client().Get(srv.URL + path)
				if err != nil {
					errs <- err
					return
				}
				resp.Body.Close()
			}
		}()
	}
	for i := 1; i <= 5; i++ {
		c := repo.Commit(map[string]string{"a": strings.Repeat("x", i)}, "more")
		repo.AnnotatedTag("v0.0."+string(rune('0'+i)), c, "tag")
		repo.AddRelease(ghtest.Release{Tag: "v0.0." + string(rune('0'+i))})
		got := lsRemote(t, srv.URL+"/acme/busy", nil)
		if got["refs/heads/main"] != c {
			t.Errorf("round %d: main at %s, want %s", i, got["refs/heads/main"], c)
		}
	}
	close(done)
	for range 3 {
		if err := <-errs; err != nil {
			t.Errorf("client: %v", err)
		}
	}
}
