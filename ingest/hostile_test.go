package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/regen-registry/regen/internal/ghtest"
	"github.com/regen-registry/regen/internal/hostile"
	"github.com/regen-registry/regen/regdata"
)

// Limits every case of the hostile-publisher corpus must stay under.
const (
	corpusMaxRSSMB = 256
	corpusMaxCPU   = 30 * time.Second
	corpusMaxWall  = 120 * time.Second
)

// corpusChild is what a child process runs: an ingest (or an add key) of
// a copy of the corpus's data folder against the parent's loopback GitHub.
type corpusChild struct {
	Mode      string   // "ingest" or "addkey"
	Data      string   // the data folder
	GitHub    string   // web URL
	API       string   // API URL
	Only      []string // ingest: the entries
	KeyFile   string   // addkey: the key file
	Out       string   // where the child writes its result (JSON)
	TempDir   string
	DocsDir   string
	KeyTarget string
}

// corpusResult is what the child reports.
type corpusResult struct {
	Summary *Summary `json:"summary,omitempty"`
	Error   string   `json:"error,omitempty"`
}

// TestHostileCorpus runs ingest over what hostile publishers publish (issue
// 10): a zip bomb, a key block holding two keys, a provider and a module
// with 10,000 tags, a git bomb. Each case runs in a child process whose
// peak RSS (rusage maxrss) and CPU time are measured; a last child ingests
// everything together with a good provider and a good module, which get
// their new versions. The corpus is made when the test runs (nothing
// large is committed).
func TestHostileCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a corpus of bombs and runs six child processes")
	}
	srv := ghtest.New(t)
	key := ghtest.NewKeyEd25519(t, "Acme")
	intruder := ghtest.NewKeyEd25519(t, "Intruder")
	linux := ghtest.Platform{OS: "linux", Arch: "amd64"}

	// A good provider and module, which must publish whatever else
	// happens in the run.
	srv.AddProviderRelease("acme", "terraform-provider-good", ghtest.ProviderRelease{Type: "good", Version: "1.0.0", Key: key})
	good := srv.NewRepo("acme", "terraform-aws-good")
	good.Tag("v1.0.0", good.Commit(vpcModule, "good"))

	// Zip bomb: 1.3 MB whose 20,000 entries share 256 MiB of zeros
	// (~5 TiB uncompressed).
	bomb, err := hostile.OverlappingZip(20000, 256<<20)
	if err != nil {
		t.Fatal(err)
	}
	srv.AddProviderRelease("acme", "terraform-provider-bomb", ghtest.ProviderRelease{
		Type: "bomb", Version: "1.0.0", Key: key, PackageZips: map[ghtest.Platform][]byte{linux: bomb},
	})

	// 10,000 tags: a provider (one real release, the newest) and a module.
	tags := make([]string, 10000)
	for i := range tags {
		tags[i] = fmt.Sprintf("v0.%d.%d", i/100, i%100)
	}
	manyP := srv.NewRepo("acme", "terraform-provider-many")
	manyP.TagMany(manyP.Commit(map[string]string{"README.md": "many"}, "many"), tags...)
	srv.AddProviderRelease("acme", "terraform-provider-many", ghtest.ProviderRelease{Type: "many", Version: "2.0.0", Key: key})
	manyM := srv.NewRepo("acme", "terraform-aws-many")
	manyM.TagMany(manyM.Commit(vpcModule, "many"), tags...)

	// Git bomb: 12 zero-filled 50 MB files in a pack of a few MB.
	gb := srv.NewRepo("acme", "terraform-aws-gitbomb")
	if _, err := hostile.GitBomb(t.Context(), gb.Dir(), 12, 50<<20, "v1.0.0"); err != nil {
		t.Fatal(err)
	}

	// Key block with two keys: the intruder's first, then the owner's
	// (which verifies the latest release).
	block, err := hostile.OneBlock(intruder.Armored(), key.Armored())
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "smuggled.asc")
	if err := os.WriteFile(keyFile, []byte(block), 0o644); err != nil {
		t.Fatal(err)
	}

	// The data folder every case starts from.
	seed := t.TempDir()
	d := regdata.Dir{Root: seed}
	kp := filepath.Join(seed, "keys", "a", "acme", key.KeyID()+".asc")
	if err := os.MkdirAll(filepath.Dir(kp), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kp, []byte(key.Armored()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{"good", "bomb", "many"} {
		if err := d.WriteProvider(regdata.ProviderAddr{Namespace: "acme", Type: typ}, &regdata.ProviderFile{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"good", "many", "gitbomb"} {
		if err := d.WriteModule(regdata.ModuleAddr{Namespace: "acme", Name: name, System: "aws"}, &regdata.ModuleFile{}); err != nil {
			t.Fatal(err)
		}
	}

	failure := func(s *Summary, entry string) string {
		for _, f := range s.Failures {
			if f.Entry == entry {
				return f.Error
			}
		}
		return ""
	}
	newVersions := func(s *Summary, entry string) []string {
		var out []string
		for _, c := range s.NewVersions {
			if c.Entry == entry {
				out = append(out, c.Version)
			}
		}
		return out
	}
	docsWarning := func(s *Summary, entry string) string {
		for _, w := range s.Warnings {
			if w.Entry == entry && strings.Contains(w.Message, "doc") {
				return w.Message
			}
		}
		return ""
	}
	checkBomb := func(t *testing.T, s *Summary) {
		if e := failure(s, "provider acme/bomb"); !strings.Contains(e, "package refused") {
			t.Errorf("zip bomb: failure %q, want the package refused", e)
		}
		if v := newVersions(s, "provider acme/bomb"); len(v) != 0 {
			t.Errorf("zip bomb published %v", v)
		}
	}
	checkManyProvider := func(t *testing.T, s *Summary) {
		if v := newVersions(s, "provider acme/many"); !slices.Equal(v, []string{"2.0.0"}) {
			t.Errorf("10,000 tags: provider new versions %v, want the newest release, 2.0.0", v)
		}
	}
	checkManyModule := func(t *testing.T, s *Summary) {
		if v := newVersions(s, "module acme/many/aws"); len(v) != DefaultMaxNewVersions || !slices.Contains(v, "v0.99.99") {
			t.Errorf("10,000 tags: module added %d versions, want the newest %d", len(v), DefaultMaxNewVersions)
		}
	}
	checkGitBomb := func(t *testing.T, s *Summary) {
		if v := newVersions(s, "module acme/gitbomb/aws"); !slices.Equal(v, []string{"v1.0.0"}) {
			t.Errorf("git bomb: new versions %v, want v1.0.0 published without docs", v)
		}
		if w := docsWarning(s, "module acme/gitbomb/aws"); !strings.Contains(w, "limit") {
			t.Errorf("git bomb: docs warning %q, want the limit named", w)
		}
	}
	cases := []struct {
		name  string
		child corpusChild
		check func(t *testing.T, r corpusResult)
	}{
		{"zip bomb", corpusChild{Mode: "ingest", Only: []string{"acme/bomb"}}, func(t *testing.T, r corpusResult) { checkBomb(t, r.Summary) }},
		{"key block with two keys", corpusChild{Mode: "addkey", KeyFile: keyFile, KeyTarget: "acme/good"}, func(t *testing.T, r corpusResult) {
			if !strings.Contains(r.Error, "holds 2 keys ("+intruder.KeyID()+", "+key.KeyID()+")") {
				t.Errorf("add key: %q, want a refusal naming both keys", r.Error)
			}
		}},
		{"provider with 10,000 tags", corpusChild{Mode: "ingest", Only: []string{"acme/many"}}, func(t *testing.T, r corpusResult) {
			checkManyProvider(t, r.Summary)
			if r.Summary.Postponed != 10001-DefaultMaxNewVersions {
				t.Errorf("postponed %d, want %d", r.Summary.Postponed, 10001-DefaultMaxNewVersions)
			}
		}},
		{"module with 10,000 tags", corpusChild{Mode: "ingest", Only: []string{"acme/many/aws"}}, func(t *testing.T, r corpusResult) {
			checkManyModule(t, r.Summary)
			if r.Summary.Postponed != 10000-DefaultMaxNewVersions {
				t.Errorf("postponed %d, want %d", r.Summary.Postponed, 10000-DefaultMaxNewVersions)
			}
		}},
		{"git bomb", corpusChild{Mode: "ingest", Only: []string{"acme/gitbomb/aws"}}, func(t *testing.T, r corpusResult) { checkGitBomb(t, r.Summary) }},
		{"everything in one run", corpusChild{Mode: "ingest"}, func(t *testing.T, r corpusResult) {
			s := r.Summary
			if v := newVersions(s, "provider acme/good"); !slices.Equal(v, []string{"1.0.0"}) {
				t.Errorf("good provider: new versions %v", v)
			}
			if v := newVersions(s, "module acme/good/aws"); !slices.Equal(v, []string{"v1.0.0"}) {
				t.Errorf("good module: new versions %v", v)
			}
			if w := docsWarning(s, "module acme/good/aws"); w != "" {
				t.Errorf("good module: %s", w)
			}
			checkBomb(t, s)
			checkManyProvider(t, s)
			checkManyModule(t, s)
			checkGitBomb(t, s)
		}},
	}
	// The children run at once: each is measured on its own (rusage of its
	// process), and the wall time of the test is the longest case's.
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			c.child.Data = filepath.Join(dir, "data")
			if err := os.CopyFS(c.child.Data, os.DirFS(seed)); err != nil {
				t.Fatal(err)
			}
			c.child.GitHub, c.child.API = srv.URL, srv.APIURL()
			c.child.Out = filepath.Join(dir, "result.json")
			c.child.TempDir = filepath.Join(dir, "tmp")
			c.child.DocsDir = filepath.Join(dir, "docs")
			if err := os.Mkdir(c.child.TempDir, 0o755); err != nil {
				t.Fatal(err)
			}
			cfg, _ := json.Marshal(c.child)
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestHostileCorpusChild$")
			cmd.Env = append(os.Environ(), "REGEN_HOSTILE_CHILD="+string(cfg))
			start := time.Now()
			out, err := cmd.CombinedOutput()
			wall := time.Since(start)
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss / 1024 // KiB on Linux
			cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
			t.Logf("%s: %v wall, %v CPU, peak RSS %d MB", c.name, wall.Round(time.Millisecond), cpu.Round(time.Millisecond), rss)
			if rss >= corpusMaxRSSMB {
				t.Errorf("peak RSS %d MB, want under %d MB", rss, corpusMaxRSSMB)
			}
			if cpu > corpusMaxCPU || wall > corpusMaxWall {
				t.Errorf("took %v CPU, %v wall; want under %v and %v", cpu, wall, corpusMaxCPU, corpusMaxWall)
			}
			b, err := os.ReadFile(c.child.Out)
			if err != nil {
				t.Fatalf("child wrote no result: %v\n%s", err, out)
			}
			var r corpusResult
			if err := json.Unmarshal(b, &r); err != nil {
				t.Fatal(err)
			}
			if c.child.Mode == "ingest" && r.Summary == nil {
				t.Fatalf("no summary: %s", b)
			}
			c.check(t, r)
		})
	}
}

// TestHostileCorpusChild is the child process of TestHostileCorpus; it
// does nothing in a normal run.
func TestHostileCorpusChild(t *testing.T) {
	env := os.Getenv("REGEN_HOSTILE_CHILD")
	if env == "" {
		t.Skip("run by TestHostileCorpus")
	}
	var c corpusChild
	if err := json.Unmarshal([]byte(env), &c); err != nil {
		t.Fatal(err)
	}
	o := Options{
		Data: c.Data, GitHubURL: c.GitHub, GitHubAPIURL: c.API, Rate: -1, Jobs: 4,
		Only: c.Only, TempDir: c.TempDir,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Docs:   &DocsOptions{Dir: c.DocsDir},
	}
	var r corpusResult
	switch c.Mode {
	case "ingest":
		sum, err := Run(context.Background(), o)
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		r.Summary = sum
	case "addkey":
		_, err := AddKey(context.Background(), o, c.KeyTarget, c.KeyFile)
		if err == nil {
			err = errors.New("accepted")
		}
		r.Error = err.Error()
	default:
		t.Fatalf("mode %q", c.Mode)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.Out, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
