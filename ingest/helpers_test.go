package ingest

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regen-registry/regen/internal/ghtest"
	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/regdata/events"
)

// env is one test's loopback GitHub, data folder and clock.
type env struct {
	t    *testing.T
	srv  *ghtest.Server
	data string
	dir  regdata.Dir

	mu  sync.Mutex
	now time.Time
}

func newEnv(t *testing.T, opts ...ghtest.Option) *env {
	t.Helper()
	data := t.TempDir()
	return &env{
		t:    t,
		srv:  ghtest.New(t, opts...),
		data: data,
		dir:  regdata.Dir{Root: data},
		now:  time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC),
	}
}

// clock returns the test's current time.
func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

// advance moves the clock on.
func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = e.now.Add(d)
}

// options returns Options pointing at the loopback server.
func (e *env) options() Options {
	return Options{
		Data:         e.data,
		Jobs:         4,
		GitHubURL:    e.srv.URL,
		GitHubAPIURL: e.srv.APIURL(),
		Rate:         -1,
		TempDir:      e.t.TempDir(),
		Now:          e.clock,
		Logger:       slog.New(slog.NewTextHandler(testWriter{e.t}, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
}

// run ingests with the options changed by mods and fails the test on a
// run error (not on entry failures).
func (e *env) run(mods ...func(*Options)) *Summary {
	e.t.Helper()
	o := e.options()
	for _, m := range mods {
		m(&o)
	}
	sum, err := Run(context.Background(), o)
	if err != nil {
		e.t.Fatalf("Run: %v", err)
	}
	return sum
}

// writeKey publishes key as a namespace key in keys/<c>/<ns>/.
func (e *env) writeKey(ns string, key *ghtest.Key) {
	e.t.Helper()
	p := filepath.Join(e.data, "keys", strings.ToLower(ns[:1]), strings.ToLower(ns), key.KeyID()+".asc")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(key.Armored()), 0o644); err != nil {
		e.t.Fatal(err)
	}
}

// provider writes an empty provider file.
func (e *env) provider(ns, typ string) regdata.ProviderAddr {
	e.t.Helper()
	a := regdata.ProviderAddr{Namespace: ns, Type: typ}
	if err := e.dir.WriteProvider(a, &regdata.ProviderFile{}); err != nil {
		e.t.Fatal(err)
	}
	return a
}

// module writes an empty module file.
func (e *env) module(ns, name, system string) regdata.ModuleAddr {
	e.t.Helper()
	a := regdata.ModuleAddr{Namespace: ns, Name: name, System: system}
	if err := e.dir.WriteModule(a, &regdata.ModuleFile{}); err != nil {
		e.t.Fatal(err)
	}
	return a
}

func (e *env) readProvider(a regdata.ProviderAddr) *regdata.ProviderFile {
	e.t.Helper()
	f, err := e.dir.ReadProvider(a)
	if err != nil {
		e.t.Fatal(err)
	}
	return f
}

func (e *env) readModule(a regdata.ModuleAddr) *regdata.ModuleFile {
	e.t.Helper()
	f, err := e.dir.ReadModule(a)
	if err != nil {
		e.t.Fatal(err)
	}
	return f
}

// events returns the event log, failing on bad lines.
func (e *env) events() []events.Event {
	e.t.Helper()
	evs, bad, err := events.Read(e.data)
	if err != nil || len(bad) > 0 {
		e.t.Fatalf("reading events: %v %v", err, bad)
	}
	return evs
}

// versions lists a provider file's versions, newest first.
func providerVersions(f *regdata.ProviderFile) []string {
	data, _ := f.Encode()
	g, _ := regdata.ParseProviderFile(data)
	var out []string
	for _, v := range g.Versions {
		out = append(out, v.Version)
	}
	return out
}

func moduleVersions(f *regdata.ModuleFile) []string {
	data, _ := f.Encode()
	g, _ := regdata.ParseModuleFile(data)
	var out []string
	for _, v := range g.Versions {
		out = append(out, v.Version)
	}
	return out
}

// mustNoFailures fails the test when the summary has failures.
func mustNoFailures(t *testing.T, s *Summary) {
	t.Helper()
	if len(s.Failures) > 0 {
		t.Fatalf("unexpected failures: %+v", s.Failures)
	}
}

// testWriter sends log lines to t.Log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// checkUnknownPaths fails the test if the server saw requests for things
// it does not have, other than paths containing one of the allowed
// substrings (assets regen looks for that a release may lack).
func checkUnknownPaths(t *testing.T, srv *ghtest.Server, allowed ...string) {
	t.Helper()
	for _, p := range srv.UnknownPaths() {
		ok := false
		for _, a := range allowed {
			ok = ok || strings.Contains(p, a)
		}
		if !ok {
			t.Errorf("request for unknown path %s", p)
		}
	}
}

func removeFile(root, rel string) error {
	return os.Remove(filepath.Join(root, filepath.FromSlash(rel)))
}
