package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"gopkg.in/yaml.v3"

	"github.com/regen-registry/regen/internal/ghtest"
	"github.com/regen-registry/regen/internal/syncbuf"
	"github.com/regen-registry/regen/internal/testtool"
	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/regdata/events"
	"github.com/regen-registry/regen/upload/s3store"
	"github.com/regen-registry/regen/upload/uploadtest"
)

// This file runs the repository's own operator pipeline,
// .github/workflows/publish.yml, locally and whole: every shard of the
// ingest matrix in its own clone of a bare origin, in parallel, against a
// loopback GitHub; then the publish job's steps in order (apply the packs,
// validate, commit and push, build, upload to a real S3 server), with the
// artifacts and caches GitHub would carry between them emulated. The step
// scripts are the workflow's own, run with bash as a runner runs them.

// publishWorkflow is the part of publish.yml the pipeline runner reads.
type publishWorkflow struct {
	Env  map[string]string `yaml:"env"`
	Jobs map[string]struct {
		If       string `yaml:"if"`
		Strategy struct {
			Matrix struct {
				Shard []string `yaml:"shard"`
			} `yaml:"matrix"`
		} `yaml:"strategy"`
		Steps []workflowStep `yaml:"steps"`
	} `yaml:"jobs"`
}

// pipelineRig is the operator's world: GitHub, the registry repository
// and the bucket.
type pipelineRig struct {
	t         *testing.T
	wf        publishWorkflow
	gh        *ghtest.Server
	origin    string
	bin       string            // regen on PATH
	shards    map[string]string // shard → its runner's workspace (kept between runs, like its caches)
	publish   string            // the publish job's workspace (what its caches restore kept)
	artifacts string            // what upload-artifact stored in the current run
	s3        *uploadtest.S3Server
	bucket    string
	proxy     *killProxy
	vars      map[string]string
	secrets   map[string]string
	// failShard makes that shard's job fail (its runner broke).
	failShard string
	// buildFetches are the git fetches each run's build step made.
	buildFetches []int
	// timings are the steps run so far, with how long each took.
	timings []stepTiming
	mu      sync.Mutex
}

// stepTiming is how long one step took.
type stepTiming struct {
	Job, Step string
	Took      time.Duration
}

// runResult is what one workflow run did, by job and step.
type runResult struct {
	steps []stepResult
	packs map[string]string // shard → pack file of the run
}

func (r *runResult) output(step string) string {
	var b strings.Builder
	for _, s := range r.steps {
		if strings.Contains(s.Name, step) {
			b.WriteString(s.Output)
		}
	}
	return b.String()
}

func (r *runResult) failed(step string) bool {
	for _, s := range r.steps {
		if strings.Contains(s.Name, step) && s.Err != nil {
			return true
		}
	}
	return false
}

// newPipelineRig reads the workflow, starts GitHub and S3, seeds the
// origin with a data folder and makes a workspace per shard.
func newPipelineRig(t *testing.T, seed func(data string)) *pipelineRig {
	t.Helper()
	testtool.Require(t, "bash", "")
	testtool.Require(t, "git", "")
	raw, err := os.ReadFile("../../.github/workflows/publish.yml")
	if err != nil {
		t.Fatal(err)
	}
	r := &pipelineRig{t: t, gh: ghtest.New(t, ghtest.WithTLS()), shards: map[string]string{}}
	if err := yaml.Unmarshal(raw, &r.wf); err != nil {
		t.Fatalf("publish.yml: %v", err)
	}
	if len(r.wf.Jobs["ingest"].Strategy.Matrix.Shard) < 3 {
		t.Fatalf("publish.yml: ingest matrix has %d shards", len(r.wf.Jobs["ingest"].Strategy.Matrix.Shard))
	}
	r.s3 = uploadtest.StartVersityGW(t)
	r.bucket = r.s3.NewBucket(t)
	r.proxy = newKillProxy(t, r.s3.Endpoint)
	r.bin, _ = regenOnPath(t)
	r.vars = map[string]string{
		"REGEN_BUCKET":      "s3://" + r.bucket,
		"REGEN_S3_ENDPOINT": r.proxy.URL,
		"REGEN_PUBLIC_URL":  "https://registry.example.test",
	}
	r.secrets = map[string]string{"S3_ACCESS_KEY_ID": r.s3.AccessKey, "S3_SECRET_ACCESS_KEY": r.s3.SecretKey}

	root := t.TempDir()
	r.origin = filepath.Join(root, "origin.git")
	git(t, root, "init", "-q", "--bare", "-b", "main", r.origin)
	work := filepath.Join(root, "seed")
	git(t, root, "clone", "-q", r.origin, work)
	data := filepath.Join(work, "registry-data")
	seed(data)
	// Archive mode: the shards package module versions, their packs carry
	// the packages, the build serves them.
	write(t, filepath.Join(work, "regen.yaml"), "module_archives: true\ngithub:\n  url: "+r.gh.URL+"\n  api_url: "+r.gh.APIURL()+"\n")
	git(t, work, "add", "-A")
	git(t, work, "commit", "-q", "-m", "seed")
	git(t, work, "push", "-q", "origin", "HEAD:main")

	for _, sh := range r.wf.Jobs["ingest"].Strategy.Matrix.Shard {
		r.shards[sh] = r.clone("shard-" + sh)
	}
	r.publish = r.clone("publish")
	return r
}

