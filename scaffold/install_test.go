package scaffold

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/regen-registry/regen/internal/testtool"
)

// releaseServer serves a release of regen as the GitHub release assets
// are named, with a regen that prints "regen 9.8.7", and returns its base
// URL and the archive's sha256.
func releaseServer(t *testing.T, checksums func(sum string) string) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	script := []byte("#!/bin/sh\necho regen 9.8.7\n")
	for _, f := range []struct {
		name string
		data []byte
	}{{"README.md", []byte("regen\n")}, {"regen", script}} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o755, Size: int64(len(f.data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(f.data)
	}
	tw.Close()
	zw.Close()
	archive := buf.Bytes()
	h := sha256.Sum256(archive)
	sum := hex.EncodeToString(h[:])
	mux := http.NewServeMux()
	mux.HandleFunc("/v9.8.7/regen_9.8.7_linux_amd64.tar.gz", func(w http.ResponseWriter, _ *http.Request) { w.Write(archive) })
	mux.HandleFunc("/v9.8.7/regen_9.8.7_checksums.txt", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, checksums(sum)) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL, sum
}

// runInstall renders the workflows for o and runs the publish workflow's
// install-regen step as a GitHub runner does (bash -e, the workflow's
// env), returning the folder it added to PATH.
func runInstall(t *testing.T, o Options) (string, error) {
	t.Helper()
	for _, tool := range []string{"bash", "curl", "sha256sum", "tar", "awk"} {
		testtool.Require(t, tool, "")
	}
	files, err := Render(o)
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Env  map[string]string `yaml:"env"`
		Jobs map[string]struct {
			Steps []struct {
				ID  string `yaml:"id"`
				Run string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(fileData(files, ".github/workflows/regen-publish.yml"), &wf); err != nil {
		t.Fatal(err)
	}
	var script string
	for _, st := range wf.Jobs["publish"].Steps {
		if st.ID == "install-regen" {
			script = st.Run
		}
	}
	if script == "" {
		t.Fatal("no install-regen step")
	}
	temp := t.TempDir()
	ghPath := filepath.Join(temp, "GITHUB_PATH")
	cmd := exec.Command("bash", "--noprofile", "--norc", "-e", "-c", script)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "RUNNER_TEMP=" + temp, "GITHUB_PATH=" + ghPath}
	for k, v := range wf.Env {
		if !strings.Contains(v, "${{") {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), err
	}
	dir, err := os.ReadFile(ghPath)
	if err != nil {
		t.Fatalf("GITHUB_PATH not written: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(dir)), nil
}

func TestInstallStepVerifiesTheReleaseArchive(t *testing.T) {
	good := func(sum string) string {
		return strings.Repeat("0", 64) + "  regen_9.8.7_darwin_arm64.tar.gz\n" + sum + "  regen_9.8.7_linux_amd64.tar.gz\n"
	}
	url, sum := releaseServer(t, good)
	base := Options{Host: "registry.example.com", RegenVersion: "9.8.7", ReleaseURL: url}

	for name, o := range map[string]Options{"checksums file": base, "pinned": func() Options { o := base; o.ReleaseSHA256 = sum; return o }()} {
		dir, err := runInstall(t, o)
		if err != nil {
			t.Fatalf("%s: install failed: %v\n%s", name, err, dir)
		}
		out, err := exec.Command(filepath.Join(dir, "regen")).Output()
		if err != nil || string(out) != "regen 9.8.7\n" {
			t.Errorf("%s: installed regen says %q, %v", name, out, err)
		}
	}

	pinnedWrong := base
	pinnedWrong.ReleaseSHA256 = strings.Repeat("ab", 32)
	if out, err := runInstall(t, pinnedWrong); err == nil || !strings.Contains(out, "FAILED") {
		t.Errorf("an archive not matching the pinned sha256 was installed: %v\n%s", err, out)
	}
	badURL, _ := releaseServer(t, func(string) string { return strings.Repeat("1", 64) + "  regen_9.8.7_linux_amd64.tar.gz\n" })
	bad := base
	bad.ReleaseURL = badURL
	if out, err := runInstall(t, bad); err == nil {
		t.Errorf("an archive not matching the checksums file was installed:\n%s", out)
	}
	missingURL, _ := releaseServer(t, func(string) string { return "" })
	missing := base
	missing.ReleaseURL = missingURL
	if out, err := runInstall(t, missing); err == nil {
		t.Errorf("an archive missing from the checksums file was installed:\n%s", out)
	}
}

func TestInstallOptions(t *testing.T) {
	for _, tc := range []struct {
		o       Options
		install string
		err     string
	}{
		{Options{Host: "r.example.com", RegenVersion: "v1.2.3"}, InstallRelease, ""},
		{Options{Host: "r.example.com", RegenVersion: "latest"}, InstallSource, ""},
		{Options{Host: "r.example.com", RegenVersion: "v1.2.3", InstallFrom: "source"}, InstallSource, ""},
		{Options{Host: "r.example.com", RegenVersion: "latest", InstallFrom: "release"}, "", "not a release version"},
		{Options{Host: "r.example.com", RegenVersion: "v1.2.3", ReleaseSHA256: "xyz"}, "", "64 hex digits"},
		{Options{Host: "r.example.com", RegenVersion: "v1.2.3", ReleaseURL: "ftp://x"}, "", "http(s) URL"},
		{Options{Host: "r.example.com", RegenVersion: "v1.2.3", InstallFrom: "apt"}, "", "want release or source"},
	} {
		o, err := tc.o.normalize()
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%+v: err %v, want %q", tc.o, err, tc.err)
			}
			continue
		}
		if err != nil || o.InstallFrom != tc.install {
			t.Errorf("%+v: install %q, %v; want %q", tc.o, o.InstallFrom, err, tc.install)
		}
	}
	files, err := Render(Options{Host: "r.example.com", RegenVersion: "latest"})
	if err != nil {
		t.Fatal(err)
	}
	if wf := string(fileData(files, ".github/workflows/regen-publish.yml")); !strings.Contains(wf, `go install "github.com/regen-registry/regen/cmd/regen@${REGEN_VERSION}"`) {
		t.Errorf("a source install does not go install:\n%s", wf)
	}
}
