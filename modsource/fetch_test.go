package modsource

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var moduleFiles = map[string]string{
	"main.tf":               "variable \"x\" {}\n",
	"README.md":             "# M\n",
	"modules/net/main.tf":   "output \"y\" { value = 1 }\n",
	"scripts/run.sh*":       "#!/bin/sh\necho never executed\n",
	"passwd-link.md":        "symlink:/etc/passwd",
	"docs/inner-link.md":    "symlink:../README.md",
	"examples/basic/ex.tf":  "module \"m\" { source = \"../..\" }\n",
	"deep/a/b/c/d/e/f.txt":  "deep\n",
	".github/workflow.yml":  "on: push\n",
	"space in name/file.tf": "# ok\n",
}

func TestFetchWritesTheCommitTree(t *testing.T) {
	g := newGitServer(t)
	url, _, commit := g.repo(t, "acme/m.git", "v1.0.0", moduleFiles)
	tmp := t.TempDir()
	co, err := Fetch(context.Background(), Request{URL: url, Tag: "v1.0.0", Commit: commit, TempDir: tmp}, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if co.Commit != commit {
		t.Errorf("commit = %s, want %s", co.Commit, commit)
	}
	var got []string
	err = filepath.WalkDir(co.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(co.Dir, p)
		if d.Type()&fs.ModeSymlink != 0 || !(d.Type().IsRegular() || d.IsDir()) {
			t.Errorf("%s: not a regular file or folder (%v)", rel, d.Type())
		}
		if d.Type().IsRegular() {
			info, _ := d.Info()
			if strings.HasPrefix(rel, "scripts/") != (info.Mode().Perm() == 0o755) {
				t.Errorf("%s: mode %v", rel, info.Mode())
			}
			got = append(got, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for p, c := range moduleFiles {
		if !strings.HasPrefix(c, "symlink:") {
			want = append(want, strings.TrimSuffix(p, "*"))
		}
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("files = %q\nwant %q", got, want)
	}
	if !slices.Equal(co.Skipped, []string{"docs/inner-link.md", "passwd-link.md"}) {
		t.Errorf("skipped = %q", co.Skipped)
	}
	if co.Files != len(want) {
		t.Errorf("Files = %d, want %d", co.Files, len(want))
	}
	b, err := fs.ReadFile(co.FS(), "modules/net/main.tf")
	if err != nil || string(b) != moduleFiles["modules/net/main.tf"] {
		t.Errorf("modules/net/main.tf = %q, %v", b, err)
	}
	if err := co.Close(); err != nil {
		t.Fatal(err)
	}
	assertEmpty(t, tmp)
}

func assertEmpty(t *testing.T, dir string) {
	t.Helper()
	left, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) > 0 {
		t.Errorf("%s not cleaned up: %v", dir, left)
	}
}

func TestFetchRefs(t *testing.T) {
	g := newGitServer(t)
	url, bare, a := g.repo(t, "acme/r.git", "v1.0.0", map[string]string{"main.tf": "# A\n"})
	runGit(t, bare, "tag", "v1.0.1", a) // lightweight
	// A second commit, B, pushed from a fresh clone; v1.1.0 points at it.
	work := t.TempDir()
	runGit(t, work, "clone", "-q", bare, ".")
	writeTree(t, work, map[string]string{"main.tf": "# B\n"})
	runGit(t, work, "commit", "-q", "-am", "B")
	b := runGit(t, work, "rev-parse", "HEAD")
	runGit(t, work, "tag", "-a", "v1.1.0", "-m", "1.1.0")
	runGit(t, work, "push", "-q", "origin", "main", "v1.1.0")
	allow := func(v bool) {
		s := "false"
		if v {
			s = "true"
		}
		runGit(t, bare, "config", "uploadpack.allowReachableSHA1InWant", s)
	}
	cases := []struct {
		name       string
		req        Request
		allowSHA   bool
		wantCommit string
		wantErr    string
		gone       bool
	}{
		{"annotated tag, commit checked", Request{Tag: "v1.0.0", Commit: a}, false, a, "", false},
		{"lightweight tag", Request{Tag: "v1.0.1"}, false, a, "", false},
		{"annotated tag, no commit known", Request{Tag: "v1.1.0"}, false, b, "", false},
		{"commit only", Request{Commit: b}, true, b, "", false},
		{"moved tag: the recorded commit wins", Request{Tag: "v1.1.0", Commit: a}, true, a, "", false},
		{"moved tag, server refuses commits", Request{Tag: "v1.1.0", Commit: a}, false, "", "tag v1.1.0 now points at " + b, true},
		{"deleted tag, commit fetched", Request{Tag: "v9.9.9", Commit: b}, true, b, "", false},
		{"deleted tag, no commit", Request{Tag: "v9.9.9"}, false, "", "tag v9.9.9 not found", true},
		{"unknown commit", Request{Commit: strings.Repeat("ab", 20)}, true, "", "not our ref", true},
		{"short commit refused", Request{Commit: a[:12]}, true, "", "not a full lower-case hex hash", false},
		{"refspec injection refused", Request{Tag: "v1:refs/heads/x"}, true, "", "not a usable ref name", false},
		{"nothing asked", Request{}, true, "", "neither tag nor commit", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			allow(c.allowSHA)
			c.req.URL = url
			co, err := Fetch(context.Background(), c.req, Limits{})
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("Fetch = %v, want error containing %q", err, c.wantErr)
				}
				if errors.Is(err, ErrSourceGone) != c.gone {
					t.Errorf("errors.Is(err, ErrSourceGone) = %v, want %v", !c.gone, c.gone)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer co.Close()
			if co.Commit != c.wantCommit {
				t.Errorf("commit = %s, want %s", co.Commit, c.wantCommit)
			}
			want := map[string]string{a: "# A\n", b: "# B\n"}[c.wantCommit]
			if got, _ := os.ReadFile(filepath.Join(co.Dir, "main.tf")); string(got) != want {
				t.Errorf("main.tf = %q, want %q", got, want)
			}
		})
	}
}

func TestFetchErrorsOutsideTheRepository(t *testing.T) {
	g := newGitServer(t)
	url, _, _ := g.repo(t, "acme/x.git", "v1.0.0", map[string]string{"main.tf": "# A\n"})
	ctx := context.Background()
	_, err := Fetch(ctx, Request{URL: url + "-missing", Tag: "v1.0.0"}, Limits{})
	if !errors.Is(err, ErrSourceGone) {
		t.Errorf("missing repository: %v, want ErrSourceGone", err)
	}
	// A server that does not answer is worth a retry, not a record.
	_, err = Fetch(ctx, Request{URL: "http://127.0.0.1:1/x.git", Tag: "v1.0.0"}, Limits{})
	if err == nil || errors.Is(err, ErrSourceGone) || IsLimit(err) {
		t.Errorf("unreachable server: %v, want a transient error", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Fetch(cctx, Request{URL: url, Tag: "v1.0.0"}, Limits{}); err == nil || IsLimit(err) {
		t.Errorf("Fetch with a cancelled context: %v, want the cancellation", err)
	}
}

// Each limit refuses a commit over it with a *LimitError, and leaves
// nothing behind.
func TestFetchLimits(t *testing.T) {
	g := newGitServer(t)
	files := map[string]string{"a.tf": strings.Repeat("a", 3000), "b.tf": strings.Repeat("b", 3000), "c.tf": "c"}
	url, _, commit := g.repo(t, "acme/l.git", "v1.0.0", files)
	cases := []struct {
		name string
		lim  Limits
		want string
	}{
		{"file size", Limits{MaxFileBytes: 2000}, "exceeds the limit of 2000 bytes"},
		{"total size", Limits{MaxTotalBytes: 5000}, "exceeds the limit of 5000 bytes"},
		{"file count", Limits{MaxFiles: 2}, "the number of files exceeds the limit of 2 files"},
		{"object count", Limits{MaxObjects: 3}, "object count: 6 objects exceeds the limit of 3 objects"},
		{"pack size", Limits{MaxPackBytes: 100}, "the pack downloaded exceeds the limit of 100 bytes"},
		{"time box", Limits{Timeout: time.Nanosecond}, "fetching and writing the source exceeds the limit"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tmp := t.TempDir()
			_, err := Fetch(context.Background(), Request{URL: url, Tag: "v1.0.0", Commit: commit, TempDir: tmp}, c.lim)
			if !IsLimit(err) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Fetch = %v, want a LimitError containing %q", err, c.want)
			}
			if errors.Is(err, ErrSourceGone) {
				t.Error("a limit is not a gone source")
			}
			assertEmpty(t, tmp)
		})
	}
	co, err := Fetch(context.Background(), Request{URL: url, Tag: "v1.0.0", Commit: commit}, Limits{MaxFileBytes: 3000, MaxTotalBytes: 7000, MaxFiles: 3})
	if err != nil {
		t.Fatalf("at the limits: %v", err)
	}
	co.Close()
}
