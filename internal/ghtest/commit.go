package ghtest

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// AuthorName and AuthorEmail sign every commit and annotated tag.
const (
	AuthorName  = "ghtest"
	AuthorEmail = "ghtest@example.test"
)

// Commit adds files (slash-separated path → content) to the tree of the
// default branch's head, replacing files with the same path and keeping
// the others, commits it with msg on the default branch and returns the
// commit id. Content starting with "#!" is stored executable.
func (r *Repo) Commit(files map[string]string, msg string) string {
	r.s.t.Helper()
	return r.commit(files, msg, false)
}

// Snapshot commits exactly files as the whole tree (files not listed are
// removed) on the default branch and returns the commit id.
func (r *Repo) Snapshot(files map[string]string, msg string) string {
	r.s.t.Helper()
	return r.commit(files, msg, true)
}

func (r *Repo) commit(files map[string]string, msg string, replace bool) string {
	r.s.t.Helper()
	r.gitMu.Lock()
	defer r.gitMu.Unlock()
	r.s.mu.Lock()
	defer r.s.mu.Unlock()

	tree := maps.Clone(files)
	if !replace {
		tree = maps.Clone(r.files)
		maps.Copy(tree, files)
	}
	st := r.git.Storer
	treeHash, err := storeTree(st, tree)
	if err != nil {
		r.s.t.Fatalf("ghtest: committing to %s: %v", r.FullName(), err)
	}
	sig := object.Signature{Name: AuthorName, Email: AuthorEmail, When: r.clock()}
	c := &object.Commit{
		Author:    sig,
		Committer: sig,
		Message:   withNewline(msg),
		TreeHash:  treeHash,
	}
	if !r.head.IsZero() {
		c.ParentHashes = []plumbing.Hash{r.head}
	}
	h, err := storeObject(st, c)
	if err != nil {
		r.s.t.Fatalf("ghtest: committing to %s: %v", r.FullName(), err)
	}
	if err := st.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName(DefaultBranch), h)); err != nil {
		r.s.t.Fatalf("ghtest: updating %s in %s: %v", DefaultBranch, r.FullName(), err)
	}
	r.head = h
	r.files = tree
	return h.String()
}

// withNewline ends msg with a newline, as git does.
func withNewline(msg string) string {
	if !strings.HasSuffix(msg, "\n") {
		return msg + "\n"
	}
	return msg
}

// Tag creates the lightweight tag name on commit ("" means the head of the
// default branch). It fails the test if the tag exists; use MoveTag.
func (r *Repo) Tag(name, commit string) {
	r.s.t.Helper()
	r.setTag(name, commit, false, "", false)
}

// AnnotatedTag creates the annotated tag name on commit ("" means the
// head) with message msg and returns the tag object's id. ls-remote shows
// refs/tags/name as the tag object and refs/tags/name^{} as the commit.
func (r *Repo) AnnotatedTag(name, commit, msg string) string {
	r.s.t.Helper()
	return r.setTag(name, commit, true, msg, false)
}

// MoveTag points an existing tag at commit, keeping its kind (an annotated
// tag gets a new tag object with the same message) and returns the new
// value of refs/tags/name. It fails the test if the tag does not exist.
func (r *Repo) MoveTag(name, commit string) string {
	r.s.t.Helper()
	for _, t := range r.Tags() {
		if t.Name == name {
			return r.setTag(name, commit, t.Annotated, t.Message, true)
		}
	}
	r.s.t.Fatalf("ghtest: moving tag %s in %s: no such tag", name, r.FullName())
	return ""
}

// DeleteTag removes the tag. It fails the test if the tag does not exist.
func (r *Repo) DeleteTag(name string) {
	r.s.t.Helper()
	r.gitMu.Lock()
	defer r.gitMu.Unlock()
	refName := plumbing.NewTagReferenceName(name)
	if _, err := r.git.Storer.Reference(refName); err != nil {
		r.s.t.Fatalf("ghtest: deleting tag %s in %s: %v", name, r.FullName(), err)
	}
	if err := r.git.Storer.RemoveReference(refName); err != nil {
		r.s.t.Fatalf("ghtest: deleting tag %s in %s: %v", name, r.FullName(), err)
	}
}

// setTag writes refs/tags/name and returns its new value.
func (r *Repo) setTag(name, commit string, annotated bool, msg string, move bool) string {
	r.s.t.Helper()
	r.gitMu.Lock()
	defer r.gitMu.Unlock()
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	h, err := r.tagLocked(name, commit, annotated, msg, move, time.Time{})
	if err != nil {
		r.s.t.Fatalf("ghtest: tagging %s in %s: %v", name, r.FullName(), err)
	}
	return h
}

// tagLocked writes refs/tags/name; callers hold gitMu and Server.mu. A zero
// when takes the repository clock.
func (r *Repo) tagLocked(name, commit string, annotated bool, msg string, move bool, when time.Time) (string, error) {
	refName := plumbing.NewTagReferenceName(name)
	if err := refName.Validate(); err != nil {
		return "", fmt.Errorf("invalid tag name %q: %w", name, err)
	}
	_, err := r.git.Storer.Reference(refName)
	switch {
	case err == nil && !move:
		return "", fmt.Errorf("tag %s already exists (use MoveTag)", name)
	case err != nil && move:
		return "", fmt.Errorf("tag %s does not exist: %w", name, err)
	}
	target, err := r.resolveCommit(commit)
	if err != nil {
		return "", err
	}
	h := target
	if annotated {
		if when.IsZero() {
			when = r.clock()
		}
		t := &object.Tag{
			Name:       name,
			Tagger:     object.Signature{Name: AuthorName, Email: AuthorEmail, When: when},
			Message:    withNewline(msg),
			TargetType: plumbing.CommitObject,
			Target:     target,
		}
		if h, err = storeObject(r.git.Storer, t); err != nil {
			return "", err
		}
	}
	if err := r.git.Storer.SetReference(plumbing.NewHashReference(refName, h)); err != nil {
		return "", fmt.Errorf("writing %s: %w", refName, err)
	}
	return h.String(), nil
}