// clone makes a runner workspace: a clone of the origin, as
// actions/checkout leaves it.
func (r *pipelineRig) clone(name string) string {
	dir := filepath.Join(r.t.TempDir(), name)
	git(r.t, filepath.Dir(dir), "clone", "-q", r.origin, dir)
	return dir
}

// checkout brings a kept workspace to the origin's main as a fresh
// runner's actions/checkout would, keeping only the paths keep that the
// job's caches restore.
func (r *pipelineRig) checkout(dir string, keep []string) {
	git(r.t, dir, "fetch", "-q", "origin")
	git(r.t, dir, "reset", "-q", "--hard", "origin/main")
	args := []string{"clean", "-q", "-fdx"}
	for _, p := range keep {
		args = append(args, "-e", "/"+p)
	}
	git(r.t, dir, args...)
}

// cachedPaths are the paths the job's cache steps restore.
func (r *pipelineRig) cachedPaths(name string, ctx map[string]any) []string {
	var paths []string
	for _, st := range r.wf.Jobs[name].Steps {
		if st.Uses == cacheRestore || st.Uses == cacheAction {
			paths = append(paths, strings.Fields(r.expand(st.With["path"], ctx))...)
		}
	}
	return paths
}

// run runs the workflow for an event: the ingest matrix in parallel (when
// its condition holds), then the publish job. beforeStep, when set, is
// called before each publish step with its name.
func (r *pipelineRig) run(event map[string]any, beforeStep func(name string)) *runResult {
	t := r.t
	t.Helper()
	r.artifacts = t.TempDir()
	res := &runResult{packs: map[string]string{}}
	ctx := map[string]any{"event": event}
	ingest := r.wf.Jobs["ingest"]
	if r.condition(ingest.If, ctx, nil) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, sh := range ingest.Strategy.Matrix.Shard {
			wg.Add(1)
			go func() {
				defer wg.Done()
				steps := r.job("ingest", r.shards[sh], map[string]any{"event": event, "shard": sh}, nil)
				mu.Lock()
				defer mu.Unlock()
				for _, s := range steps {
					s.Name = "ingest " + sh + ": " + s.Name
					res.steps = append(res.steps, s)
				}
				packs, _ := filepath.Glob(filepath.Join(r.artifacts, "ingest-"+sh, "*.tar.gz"))
				if len(packs) == 1 {
					res.packs[sh] = packs[0]
				}
			}()
		}
		wg.Wait()
	}
	for _, s := range r.job("publish", r.publish, ctx, beforeStep) {
		s.Name = "publish: " + s.Name
		res.steps = append(res.steps, s)
	}
	return res
}

