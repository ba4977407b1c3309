package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/regen-registry/regen/internal/ghtest"
	"github.com/regen-registry/regen/regdata"
)

// freshnessBaseURL is the registry URL of the benchmark's builds (the
// same in the seed build and the measured one, or everything rebuilds).
const freshnessBaseURL = "https://registry.example.test"

// TestFreshness is a benchmark, not a test (CI does not run it): the time
// from a new module release appearing on GitHub (the loopback one) to its
// download document being served from the bucket, through publish.yml's
// fast path: a repository_dispatch naming the entry runs the publish
// job's own steps (ingest --only, shard apply, validate --changed,
// commit --push, incremental build, upload). docs/performance.md has the
// figures and how to reproduce them:
//
//	synth -out $DIR/registry-data -scale 1.0
//	REGEN_FRESHNESS_DIR=$DIR go test ./cmd/regen -run TestFreshness -v -timeout 60m
//
// The first run prepares $DIR (a git origin holding the data folder, a
// publish workspace with a full build, the bucket seeded by regen upload
// to a folder store, file://$DIR/bucket; each stage is skipped once done);
// later runs reuse it and measure only.
func TestFreshness(t *testing.T) {
	dir := os.Getenv("REGEN_FRESHNESS_DIR")
	if dir == "" {
		t.Skip("a benchmark: set REGEN_FRESHNESS_DIR to a folder holding registry-data/ (docs/performance.md)")
	}
	raw, err := os.ReadFile("../../.github/workflows/publish.yml")
	if err != nil {
		t.Fatal(err)
	}
	bucket := filepath.Join(dir, "bucket")
	r := &pipelineRig{t: t, gh: ghtest.New(t, ghtest.WithTLS()),
		origin: filepath.Join(dir, "origin.git"), publish: filepath.Join(dir, "publish"),
		vars:    map[string]string{"REGEN_BUCKET": "file://" + bucket, "REGEN_PUBLIC_URL": freshnessBaseURL},
		secrets: map[string]string{}}
	if err := yaml.Unmarshal(raw, &r.wf); err != nil {
		t.Fatal(err)
	}
	r.bin, _ = regenOnPath(t)
	regen := func(args ...string) {
		t.Helper()
		began := time.Now()
		cmd := exec.Command(filepath.Join(r.bin, "regen"), args...)
		cmd.Dir = r.publish
		cmd.Env = r.env(r.publish, t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("regen %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		t.Logf("prepare: regen %s: %s", args[0], time.Since(began).Round(time.Millisecond))
	}
	// Preparation, resumable: each stage leaves a marker.
	stage := func(name string, do func()) {
		marker := filepath.Join(dir, ".prepared-"+name)
		if _, err := os.Stat(marker); err == nil {
			return
		}
		do()
		write(t, marker, time.Now().UTC().Format(time.RFC3339)+"\n")
	}
	stage("git", func() {
		for _, p := range []string{r.origin, r.publish} {
			if err := os.RemoveAll(p); err != nil {
				t.Fatal(err)
			}
		}
		git(t, dir, "init", "-q", "--bare", "-b", "main", r.origin)
		git(t, dir, "clone", "-q", r.origin, r.publish)
		if out, err := exec.Command("cp", "-a", filepath.Join(dir, "registry-data"), r.publish).CombinedOutput(); err != nil {
			t.Fatalf("copying the data folder: %v\n%s", err, out)
		}
		write(t, filepath.Join(r.publish, ".gitignore"), "/dist/\n/registry-docs/\n/registry-data/.regen/\n")
		git(t, r.publish, "add", "-A")
		git(t, r.publish, "commit", "-q", "-m", "seed")
		git(t, r.publish, "-c", "pack.window=0", "push", "-q", "origin", "HEAD:main")
	})
	stage("build", func() {
		regen("build", "--data", "registry-data", "--out", "dist", "--base-url", freshnessBaseURL)
	})
	stage("upload", func() {
		regen("upload", "--dir", "dist", "--to", "file://"+bucket, "--jobs", "64", "--max-delete", "-1")
	})

	// The registry's settings point at this run's loopback GitHub.
	r.checkout(r.publish, r.cachedPaths("publish", map[string]any{}))
	write(t, filepath.Join(r.publish, "regen.yaml"), "github:\n  url: "+r.gh.URL+"\n  api_url: "+r.gh.APIURL()+"\n")
	git(t, r.publish, "add", "regen.yaml")
	git(t, r.publish, "commit", "-q", "-m", "loopback GitHub")
	git(t, r.publish, "push", "-q", "origin", "HEAD:main")
	// This run's GitHub URL is in every module's download answer, so the
	// new settings rebuild everything once: bring the build and the bucket
	// up to them before the clock starts, as in a registry whose settings do
	// not change between runs (the steady state the benchmark measures).
	regen("build", "--data", "registry-data", "--out", "dist", "--base-url", freshnessBaseURL)
	regen("upload", "--dir", "dist", "--to", "file://"+bucket, "--jobs", "64", "--max-delete", "-1")

	// The entry: REGEN_FRESHNESS_ENTRY, or the data folder's first module.
	entry := os.Getenv("REGEN_FRESHNESS_ENTRY")
	if entry == "" {
		mods, _, err := regdata.Dir{Root: filepath.Join(r.publish, "registry-data")}.Modules()
		if err != nil || len(mods) == 0 {
			t.Fatalf("no module in the data folder: %v", err)
		}
		entry = mods[0].String()
	}
	addr, err := regdata.ParseModuleAddr(entry)
	if err != nil {
		t.Fatal(err)
	}
	repo := r.gh.NewRepo(addr.Namespace, addr.Repo())
	commit := repo.Commit(map[string]string{"main.tf": "variable \"region\" {\n  type = string\n}\n", "README.md": "# fresh\n"}, "release")
	version := fmt.Sprintf("99.%d.0", time.Now().Unix()%100000)
	doc := "/v1/modules/" + addr.APIPath() + "/" + version + "/download"

	site := httptest.NewServer(http.FileServer(http.Dir(bucket)))
	defer site.Close()
	served := make(chan time.Time, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			resp, err := http.Get(site.URL + doc)
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					served <- time.Now()
					return
				}
			}
		}
	}()

	// The release appears, and the module's release workflow dispatches it.
	t0 := time.Now()
	repo.Tag("v"+version, commit)
	// REGEN_FRESHNESS_NO_UPLOAD=1 stops before the upload (and reports the
	// steps before it): for a bucket too slow to seed on the machine.
	var before func(string)
	if os.Getenv("REGEN_FRESHNESS_NO_UPLOAD") != "" {
		before = func(step string) {
			if strings.HasPrefix(step, "Upload") {
				for _, st := range r.timings {
					t.Logf("  %-45s %8s", st.Step, st.Took.Round(10*time.Millisecond))
				}
				t.Logf("  %-45s %8s", "(from the tag to the upload)", time.Since(t0).Round(10*time.Millisecond))
				t.SkipNow()
			}
		}
	}
	res := r.run(map[string]any{"action": "regen-release", "client_payload": map[string]any{"entry": entry}}, before)
	mustRunOK(t, res)
	var at time.Time
	select {
	case at = <-served:
	case <-time.After(time.Minute):
		t.Fatalf("%s not served a minute after the run ended", doc)
	}

	var b strings.Builder
	fmt.Fprintf(&b, "freshness of %s v%s: %s from the tag to %s served\n", entry, version, at.Sub(t0).Round(10*time.Millisecond), doc)
	for _, st := range r.timings {
		fmt.Fprintf(&b, "  %-45s %8s\n", st.Step, st.Took.Round(10*time.Millisecond))
	}
	t.Log("\n" + b.String())
	f, err := os.OpenFile(filepath.Join(dir, "freshness.log"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err == nil {
		fmt.Fprintf(f, "%s\n%s\n", time.Now().UTC().Format(time.RFC3339), b.String())
		f.Close()
	}
}
