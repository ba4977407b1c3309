package main

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Set at link time by the release build (.goreleaser.yaml):
//
//	-ldflags "-X main.version=1.2.3 -X main.commit=<sha> -X main.date=<RFC 3339>"
//
// Left empty, they come from the module and VCS stamps Go records in every
// binary (go install …@v1.2.3 records the version; a build in a clone
// records the commit and its time).
var (
	version string
	commit  string
	date    string
)

// buildInfo says which regen this is.
type buildInfo struct {
	Version string `json:"version"` // v1.2.3, or "dev" for an unversioned build
	Commit  string `json:"commit"`  // full commit hash, or "unknown"
	Date    string `json:"date"`    // build or commit time (RFC 3339), or "unknown"
	Go      string `json:"go"`      // Go version and platform, e.g. "go1.26.1 linux/amd64"
}

// currentBuild reads the link-time values, falling back on the binary's
// embedded build information for each one that is unset.
func currentBuild() buildInfo {
	return resolveBuild(version, commit, date, readBuildInfo())
}

func readBuildInfo() *debug.BuildInfo {
	if info, ok := debug.ReadBuildInfo(); ok {
		return info
	}
	return nil
}

// resolveBuild is currentBuild with its inputs given.
func resolveBuild(ver, com, dat string, info *debug.BuildInfo) buildInfo {
	b := buildInfo{Version: ver, Commit: com, Date: dat, Go: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH}
	if info != nil {
		if b.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			b.Version = info.Main.Version
		}
		modified := false
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if b.Commit == "" {
					b.Commit = s.Value
				}
			case "vcs.time":
				if b.Date == "" {
					b.Date = s.Value
				}
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if modified && com == "" && b.Commit != "" {
			b.Commit += "-dirty"
		}
	}
	// goreleaser's version has no "v"; Go's module versions do: say it one way.
	if b.Version != "" && b.Version[0] >= '0' && b.Version[0] <= '9' {
		b.Version = "v" + b.Version
	}
	for _, f := range []*string{&b.Version, &b.Commit, &b.Date} {
		*f = strings.TrimSpace(*f)
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	if b.Date == "" {
		b.Date = "unknown"
	}
	return b
}

// String is what `regen version` and `regen --version` print.
func (b buildInfo) String() string {
	return fmt.Sprintf("regen %s\ncommit: %s\ndate: %s\ngo: %s\n", b.Version, b.Commit, b.Date, b.Go)
}

func newVersionCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print regen's version, commit and build date",
		Long: `Print regen's version, the commit it was built from and the build date
(with --json, as a JSON object). Release binaries carry all three; a binary
from go install carries the module version; one built in a clone carries the
commit and its date.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b := currentBuild()
			if g.json {
				enc := json.NewEncoder(g.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(b)
			}
			_, err := fmt.Fprint(g.stdout, b.String())
			return err
		},
	}
}

// setVersionFlag makes `regen --version` print what `regen version` does.
func setVersionFlag(root *cobra.Command) {
	root.Version = currentBuild().String()
	root.SetVersionTemplate("{{.Version}}")
}