// job runs one job's steps in a workspace; steps that use actions are
// emulated (checkout, caches: the kept workspace; artifacts: a folder).
func (r *pipelineRig) job(name, ws string, ctx map[string]any, beforeStep func(string)) []stepResult {
	t := r.t
	job := r.wf.Jobs[name]
	r.checkout(ws, r.cachedPaths(name, ctx))
	temp := filepath.Join(t.TempDir(), "runner-temp")
	if err := os.MkdirAll(temp, 0o755); err != nil {
		t.Error(err)
		return nil
	}
	ctx["temp"] = temp
	var out []stepResult
	failed := false
	for i, st := range job.Steps {
		label := cmpOr(st.Name, st.Uses, st.ID, fmt.Sprint(i))
		if failed && st.If != "always()" {
			continue
		}
		if st.Uses != "" && !strings.HasPrefix(st.Uses, "actions/upload-artifact@") && !strings.HasPrefix(st.Uses, "actions/download-artifact@") {
			continue // checkout, setup-go, caches: the workspace keeps what the caches restore
		}
		env := r.env(ws, temp)
		for _, m := range []map[string]string{r.wf.Env, st.Env} {
			for _, k := range sortedKeys(m) {
				env = append(env, k+"="+r.expand(m[k], ctx))
			}
		}
		if st.If != "" && st.If != "always()" && !r.condition(st.If, ctx, env) {
			continue
		}
		switch {
		case st.ID == "install-regen":
			continue // regen built from this tree is on PATH
		case strings.HasPrefix(st.Uses, "actions/upload-artifact@"):
			dst := filepath.Join(r.artifacts, r.expand(st.With["name"], ctx))
			src := r.expand(st.With["path"], ctx)
			if err := os.MkdirAll(dst, 0o755); err == nil {
				if data, err := os.ReadFile(src); err == nil {
					err = os.WriteFile(filepath.Join(dst, filepath.Base(src)), data, 0o644)
				}
			}
			continue
		case strings.HasPrefix(st.Uses, "actions/download-artifact@"):
			dst := r.expand(st.With["path"], ctx)
			if err := os.MkdirAll(dst, 0o755); err != nil {
				t.Error(err)
			}
			files, _ := filepath.Glob(filepath.Join(r.artifacts, "ingest-*", "*"))
			for _, f := range files {
				data, err := os.ReadFile(f)
				if err == nil {
					err = os.WriteFile(filepath.Join(dst, filepath.Base(f)), data, 0o644)
				}
				if err != nil {
					t.Error(err)
				}
			}
			continue
		}
		if strings.Contains(st.Run, "${{") {
			t.Errorf("%s: expression in a run script (pass it through env)", label)
		}
		if beforeStep != nil {
			beforeStep(label)
		}
		if name == "ingest" && ctx["shard"] == r.failShard && strings.HasPrefix(label, "Ingest") {
			out = append(out, stepResult{Name: label, Err: errors.New("runner lost (test)")})
			failed = true
			continue
		}
		cmd := exec.Command("bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", st.Run)
		cmd.Dir = ws
		cmd.Env = env
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		var buf syncbuf.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		began := time.Now()
		fetches := r.gitFetches()
		err := cmd.Start()
		if err == nil && r.proxy != nil {
			r.proxy.setVictim(cmd.Process.Pid)
		}
		if err == nil {
			err = cmd.Wait()
		}
		if r.proxy != nil {
			r.proxy.setVictim(0)
		}
		took := time.Since(began)
		r.mu.Lock()
		if name == "publish" && strings.HasPrefix(label, "Build") {
			r.buildFetches = append(r.buildFetches, r.gitFetches()-fetches)
		}
		shard, _ := ctx["shard"].(string)
		r.timings = append(r.timings, stepTiming{Job: strings.TrimSpace(name + " " + shard), Step: label, Took: took})
		r.mu.Unlock()
		out = append(out, stepResult{Name: label, Output: buf.String(), Err: err})
		if err != nil {
			failed = true
		}
	}
	return out
}

// gitFetches counts the git fetches (not tag listings) GitHub received.
func (r *pipelineRig) gitFetches() int {
	n := 0
	for _, q := range r.gh.RequestLog() {
		if q.Method == http.MethodPost && strings.HasSuffix(q.Path, "/git-upload-pack") {
			n++
		}
	}
	return n
}

// lastBuildFetched fails the test when the last run's build fetched
// module sources from git: in archive mode the shards packaged every new
// version, and their packs carried the packages to the publish job.
func (r *pipelineRig) lastBuildFetched(run string) {
	r.t.Helper()
	if len(r.buildFetches) == 0 {
		r.t.Errorf("%s: no build step ran", run)
		return
	}
	if n := r.buildFetches[len(r.buildFetches)-1]; n != 0 {
		r.t.Errorf("%s: the build made %d git fetches; the packs should have carried every new version's package", run, n)
	}
}

