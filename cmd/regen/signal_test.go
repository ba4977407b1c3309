//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// regenProcess starts this test binary as regen (see TestMain) with args.
func regenProcess(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), envAsMain+"=1", "GOMEMLIMIT=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return cmd, &stderr
}

// waitWithin waits for cmd to exit, failing (and killing it) after d.
func waitWithin(t *testing.T, cmd *exec.Cmd, d time.Duration) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("regen %s still running after %v", strings.Join(cmd.Args[1:], " "), d)
		return nil
	}
}

// writeModules writes n module files with a few versions each.
func writeModules(t *testing.T, data string, n int) {
	t.Helper()
	for i := range n {
		dir := filepath.Join(data, "modules", "m", fmt.Sprintf("mod%d", i%20), fmt.Sprintf("net%d", i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		var vs []map[string]string
		for j := range 6 {
			vs = append(vs, map[string]string{"version": fmt.Sprintf("v1.%d.0", j), "commit": fmt.Sprintf("%040x", i*10+j)})
		}
		b, _ := json.Marshal(map[string]any{"versions": vs})
		if err := os.WriteFile(filepath.Join(dir, "aws.json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// stagingLeft lists staging and old folders next to out.
func stagingLeft(t *testing.T, out string) []string {
	t.Helper()
	left, err := filepath.Glob(out + ".*")
	if err != nil {
		t.Fatal(err)
	}
	return left
}

// TestBuildHostileKeysStopsAtOnce runs the real command over a data
// folder whose keys are a symlink to /dev/zero and a FIFO: it used to read
// /dev/zero without end (23 GB) or wait for a writer forever, deaf to
// SIGTERM. Now it refuses both files at once, naming them, and leaves no
// staging folder; SIGTERM is sent anyway if it is still running.
func TestBuildHostileKeysStopsAtOnce(t *testing.T) {
	data := t.TempDir()
	provider := `{"versions":[{"version":"1.0.0","protocols":["6.0"],` +
		`"shasums_url":"https://example.test/SUMS","shasums_signature_url":"https://example.test/SUMS.sig",` +
		`"targets":[{"os":"linux","arch":"amd64","filename":"p.zip","download_url":"https://example.test/p.zip","shasum":"` + strings.Repeat("a", 64) + `"}]}]}`
	for _, ns := range []string{"alpha", "beta"} {
		dir := filepath.Join(data, "providers", ns[:1], ns)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "thing.json"), []byte(provider), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(data, "keys", ns[:1], ns), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("/dev/zero", filepath.Join(data, "keys/a/alpha/zero.asc")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(data, "keys/b/beta/fifo.asc"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	cmd, stderr := regenProcess(t, "build", "--data", data, "--out", out, "-q")
	// It fails in well under a second; a SIGTERM after 10s (the old code
	// was still reading /dev/zero) must end it too.
	time.AfterFunc(10*time.Second, func() { _ = cmd.Process.Signal(syscall.SIGTERM) })
	err := waitWithin(t, cmd, 20*time.Second)
	if err == nil {
		t.Fatal("build over hostile keys succeeded")
	}
	for _, want := range []string{"keys/a/alpha/zero.asc", "keys/b/beta/fifo.asc"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr does not name %s:\n%s", want, stderr)
		}
	}
	if left := stagingLeft(t, out); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// TestBuildStopsOnSIGTERM interrupts a long build of the real command
// once its staging folder exists: it must exit within a few seconds,
// unsuccessfully, removing the staging folder and creating no output.
func TestBuildStopsOnSIGTERM(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			data := t.TempDir()
			writeModules(t, data, 1000)
			out := filepath.Join(t.TempDir(), "out")
			cmd, stderr := regenProcess(t, "build", "--data", data, "--out", out, "-q", "--jobs", "1")
			deadline := time.Now().Add(30 * time.Second)
			for len(stagingLeft(t, out)) == 0 {
				if time.Now().After(deadline) {
					t.Fatalf("no staging folder after 30s; stderr:\n%s", stderr)
				}
				time.Sleep(10 * time.Millisecond)
			}
			time.Sleep(100 * time.Millisecond)
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatalf("build finished before the signal: %v", err)
			}
			start := time.Now()
			err := waitWithin(t, cmd, 10*time.Second)
			t.Logf("exited %v after the signal: %v", time.Since(start), err)
			if err == nil {
				t.Fatalf("interrupted build exited 0; stderr:\n%s", stderr)
			}
			if left := stagingLeft(t, out); len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("an interrupted first build created the output folder")
			}
		})
	}
}
