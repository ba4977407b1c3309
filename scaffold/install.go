package scaffold

import (
	"fmt"
	"regexp"
	"strings"
)

// How the generated workflows install regen (Options.InstallFrom).
const (
	// InstallRelease downloads the pinned release's linux_amd64 archive
	// and checks its sha256 before use: a run starts in seconds.
	InstallRelease = "release"
	// InstallSource compiles regen with go install (minutes per run).
	InstallSource = "source"
)

// DefaultReleaseURL is where release archives are downloaded from:
// <url>/v<version>/regen_<version>_linux_amd64.tar.gz and
// regen_<version>_checksums.txt (sha256sum format) beside it.
const DefaultReleaseURL = "https://github.com/regen-registry/regen/releases/download"

var (
	releaseVersionRE = regexp.MustCompile(`^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$`)
	sha256RE         = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// normalizeInstall checks and completes the install options: a release
// install needs a release version; without one (a development build of
// regen running init, version "latest") the workflows compile from source
// unless a release install was asked for explicitly, which is an error.
func (o Options) normalizeInstall() (Options, error) {
	release := releaseVersionRE.MatchString(o.RegenVersion)
	switch o.InstallFrom {
	case "":
		o.InstallFrom = InstallSource
		if release {
			o.InstallFrom = InstallRelease
		}
	case InstallRelease:
		if !release {
			return o, fmt.Errorf("--install release: --regen-version %q is not a release version (want v1.2.3)", o.RegenVersion)
		}
	case InstallSource:
	default:
		return o, fmt.Errorf("--install %q: want %s or %s", o.InstallFrom, InstallRelease, InstallSource)
	}
	if o.InstallFrom == InstallRelease && !strings.HasPrefix(o.RegenVersion, "v") {
		o.RegenVersion = "v" + o.RegenVersion
	}
	if o.ReleaseURL == "" {
		o.ReleaseURL = DefaultReleaseURL
	}
	o.ReleaseURL = strings.TrimSuffix(o.ReleaseURL, "/")
	if !strings.HasPrefix(o.ReleaseURL, "https://") && !strings.HasPrefix(o.ReleaseURL, "http://") ||
		strings.ContainsAny(o.ReleaseURL, " \t\n\"'$`\\") {
		return o, fmt.Errorf("--release-url %q: want an http(s) URL", o.ReleaseURL)
	}
	o.ReleaseSHA256 = strings.ToLower(o.ReleaseSHA256)
	if o.ReleaseSHA256 != "" && !sha256RE.MatchString(o.ReleaseSHA256) {
		return o, fmt.Errorf("--release-sha256 %q: want 64 hex digits (the sha256 of regen_<version>_linux_amd64.tar.gz)", o.ReleaseSHA256)
	}
	if o.ReleaseSHA256 != "" && o.InstallFrom != InstallRelease {
		return o, fmt.Errorf("--release-sha256 needs a release install (--regen-version v1.2.3)")
	}
	return o, nil
}

// installEnv is the workflows' env entries saying which regen to install
// (indented for a top-level env block).
func (o Options) installEnv() string {
	if o.InstallFrom == InstallSource {
		return "  # The regen version the workflow compiles with go install.\n" +
			"  REGEN_VERSION: " + o.RegenVersion + "\n"
	}
	return "  # The regen release the workflow installs, and the sha256 of its\n" +
		"  # linux_amd64 archive (empty: checked against the release's checksums file).\n" +
		"  REGEN_VERSION: " + o.RegenVersion + "\n" +
		"  REGEN_SHA256: \"" + o.ReleaseSHA256 + "\"\n" +
		"  REGEN_RELEASES: " + o.ReleaseURL + "\n"
}

// installSteps is the workflows' steps installing regen on PATH (indented
// for a job's steps list); the installing step has id install-regen.
func (o Options) installSteps() string {
	if o.InstallFrom == InstallSource {
		return `      - uses: actions/setup-go@v5
        with:
          go-version: stable
          cache: false
      - id: install-regen
        name: Install regen (compiled from source)
        run: go install "github.com/regen-registry/regen/cmd/regen@${REGEN_VERSION}"
`
	}
	return `      - id: install-regen
        name: Install regen (pinned release, checksum verified)
        run: |
          v=${REGEN_VERSION#v}
          a="regen_${v}_linux_amd64.tar.gz"
          mkdir -p "$RUNNER_TEMP/regen-bin" && cd "$RUNNER_TEMP/regen-bin"
          curl -fsSL --retry 3 -o "$a" "$REGEN_RELEASES/v$v/$a"
          if [ -z "$REGEN_SHA256" ]; then
            curl -fsSL --retry 3 -o checksums.txt "$REGEN_RELEASES/v$v/regen_${v}_checksums.txt"
            REGEN_SHA256=$(awk -v a="$a" '$2 == a || $2 == "*" a { print $1 }' checksums.txt)
          fi
          echo "$REGEN_SHA256  $a" | sha256sum --check --strict -
          tar -xzf "$a" regen && rm "$a"
          echo "$PWD" >>"$GITHUB_PATH"
`
}
