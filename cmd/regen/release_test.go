package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/regen-registry/regen/internal/testtool"
	"gopkg.in/yaml.v3"
)

// goreleaserConfig is the part of .goreleaser.yaml the tests read.
type goreleaserConfig struct {
	Version     int    `yaml:"version"`
	ProjectName string `yaml:"project_name"`
	Builds      []struct {
		Main    string   `yaml:"main"`
		Binary  string   `yaml:"binary"`
		Env     []string `yaml:"env"`
		Goos    []string `yaml:"goos"`
		Goarch  []string `yaml:"goarch"`
		Flags   []string `yaml:"flags"`
		Ldflags []string `yaml:"ldflags"`
	} `yaml:"builds"`
	Archives []struct {
		NameTemplate    string   `yaml:"name_template"`
		Formats         []string `yaml:"formats"`
		FormatOverrides []struct {
			Goos    string   `yaml:"goos"`
			Formats []string `yaml:"formats"`
		} `yaml:"format_overrides"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
		Algorithm    string `yaml:"algorithm"`
	} `yaml:"checksum"`
	Sboms []struct {
		Artifacts string `yaml:"artifacts"`
	} `yaml:"sboms"`
}

func readGoreleaser(t *testing.T) goreleaserConfig {
	t.Helper()
	b, err := os.ReadFile("../../.goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c goreleaserConfig
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf(".goreleaser.yaml: %v", err)
	}
	if len(c.Builds) != 1 || len(c.Archives) != 1 {
		t.Fatalf(".goreleaser.yaml: %d builds and %d archives, want one of each", len(c.Builds), len(c.Archives))
	}
	return c
}

// TestGoreleaserNames pins what the release publishes: the generated
// workflows download regen_<version>_<os>_<arch>.tar.gz and check it
// against regen_<version>_checksums.txt (sha256), so these names are a
// contract with every registry already set up.
func TestGoreleaserNames(t *testing.T) {
	c := readGoreleaser(t)
	b, a := c.Builds[0], c.Archives[0]
	for _, check := range []struct {
		what      string
		got, want any
	}{
		{"version (schema)", c.Version, 2},
		{"project_name", c.ProjectName, "regen"},
		{"builds.main", b.Main, "./cmd/regen"},
		{"builds.binary", b.Binary, "regen"},
		{"builds.goos", b.Goos, []string{"linux", "darwin", "windows"}},
		{"builds.goarch", b.Goarch, []string{"amd64", "arm64"}},
		{"archives.name_template", a.NameTemplate, "{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}"},
		{"archives.formats", a.Formats, []string{"tar.gz"}},
		{"checksum.name_template", c.Checksum.NameTemplate, "{{ .ProjectName }}_{{ .Version }}_checksums.txt"},
		{"checksum.algorithm", c.Checksum.Algorithm, "sha256"},
	} {
		if !equalYAML(check.got, check.want) {
			t.Errorf(".goreleaser.yaml %s = %v, want %v", check.what, check.got, check.want)
		}
	}
	if len(a.FormatOverrides) != 1 || a.FormatOverrides[0].Goos != "windows" || !slices.Equal(a.FormatOverrides[0].Formats, []string{"zip"}) {
		t.Errorf(".goreleaser.yaml: want windows archives as zip, got %+v", a.FormatOverrides)
	}
	if !slices.Contains(b.Env, "CGO_ENABLED=0") || !slices.Contains(b.Flags, "-trimpath") {
		t.Errorf(".goreleaser.yaml: want CGO_ENABLED=0 and -trimpath, got env %v flags %v", b.Env, b.Flags)
	}
	if len(c.Sboms) == 0 {
		t.Error(".goreleaser.yaml: no sboms")
	}
	ld := strings.Join(b.Ldflags, " ")
	for _, v := range []string{"main.version=", "main.commit=", "main.date="} {
		if !strings.Contains(ld, "-X "+v) {
			t.Errorf(".goreleaser.yaml ldflags %q do not set %s", ld, v)
		}
	}
}

func equalYAML(got, want any) bool {
	if g, ok := got.([]string); ok {
		return slices.Equal(g, want.([]string))
	}
	return got == want
}

// TestReleaseBuild builds regen for this machine exactly as the release
// does (.goreleaser.yaml's env, flags and ldflags, with its template
// values filled in), then runs the binary's version and a build of the
// bundled registry-data.
func TestReleaseBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a release binary")
	}
	goBin := testtool.Require(t, "go", "")
	c := readGoreleaser(t)
	b := c.Builds[0]
	const (
		ver    = "1.2.3"
		commit = "0123456789abcdef0123456789abcdef01234567"
		date   = "2026-12-06T08:00:00Z"
	)
	vars := map[string]string{"Version": ver, "FullCommit": commit, "CommitDate": date}
	tmpl := regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)
	var ldflags []string
	for _, l := range b.Ldflags {
		ldflags = append(ldflags, tmpl.ReplaceAllStringFunc(l, func(m string) string {
			name := tmpl.FindStringSubmatch(m)[1]
			v, ok := vars[name]
			if !ok {
				t.Fatalf(".goreleaser.yaml ldflags use {{.%s}}, which this test does not fill in", name)
			}
			return v
		}))
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, b.Binary)
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	args := append([]string{"build"}, b.Flags...)
	args = append(args, "-ldflags", strings.Join(ldflags, " "), "-o", bin, b.Main)
	cmd := exec.Command(goBin, args...)
	cmd.Dir = "../.."
	cmd.Env = append(append(os.Environ(), b.Env...), "GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}

	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("regen version: %v\n%s", err, out)
	}
	want := "regen v" + ver + "\ncommit: " + commit + "\ndate: " + date + "\ngo: "
	if !strings.HasPrefix(string(out), want) {
		t.Errorf("release binary's version:\n%s\nwant it to start:\n%s", out, want)
	}
	if flag, err := exec.Command(bin, "--version").Output(); err != nil || string(flag) != string(out) {
		t.Errorf("release binary's --version: %v\n%s\nwant:\n%s", err, flag, out)
	}

	dist := filepath.Join(dir, "dist")
	build := exec.Command(bin, "build", "--data", "registry-data", "--out", dist)
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("release binary: regen build --data registry-data: %v\n%s", err, out)
	}
	for _, f := range []string{".well-known/terraform.json"} {
		if _, err := os.Stat(filepath.Join(dist, f)); err != nil {
			t.Errorf("regen build wrote no %s: %v", f, err)
		}
	}
	n := 0
	filepath.WalkDir(filepath.Join(dist, "v1"), func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	if n < 10 {
		t.Errorf("regen build wrote %d files under v1/, want the bundled registry's documents", n)
	}
}
