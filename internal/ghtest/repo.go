package ghtest

import (
	"maps"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// Epoch returns 2024-01-01T00:00:00Z, the base of every repository's
// deterministic clock. Commits, tags and releases made without an explicit
// time are one minute apart from there, so object ids, feeds and archives
// are the same on every run.
func Epoch() time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) }

// DefaultBranch is the branch Commit writes to and HEAD points at.
const DefaultBranch = "main"

// Repo is a bare git repository on disk served by the Server, with the
// GitHub metadata (releases, flags for the REST API) that goes with it.
// Builder methods fail the test on error.
type Repo struct {
	s       *Server
	owner   string // canonical case
	name    string
	id      int64
	ownerID int64
	dir     string
	git     *git.Repository

	// gitMu serialises writes to the repository against git http-backend
	// reading it. Lock order: gitMu before Server.mu.
	gitMu sync.RWMutex

	// Guarded by Server.mu.
	created     time.Time
	tick        int
	files       map[string]string // tree of the branch head
	head        plumbing.Hash
	releases    []*release
	nextSeq     int
	archived    bool
	fork        bool
	private     bool
	description string
	topics      []string
	feedFault   FeedFault
}

// NewRepo creates an empty repository owner/name (GitHub matches both
// without regard to case; the spelling given here is the canonical one
// shown in feeds and the API). It fails the test if it already exists.
func (s *Server) NewRepo(ownerName, name string) *Repo {
	s.t.Helper()
	if !validName(ownerName) || !validName(name) {
		s.t.Fatalf("ghtest: invalid repository name %q/%q", ownerName, name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key(ownerName, name)
	if _, ok := s.repos[k]; ok {
		s.t.Fatalf("ghtest: repository %s/%s already exists", ownerName, name)
	}
	o := s.owners[strings.ToLower(ownerName)]
	if o == nil {
		s.nextOwnerID++
		o = &owner{login: ownerName, id: s.nextOwnerID}
		s.owners[strings.ToLower(ownerName)] = o
	}
	dir := filepath.Join(s.root, strings.ToLower(ownerName), strings.ToLower(name)+".git")
	g, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName(DefaultBranch)},
		Bare:        true,
	})
	if err != nil {
		s.t.Fatalf("ghtest: creating repository %s: %v", dir, err)
	}
	s.nextRepoID++
	r := &Repo{
		s:       s,
		owner:   o.login,
		name:    name,
		id:      s.nextRepoID,
		ownerID: o.id,
		dir:     dir,
		git:     g,
		created: Epoch(),
		files:   map[string]string{},
	}
	s.repos[k] = r
	return r
}

// Repo returns the repository owner/name (matched without regard to case),
// or nil if there is none.
func (s *Server) Repo(ownerName, name string) *Repo { return s.lookup(ownerName, name) }

// repoOrNew returns the repository, creating it when missing.
func (s *Server) repoOrNew(ownerName, name string) *Repo {
	if r := s.lookup(ownerName, name); r != nil {
		return r
	}
	return s.NewRepo(ownerName, name)
}

// validName reports whether s is usable as a GitHub owner or repository
// name.
func validName(s string) bool {
	if s == "" || s == "." || s == ".." || strings.HasSuffix(s, ".git") {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// Owner returns the owner login as created.
func (r *Repo) Owner() string { return r.owner }

// Name returns the repository name as created.
func (r *Repo) Name() string { return r.name }

// FullName returns "owner/name".
func (r *Repo) FullName() string { return r.owner + "/" + r.name }

// ID returns the numeric repository id used in feeds and the API.
func (r *Repo) ID() int64 { return r.id }

// Dir returns the bare repository's directory on disk.
func (r *Repo) Dir() string { return r.dir }

// HTMLURL returns the web address, URL + "/owner/name".
func (r *Repo) HTMLURL() string { return r.s.URL + "/" + r.FullName() }

// CloneURL returns the git address with the .git suffix, as the API's
// clone_url gives it. The address without .git works too.
func (r *Repo) CloneURL() string { return r.HTMLURL() + ".git" }

// SetArchived sets the API's "archived" flag.
func (r *Repo) SetArchived(v bool) { r.setMeta(func() { r.archived = v }) }

// SetFork sets the API's "fork" flag.
func (r *Repo) SetFork(v bool) { r.setMeta(func() { r.fork = v }) }

// SetPrivate makes the repository private: the REST API lists it only to
// requests carrying the WithToken token. Git and feeds are still served.
func (r *Repo) SetPrivate(v bool) { r.setMeta(func() { r.private = v }) }

// SetDescription sets the API's "description".
func (r *Repo) SetDescription(d string) { r.setMeta(func() { r.description = d }) }

// SetTopics sets the API's "topics".
func (r *Repo) SetTopics(topics ...string) {
	r.setMeta(func() { r.topics = append([]string(nil), topics...) })
}

// SetFeedFault breaks (or, with FeedOK, repairs) both of the repository's
// Atom feeds.
func (r *Repo) SetFeedFault(f FeedFault) { r.setMeta(func() { r.feedFault = f }) }

// setMeta runs f under the server lock.
func (r *Repo) setMeta(f func()) {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	f()
}

// clock returns the next deterministic timestamp; callers hold Server.mu.
func (r *Repo) clock() time.Time {
	r.tick++
	return Epoch().Add(time.Duration(r.tick) * time.Minute)
}

// Now advances the repository's deterministic clock and returns it: the
// time the next default-dated commit, tag or release would get.
func (r *Repo) Now() time.Time {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	return r.clock()
}

// Head returns the commit the default branch points at ("" before the
// first commit).
func (r *Repo) Head() string {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	if r.head.IsZero() {
		return ""
	}
	return r.head.String()
}

// Files returns a copy of the files at the head of the default branch.
func (r *Repo) Files() map[string]string {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	return maps.Clone(r.files)
}
