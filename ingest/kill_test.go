package ingest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/regen-registry/regen/internal/ghtest"
	"github.com/regen-registry/regen/regdata"
	"github.com/regen-registry/regen/regdata/events"
)

// buildRegen builds the real regen binary for tests that run it.
func buildRegen(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "regen")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/regen-registry/regen/cmd/regen")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building regen: %v\n%s", err, out)
	}
	return bin
}

// TestBinary runs the real regen binary.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the regen binary")
	}
	bin := buildRegen(t)
	t.Run("ExitStatus", func(t *testing.T) { testExitStatus(t, bin) })
	t.Run("KillMidRun", func(t *testing.T) { testKillMidRun(t, bin) })
}

// regen ingest exits 0 when everything succeeded, 3 when some entries
// failed (listing them on stdout), 1 when it cannot run.
func testExitStatus(t *testing.T, bin string) {
	e := newEnv(t)
	key := ghtest.NewKeyEd25519(t, "Acme")
	e.writeKey("acme", key)
	e.provider("acme", "good")
	e.srv.AddProviderRelease("acme", "terraform-provider-good", ghtest.ProviderRelease{Type: "good", Version: "1.0.0", Key: key})
	run := func(args ...string) (int, string, string) {
		cmd := exec.Command(bin, args...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		cmd.Env = append(os.Environ(), "GITHUB_TOKEN=")
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), out.String(), errb.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0, out.String(), errb.String()
	}
	base := []string{"ingest", "--data", e.data, "--github-url", e.srv.URL, "--github-api-url", e.srv.APIURL(), "--quiet"}
	code, out, stderr := run(base...)
	if code != 0 || !strings.Contains(out, "provider acme/good 1.0.0") {
		t.Errorf("success: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	e.provider("acme", "bad")
	e.srv.AddProviderRelease("acme", "terraform-provider-bad", ghtest.ProviderRelease{Type: "bad", Version: "1.0.0", Key: key, BadSignature: true})
	code, out, _ = run(base...)
	if code != 3 || !strings.Contains(out, "provider acme/bad 1.0.0: ") || !strings.Contains(out, "signature does not verify") {
		t.Errorf("partial failure: exit %d\n%s", code, out)
	}
	// The failed version waits for its back-off: not retried, not a failure.
	code, out, _ = run(base...)
	if code != 0 || !strings.Contains(out, "1 deferred") {
		t.Errorf("during the back-off: exit %d\n%s", code, out)
	}
	e.provider("acme", "bad2")
	e.srv.AddProviderRelease("acme", "terraform-provider-bad2", ghtest.ProviderRelease{Type: "bad2", Version: "1.0.0", Key: key, MissingSignature: true})
	code, out, _ = run(append(base, "--json")...)
	if code != 3 || !strings.Contains(out, `"entry": "provider acme/bad2"`) {
		t.Errorf("--json: exit %d\n%s", code, out)
	}
	code, _, stderr = run("ingest", "--data", e.data, "--github-url", "ftp://nope")
	if code != 1 || !strings.Contains(stderr, "GitHub URL") {
		t.Errorf("bad URL: exit %d, stderr %s", code, stderr)
	}
}

// SIGKILL in the middle of a run leaves every data file valid and the
// event log readable (at most its last line torn); the next run completes
// the work.
func testKillMidRun(t *testing.T, bin string) {
	e := newEnv(t)
	key := ghtest.NewKeyEd25519(t, "Acme")
	e.writeKey("acme", key)
	const nMod, nProv = 20, 10
	for i := range nMod {
		name := fmt.Sprintf("m%02d", i)
		e.module("acme", name, "aws")
		r := e.srv.NewRepo("acme", "terraform-aws-"+name)
		for v := range 3 {
			r.Tag(fmt.Sprintf("v1.%d.0", v), r.Commit(map[string]string{"main.tf": fmt.Sprint(v)}, "c"))
		}
	}
	for i := range nProv {
		typ := fmt.Sprintf("p%02d", i)
		e.provider("acme", typ)
		for v := range 2 {
			e.srv.AddProviderRelease("acme", "terraform-provider-"+typ, ghtest.ProviderRelease{
				Type: typ, Version: fmt.Sprintf("0.%d.0", v), Key: key,
				Platforms: []ghtest.Platform{{OS: "linux", Arch: "amd64"}, {OS: "darwin", Arch: "arm64"}},
			})
		}
	}

	for round, delay := range []time.Duration{0, 400 * time.Millisecond, 900 * time.Millisecond} {
		cmd := exec.Command(bin, "ingest", "--data", e.data, "--github-url", e.srv.URL,
			"--github-api-url", e.srv.APIURL(), "--jobs", "2", "--rate", "40", "--quiet")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		cmd.Env = append(os.Environ(), "GITHUB_TOKEN=")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait for the first change on disk, then a little more, then kill.
		deadline := time.Now().Add(60 * time.Second)
		logFile := events.Path(e.data, time.Now().UTC().Format("2006-01"))
		start, _ := os.Stat(logFile)
		for time.Now().Before(deadline) {
			if st, err := os.Stat(logFile); err == nil && (start == nil || st.Size() > start.Size()) {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(delay)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatalf("round %d: killing: %v", round, err)
		}
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("round %d: regen ended before the kill (%v): the run was too short to interrupt\n%s", round, err, out.String())
		}
		n := checkDataValid(t, e.data)
		t.Logf("round %d: killed after %v; %d versions on disk", round, delay, n)
	}

	// A full run afterwards completes everything.
	sum := e.run()
	mustNoFailures(t, sum)
	if got := checkDataValid(t, e.data); got != nMod*3+nProv*2 {
		t.Errorf("%d versions after the final run, want %d", got, nMod*3+nProv*2)
	}
	// Every version on disk has its event, unless its run was killed
	// between the data file and the event (at most one entry per kill).
	evs, bad, _ := events.Read(e.data)
	if missing := nMod*3 + nProv*2 - len(evs); missing < 0 || missing > 3*3 || len(bad) > 3 {
		t.Errorf("%d events (%d bad lines) for %d versions", len(evs), len(bad), nMod*3+nProv*2)
	}
}

// checkDataValid parses every data file and the event log, and returns
// how many versions the files hold.
func checkDataValid(t *testing.T, root string) int {
	t.Helper()
	d := regdata.Dir{Root: root}
	provs, bad, err := d.Providers()
	if err != nil || len(bad) > 0 {
		t.Fatalf("listing providers: %v %v", err, bad)
	}
	mods, bad, err := d.Modules()
	if err != nil || len(bad) > 0 {
		t.Fatalf("listing modules: %v %v", err, bad)
	}
	n := 0
	for _, a := range provs {
		f, err := d.ReadProvider(a)
		if err != nil {
			t.Fatalf("provider file invalid after kill: %v", err)
		}
		for _, v := range f.Versions {
			if len(v.Targets) == 0 || v.Targets[0].H1 == "" {
				t.Errorf("%s %s is incomplete", a, v.Version)
			}
		}
		n += len(f.Versions)
	}
	for _, a := range mods {
		f, err := d.ReadModule(a)
		if err != nil {
			t.Fatalf("module file invalid after kill: %v", err)
		}
		n += len(f.Versions)
	}
	_, badLines, err := events.Read(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range badLines {
		if !strings.Contains(b.Err.Error(), "unexpected end") {
			t.Errorf("event log line damaged by something other than a torn write: %v", b)
		}
	}
	if _, err := os.Stat(filepath.Join(root, ".regen")); err == nil {
		filepath.Walk(filepath.Join(root, ".regen"), func(p string, fi os.FileInfo, err error) error {
			if err == nil && !fi.IsDir() && strings.HasSuffix(p, ".json") {
				if data, _ := os.ReadFile(p); !bytes.HasPrefix(data, []byte("{")) {
					t.Errorf("state file %s damaged", p)
				}
			}
			return nil
		})
	}
	return n
}