// env is the runner's environment for a step.
func (r *pipelineRig) env(ws, temp string) []string {
	home := filepath.Join(temp, "home")
	_ = os.MkdirAll(home, 0o755)
	env := []string{
		"PATH=" + r.bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + home,
		"TMPDIR=" + os.TempDir(),
		"CI=true",
		"GITHUB_ACTIONS=true",
		"GITHUB_WORKSPACE=" + ws,
		"GITHUB_REF_NAME=main",
		"GITHUB_PATH=" + filepath.Join(temp, "GITHUB_PATH"),
		"GITHUB_OUTPUT=" + filepath.Join(temp, "GITHUB_OUTPUT"),
		"RUNNER_TEMP=" + temp,
		"GIT_TERMINAL_PROMPT=0",
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=" + os.DevNull,
		"SSL_CERT_FILE=" + r.gh.CAFile(), // the loopback GitHub's https
	}
	if r.s3 != nil {
		env = append(env, "AWS_REGION="+r.s3.Region)
	}
	return env
}

// expand evaluates the ${{ }} expressions publish.yml uses: a || b of
// matrix.shard, secrets.X, vars.X, inputs.X, github.token,
// github.run_id, github.event.…, runner.temp, env.X, 'literals' and false.
func (r *pipelineRig) expand(s string, ctx map[string]any) string {
	return expandExprs(s, func(op string) string { return r.operand(op, ctx) })
}

func (r *pipelineRig) operand(op string, ctx map[string]any) string {
	switch {
	case op == "false":
		return "false" // the last alternative: GitHub renders the boolean
	case op == "matrix.shard":
		s, _ := ctx["shard"].(string)
		return s
	case op == "runner.temp":
		s, _ := ctx["temp"].(string)
		return s
	case op == "github.token":
		return "ghs_loopback_token"
	case op == "github.run_id":
		return "4242"
	case strings.HasPrefix(op, "env."):
		return r.wf.Env[strings.TrimPrefix(op, "env.")]
	case strings.HasPrefix(op, "vars."):
		return r.vars[strings.TrimPrefix(op, "vars.")]
	}
	v, ok := eventOperand(op, ctx, r.secrets)
	if !ok {
		r.t.Fatalf("publish.yml: expression %q not understood by the test runner", op)
	}
	return v
}

// condition evaluates the if: forms publish.yml uses.
func (r *pipelineRig) condition(cond string, ctx map[string]any, env []string) bool {
	cond = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(cond), "${{"), "}}"))
	switch {
	case cond == "" || cond == "!cancelled()":
		return true
	case cond == "!github.event.client_payload.entry && !inputs.entry":
		return r.operand("github.event.client_payload.entry", ctx) == "" && r.operand("inputs.entry", ctx) == ""
	case strings.HasPrefix(cond, "env.") && strings.HasSuffix(cond, " != ''"):
		name := strings.TrimSuffix(strings.TrimPrefix(cond, "env."), " != ''")
		for _, kv := range env {
			if v, ok := strings.CutPrefix(kv, name+"="); ok {
				return v != ""
			}
		}
		return false
	}
	r.t.Fatalf("publish.yml: condition %q not understood by the test runner", cond)
	return false
}