// resolveCommit checks that sha names a commit ("" is the head).
func (r *Repo) resolveCommit(sha string) (plumbing.Hash, error) {
	if sha == "" {
		if r.head.IsZero() {
			return plumbing.ZeroHash, fmt.Errorf("repository has no commits yet")
		}
		return r.head, nil
	}
	h := plumbing.NewHash(sha)
	if h.String() != strings.ToLower(sha) {
		return plumbing.ZeroHash, fmt.Errorf("%q is not a full commit id", sha)
	}
	if _, err := r.git.CommitObject(h); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("commit %s: %w", sha, err)
	}
	return h, nil
}

// TagInfo describes one tag as git holds it.
type TagInfo struct {
	Name string
	// Object is the value of refs/tags/Name: the tag object for an
	// annotated tag, the commit for a lightweight one.
	Object string
	// Commit is the peeled commit.
	Commit    string
	Annotated bool
	// Message is the annotated tag's message ("" for lightweight tags).
	Message string
	// Date is the tagger date, or the commit date for a lightweight tag.
	Date time.Time
	// Author is the tagger's or the commit author's name.
	Author string
}

// Tags lists the repository's tags, sorted by name.
func (r *Repo) Tags() []TagInfo {
	r.s.t.Helper()
	r.gitMu.RLock()
	defer r.gitMu.RUnlock()
	tags, err := r.tagsLocked()
	if err != nil {
		r.s.t.Fatalf("ghtest: listing tags of %s: %v", r.FullName(), err)
	}
	return tags
}

// tagsLocked reads every tag; callers hold gitMu.
func (r *Repo) tagsLocked() ([]TagInfo, error) {
	iter, err := r.git.Storer.IterReferences()
	if err != nil {
		return nil, fmt.Errorf("listing references: %w", err)
	}
	defer iter.Close()
	var out []TagInfo
	err = iter.ForEach(func(ref *plumbing.Reference) error {
		if !ref.Name().IsTag() || ref.Type() != plumbing.HashReference {
			return nil
		}
		info := TagInfo{Name: strings.TrimPrefix(ref.Name().String(), "refs/tags/"), Object: ref.Hash().String()}
		target := ref.Hash()
		if t, err := object.GetTag(r.git.Storer, ref.Hash()); err == nil {
			info.Annotated = true
			info.Message = t.Message
			info.Date = t.Tagger.When
			info.Author = t.Tagger.Name
			target = t.Target
		}
		c, err := r.git.CommitObject(target)
		if err != nil {
			return fmt.Errorf("peeling %s: %w", ref.Name(), err)
		}
		info.Commit = c.Hash.String()
		if !info.Annotated {
			info.Date = c.Committer.When
			info.Author = c.Author.Name
		}
		out = append(out, info)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// TagCommit returns the commit tag name peels to, or "" if there is no such
// tag.
func (r *Repo) TagCommit(name string) string {
	for _, t := range r.Tags() {
		if t.Name == name {
			return t.Commit
		}
	}
	return ""
}

// TagMany creates lightweight tags, all on commit ("" means the head), in
// one write of the repository's packed-refs file: thousands of tags in
// milliseconds, for tests of repositories with very many tags. It fails
// the test if a tag exists.
func (r *Repo) TagMany(commit string, names ...string) {
	r.s.t.Helper()
	r.gitMu.Lock()
	defer r.gitMu.Unlock()
	if err := r.tagManyLocked(commit, names); err != nil {
		r.s.t.Fatalf("ghtest: tagging %d tags in %s: %v", len(names), r.FullName(), err)
	}
}

func (r *Repo) tagManyLocked(commit string, names []string) error {
	target, err := r.resolveCommit(commit)
	if err != nil {
		return err
	}
	p := filepath.Join(r.dir, "packed-refs")
	old, err := os.ReadFile(p)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	lines := map[string]string{} // ref → line
	for _, l := range strings.Split(string(old), "\n") {
		if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "^") {
			continue // peeled lines belong to annotated tags, which this never packs
		}
		if _, ref, ok := strings.Cut(l, " "); ok {
			lines[ref] = l
		}
	}
	for _, n := range names {
		ref := plumbing.NewTagReferenceName(n)
		if err := ref.Validate(); err != nil {
			return fmt.Errorf("invalid tag name %q: %w", n, err)
		}
		if _, err := r.git.Storer.Reference(ref); err == nil || lines[ref.String()] != "" {
			return fmt.Errorf("tag %s already exists", n)
		}
		lines[ref.String()] = target.String() + " " + ref.String()
	}
	var b strings.Builder
	b.WriteString("# pack-refs with: sorted \n")
	for _, ref := range slices.Sorted(maps.Keys(lines)) {
		b.WriteString(lines[ref] + "\n")
	}
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}
