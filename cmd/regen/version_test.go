package main

import (
	"context"
	"encoding/json"
	"runtime/debug"
	"strings"
	"testing"
)

func TestResolveBuild(t *testing.T) {
	vcs := func(rev, time, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: time}, {Key: "vcs.modified", Value: modified}}
	}
	for _, tc := range []struct {
		name                string
		ver, com, dat       string
		info                *debug.BuildInfo
		wantV, wantC, wantD string
	}{
		{name: "release ldflags win over build info", ver: "1.2.3", com: "abc123", dat: "2026-01-02T03:04:05Z",
			info:  &debug.BuildInfo{Main: debug.Module{Version: "v9.9.9"}, Settings: vcs("fff", "2020-01-01T00:00:00Z", "true")},
			wantV: "v1.2.3", wantC: "abc123", wantD: "2026-01-02T03:04:05Z"},
		{name: "go install at a version", info: &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}},
			wantV: "v1.4.0", wantC: "unknown", wantD: "unknown"},
		{name: "build in a clone", info: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("0123abcd", "2026-12-06T08:24:22Z", "false")},
			wantV: "dev", wantC: "0123abcd", wantD: "2026-12-06T08:24:22Z"},
		{name: "build in a changed clone", info: &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261206082422-0123abcd0123+dirty"}, Settings: vcs("0123abcd", "2026-12-06T08:24:22Z", "true")},
			wantV: "v0.0.0-20261206082422-0123abcd0123+dirty", wantC: "0123abcd-dirty", wantD: "2026-12-06T08:24:22Z"},
		{name: "snapshot ldflags", ver: "0.0.1-SNAPSHOT-0123abc", info: nil,
			wantV: "v0.0.1-SNAPSHOT-0123abc", wantC: "unknown", wantD: "unknown"},
		{name: "nothing known", wantV: "dev", wantC: "unknown", wantD: "unknown"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := resolveBuild(tc.ver, tc.com, tc.dat, tc.info)
			if b.Version != tc.wantV || b.Commit != tc.wantC || b.Date != tc.wantD {
				t.Errorf("got %q %q %q, want %q %q %q", b.Version, b.Commit, b.Date, tc.wantV, tc.wantC, tc.wantD)
			}
			if !strings.HasPrefix(b.Go, "go") {
				t.Errorf("Go = %q", b.Go)
			}
		})
	}
}

func TestReleaseOf(t *testing.T) {
	for v, want := range map[string]string{
		"v1.2.3":                               "v1.2.3",
		"v1.3.0-rc.1":                          "v1.3.0-rc.1",
		"dev":                                  "latest",
		"v0.0.0-20261206082422-3ddc17ef1d2a":   "latest",
		"v1.2.4-0.20261206082422-3ddc17ef1d2a": "latest",
		"v1.2.3+dirty":                         "latest",
		"v0.0.1-SNAPSHOT-0123abc":              "latest",
	} {
		if got := releaseOf(v); got != want {
			t.Errorf("releaseOf(%q) = %q, want %q", v, got, want)
		}
	}
}

// TestVersionCommand checks that `regen version` and `regen --version`
// print the same version, commit and date, and --json an object of them.
func TestVersionCommand(t *testing.T) {
	ctx := context.Background()
	out, err := runRegen(t, ctx, "version")
	if err != nil {
		t.Fatal(err)
	}
	want := currentBuild().String()
	if out != want {
		t.Errorf("regen version:\n%s\nwant:\n%s", out, want)
	}
	for _, line := range []string{"regen ", "commit: ", "date: ", "go: "} {
		if !strings.Contains(out, "\n"+line) && !strings.HasPrefix(out, line) {
			t.Errorf("regen version lacks %q:\n%s", line, out)
		}
	}
	flag, err := runRegen(t, ctx, "--version")
	if err != nil {
		t.Fatalf("regen --version: %v", err)
	}
	if flag != out {
		t.Errorf("regen --version:\n%s\nwant what regen version prints:\n%s", flag, out)
	}
	js, err := runRegen(t, ctx, "--json", "version")
	if err != nil {
		t.Fatal(err)
	}
	var b buildInfo
	if err := json.Unmarshal([]byte(js), &b); err != nil {
		t.Fatalf("regen --json version: %v\n%s", err, js)
	}
	if b != currentBuild() {
		t.Errorf("regen --json version = %+v, want %+v", b, currentBuild())
	}
}