func cmpOr(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// killProxy forwards S3 requests to the server and, when armed, kills the
// step that is running (its whole process group) after a number of
// object PUTs, as a runner killed mid-upload.
type killProxy struct {
	URL    string
	mu     sync.Mutex
	victim int
	after  int // kill at this many PUTs (0: never)
	puts   atomic.Int64
	killed atomic.Bool
}

func newKillProxy(t *testing.T, target string) *killProxy {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &killProxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodPut && !strings.Contains(req.URL.Path, "/.regen/") {
			n := p.puts.Add(1)
			p.mu.Lock()
			if p.after > 0 && int(n) >= p.after && p.victim > 0 {
				_ = syscall.Kill(-p.victim, syscall.SIGKILL)
				p.killed.Store(true)
				p.after = 0
			}
			p.mu.Unlock()
		}
		rp.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

func (p *killProxy) setVictim(pid int) {
	p.mu.Lock()
	p.victim = pid
	p.mu.Unlock()
}

// armAfter makes the proxy kill the running step at the n-th PUT from now.
func (p *killProxy) armAfter(n int) {
	p.mu.Lock()
	p.after = int(p.puts.Load()) + n
	p.mu.Unlock()
}

// bucketSite serves the bucket over HTTP as a static site (a public R2 or
// S3 website endpoint): GET path → the object, with its Content-Type.
func (r *pipelineRig) bucketSite() string {
	t := r.t
	st, err := s3store.New(context.Background(), r.s3.Config(r.bucket))
	if err != nil {
		t.Fatal(err)
	}
	c := st.Client()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		key := strings.TrimPrefix(req.URL.Path, "/")
		out, err := c.GetObject(req.Context(), &s3.GetObjectInput{Bucket: aws.String(r.bucket), Key: aws.String(key)})
		var nsk *types.NoSuchKey
		if errors.As(err, &nsk) || err != nil && strings.Contains(err.Error(), "NotFound") {
			http.NotFound(w, req)
			return
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer out.Body.Close()
		if out.ContentType != nil {
			w.Header().Set("Content-Type", *out.ContentType)
		}
		if req.Method != http.MethodHead {
			_, _ = io.Copy(w, out.Body)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// verify runs regen verify against the bucket with the publish job's build.
func (r *pipelineRig) verify() error {
	_, err := runRegen(r.t, context.Background(), "verify", "--url", r.bucketSite(), "--dir", filepath.Join(r.publish, "dist"), "--jobs", "8")
	return err
}

// packFiles lists the data, docs and archive index files a pack writes.
func packFiles(t *testing.T, name string) []string {
	t.Helper()
	var out []string
	for _, e := range packEntries(t, name) {
		if strings.HasPrefix(e, "data/") || strings.HasPrefix(e, "docs/index/") || strings.HasPrefix(e, "archives/index/") {
			out = append(out, e)
		}
	}
	return out
}

// packEntries lists a pack's entries.
func packEntries(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var out []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, h.Name)
	}
}

// assertDisjoint fails the test when two shards' packs write the same
// file.
func assertDisjoint(t *testing.T, packs map[string]string) {
	t.Helper()
	owner := map[string]string{}
	for sh, p := range packs {
		for _, f := range packFiles(t, p) {
			if o, ok := owner[f]; ok {
				t.Errorf("shards %s and %s both write %s", o, sh, f)
			}
			owner[f] = sh
		}
	}
}

func mustRunOK(t *testing.T, res *runResult, except ...string) {
	t.Helper()
	for _, s := range res.steps {
		if s.Err != nil && !slices.ContainsFunc(except, func(e string) bool { return strings.Contains(s.Name, e) }) {
			t.Fatalf("step %q failed: %v\n%s", s.Name, s.Err, s.Output)
		}
	}
}

// originEvents returns the change log on the origin's main.
func (r *pipelineRig) originEvents() []events.Event {
	dir := r.clone("check")
	evs, bad, err := events.Read(filepath.Join(dir, "registry-data"))
	if err != nil || len(bad) > 0 {
		r.t.Fatalf("origin's events: %v %v", err, bad)
	}
	return evs
}

func (r *pipelineRig) originModuleVersions(a regdata.ModuleAddr) []string {
	out, err := exec.Command("git", "-C", r.origin, "show", "main:registry-data/"+regdata.ModuleFilePath(a)).Output()
	if err != nil {
		return nil
	}
	f, err := regdata.ParseModuleFile(out)
	if err != nil {
		r.t.Fatal(err)
	}
	var vs []string
	for _, v := range f.Versions {
		vs = append(vs, v.Version)
	}
	return vs
}

// TestPipelineShardedPublish runs publish.yml's jobs three times over and
// then its fast path, checking the whole operator story: shards with new
// releases in the same month never conflict, a failing shard does not
// stop the others, a concurrent push is rebased over, an entry removed
// from the data folder gets its deleted event, a release deleted upstream
// stays published, an upload killed midway converges on the next run, and
// regen verify finds the bucket equal to the build after each run. The
// registry is in archive mode: the shards' packs carry the module packages
// their ingest made, so the publish job's build makes no git fetch.
func TestPipelineShardedPublish(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole pipeline")
	}
	key := ghtest.NewKeyEd25519(t, "Beta")
	mods := []regdata.ModuleAddr{
		{Namespace: "acme", Name: "vpc", System: "aws"},  // a-b
		{Namespace: "corp", Name: "net", System: "aws"},  // c-d
		{Namespace: "delta", Name: "old", System: "aws"}, // c-d, removed later
		{Namespace: "pear", Name: "app", System: "aws"},  // p-r, whose shard fails once
		{Namespace: "sigma", Name: "db", System: "aws"},  // s-t
		{Namespace: "zulu", Name: "edge", System: "gcp"}, // u-z0-9_-
	}
	r := newPipelineRig(t, func(data string) {
		dir := regdata.Dir{Root: data}
		for _, m := range mods {
			if err := dir.WriteModule(m, &regdata.ModuleFile{}); err != nil {
				t.Fatal(err)
			}
		}
		if err := dir.WriteProvider(regdata.ProviderAddr{Namespace: "beta", Type: "thing"}, &regdata.ProviderFile{}); err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(data, "keys/b/beta", key.KeyID()+".asc"), key.Armored())
	})
	tag := func(m regdata.ModuleAddr, v string) {
		repo := r.gh.Repo(m.Namespace, m.Repo())
		if repo == nil {
			repo = r.gh.NewRepo(m.Namespace, m.Repo())
		}
		repo.Tag(v, repo.Commit(map[string]string{"main.tf": "variable \"v\" {\n  default = \"" + v + "\"\n}\n"}, v))
	}
	for _, m := range mods {
		tag(m, "v1.0.0")
	}
	r.gh.AddProviderRelease("beta", "terraform-provider-thing", ghtest.ProviderRelease{Type: "thing", Version: "1.0.0", Key: key})
	r.gh.AddProviderRelease("beta", "terraform-provider-thing", ghtest.ProviderRelease{Type: "thing", Version: "1.1.0", Key: key})
	schedule := map[string]any{"schedule": "*/15 * * * *"}

	// Run 1: every shard finds releases (all this month); the p-r shard's
	// runner is lost; someone pushes to main while the publish job runs.
	r.failShard = "p-r"
	res := r.run(schedule, func(step string) {
		if !strings.HasPrefix(step, "Commit") {
			return
		}
		other := r.clone("other")
		write(t, filepath.Join(other, "registry-data/modules/a/acme/extra/aws.json"), "{\n  \"versions\": []\n}\n")
		if err := events.New(filepath.Join(other, "registry-data")).Append(context.Background(),
			events.Event{Type: events.ModuleCreated, Time: time.Now(), Namespace: "acme", Name: "extra", Target: "aws"}); err != nil {
			t.Fatal(err)
		}
		git(t, other, "add", "-A")
		git(t, other, "commit", "-q", "-m", "add acme/extra/aws")
		git(t, other, "push", "-q", "origin", "HEAD:main")
	})
	mustRunOK(t, res, "ingest p-r")
	if !res.failed("ingest p-r") || res.packs["p-r"] != "" {
		t.Fatal("the p-r shard did not fail as arranged")
	}
	withEvents := 0
	for sh, p := range res.packs {
		for _, f := range packFiles(t, p) {
			if strings.HasPrefix(f, "data/") {
				withEvents++
				t.Logf("shard %s writes %s", sh, f)
				break
			}
		}
	}
	if withEvents < 3 {
		t.Fatalf("%d shards changed data, want at least 3", withEvents)
	}
	assertDisjoint(t, res.packs)
	withPackages := 0
	for _, p := range res.packs {
		if slices.ContainsFunc(packEntries(t, p), func(e string) bool { return strings.HasPrefix(e, "archives/objects/") }) {
			withPackages++
		}
	}
	if withPackages < 3 {
		t.Errorf("%d shards' packs carry module packages, want at least 3", withPackages)
	}
	r.lastBuildFetched("run 1")
	if out := res.output("Commit"); !strings.Contains(out, "pushed (2 attempts)") {
		t.Errorf("the concurrent push was not rebased over: %q", out)
	}
	month := time.Now().UTC().Format("2006-01")
	shardsWithEvents := map[string]bool{}
	for _, e := range r.originEvents() {
		if e.Type == events.ModuleVersionReleased || e.Type == events.ProviderVersionReleased {
			if e.Month() == month {
				shardsWithEvents[e.Namespace] = true
			}
		}
	}
	for _, ns := range []string{"acme", "beta", "corp", "delta", "sigma"} {
		if !shardsWithEvents[ns] {
			t.Errorf("no release event of %s in %s on the origin: %v", ns, month, shardsWithEvents)
		}
	}
	if shardsWithEvents["pear"] {
		t.Error("the failed shard published")
	}
	if v := r.originModuleVersions(mods[4]); !slices.Equal(v, []string{"v1.0.0"}) {
		t.Errorf("sigma/db/aws on the origin: %v", v)
	}
	if err := r.verify(); err != nil {
		t.Fatalf("verify after run 1: %v", err)
	}

	// Run 2: the p-r runner is back; new releases; delta/old/aws is
	// removed from the data folder by a merged pull request; a provider
	// release is deleted upstream; the upload is killed midway.
	r.failShard = ""
	tag(mods[1], "v1.1.0")
	tag(mods[4], "v1.1.0")
	r.gh.Repo("beta", "terraform-provider-thing").DeleteRelease("v1.1.0")
	pr := r.clone("pr")
	git(t, pr, "rm", "-q", "registry-data/"+regdata.ModuleFilePath(mods[2]))
	git(t, pr, "commit", "-q", "-m", "remove delta/old/aws")
	git(t, pr, "push", "-q", "origin", "HEAD:main")
	res = r.run(schedule, func(step string) {
		if strings.HasPrefix(step, "Upload") {
			r.proxy.armAfter(3)
		}
	})
	mustRunOK(t, res, "Upload")
	if !r.proxy.killed.Load() || !res.failed("Upload") {
		t.Fatal("the upload was not killed midway")
	}
	assertDisjoint(t, res.packs)
	var deleted []string
	for _, e := range r.originEvents() {
		if e.Type == events.ModuleDeleted {
			deleted = append(deleted, e.Addr())
		}
	}
	if !slices.Equal(deleted, []string{"delta/old/aws"}) {
		t.Errorf("deleted events on the origin: %v", deleted)
	}
	if v := r.originModuleVersions(mods[3]); !slices.Equal(v, []string{"v1.0.0"}) {
		t.Errorf("pear/app/aws (its shard back) on the origin: %v", v)
	}
	r.lastBuildFetched("run 2")

	// Run 3: nothing new; the upload finishes what run 2 started.
	r.proxy.killed.Store(false)
	res = r.run(schedule, nil)
	mustRunOK(t, res)
	if out := res.output("Commit"); !strings.Contains(out, "no data change") {
		t.Errorf("run 3 committed: %q", out)
	}
	r.lastBuildFetched("run 3")
	if err := r.verify(); err != nil {
		t.Fatalf("verify after the run following the killed upload: %v", err)
	}
	body := r.get("/v1/providers/beta/thing/versions")
	if !strings.Contains(body, `"1.1.0"`) {
		t.Errorf("the release deleted upstream left the registry: %s", body)
	}

	// Fast path: the module's release workflow dispatches its new version;
	// only that entry is ingested (no shard runs), and it is served.
	tag(mods[0], "v1.2.0")
	tag(mods[1], "v1.2.0") // not named: must wait for the schedule
	res = r.run(map[string]any{"action": "regen-release", "client_payload": map[string]any{"entry": "acme/vpc/aws"}}, nil)
	mustRunOK(t, res)
	for _, s := range res.steps {
		if strings.HasPrefix(s.Name, "ingest ") {
			t.Errorf("the fast path ran shard step %q", s.Name)
		}
	}
	if v := r.originModuleVersions(mods[0]); len(v) == 0 || v[0] != "v1.2.0" {
		t.Errorf("acme/vpc/aws after the dispatch: %v", v)
	}
	if v := r.originModuleVersions(mods[1]); slices.Contains(v, "v1.2.0") {
		t.Errorf("corp/net/aws was ingested by a dispatch naming acme/vpc/aws: %v", v)
	}
	if body := r.get("/v1/modules/acme/vpc/aws/versions"); !strings.Contains(body, `"1.2.0"`) {
		t.Errorf("the dispatched release is not served: %s", body)
	}
	r.lastBuildFetched("the fast path")
	if body := r.get("/v1/modules/acme/vpc/aws/1.2.0/download"); !strings.Contains(body, "/archives/acme/vpc/aws/") {
		t.Errorf("the dispatched release does not download its package: %s", body)
	}
	if err := r.verify(); err != nil {
		t.Fatalf("verify after the fast path: %v", err)
	}
}

// get fetches a path from the bucket as a client would.
func (r *pipelineRig) get(p string) string {
	resp, err := http.Get(r.bucketSite() + p)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
