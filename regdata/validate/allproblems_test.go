package validate

import (
	"bytes"
	"strings"
	"testing"

	"github.com/regen-registry/regen/regdata"
)

// typedProvider is a provider file with a type error next to other
// problems: they used to be hidden by the type error.
const typedProvider = `{
  "versions": [
    {
      "version": "1.1.0",
      "protocols": ["5.0"],
      "shasums_url": "https://example.test/SUMS",
      "shasums_signature_url": "https://example.test/SUMS.sig",
      "discoverd": "2026-01-01T00:00:00Z",
      "targets": [
        {"os": "linux", "arch": 5, "filename": "a.zip", "download_url": "https://example.test/a.zip", "shasum": "` + hexA + `"},
        {"os": "darwin", "arch": "arm64", "filename": "b.zip", "download_url": "https://example.test/b.zip", "hl": "h1:x"}
      ]
    },
    {
      "version": "1.1.0",
      "protocols": [6],
      "shasums_url": "https://example.test/SUMS",
      "shasums_signature_url": "https://example.test/SUMS.sig",
      "targets": [
        {"os": "linux", "arch": "amd64", "filename": "c.zip", "download_url": "https://example.test/c.zip", "shasum": "` + hexB + `", "size": "big", "custom": 1}
      ]
    },
    "not an object"
  ],
  "repositry": "https://example.test/x"
}
`

// TestAllProblemsOfAFile: a member of the wrong type is reported, and so
// is everything else wrong in the file; nothing more is said about the
// wrong member itself. Misspelled members are named with a hint (warnings,
// errors with --strict); other unknown members are errors with --strict.
func TestAllProblemsOfAFile(t *testing.T) {
	common := []want{
		{Error, provPath, "versions[0].targets[0].arch", "want a string, found the number 5"},
		{Error, provPath, "versions[0].targets[1].shasum", "missing"},
		{Error, provPath, "versions[1].version", "duplicate of versions[0]"},
		{Error, provPath, "versions[1].protocols[0]", "want a string, found the number 6"},
		{Error, provPath, "versions[1].targets[0].size", "want an integer, found a string"},
		{Error, provPath, "versions[2]", "want an object, found a string"},
	}
	for _, strict := range []bool{false, true} {
		sev := Warning
		if strict {
			sev = Error
		}
		wants := append(append([]want(nil), common...),
			want{sev, provPath, "versions[0].discoverd", `unknown member "discoverd": did you mean "discovered"?`},
			want{sev, provPath, "versions[0].targets[1].hl", `unknown member "hl": did you mean "h1"?`},
			want{sev, provPath, "repositry", `unknown member "repositry": did you mean "repository"?`})
		if strict {
			wants = append(wants, want{Error, provPath, "versions[1].targets[0].custom", `unknown member "custom" (known here: "arch", "download_url"`})
		}
		checkCase{name: "strict", strict: strict, files: map[string]string{provPath: typedProvider}, want: wants}.run(t)
	}
}

func TestAllProblemsOfAModule(t *testing.T) {
	checkCase{name: "module", strict: true, files: map[string]string{modPath: `{
  "versions": [
    {"version": "v1.0.0", "commit": 12, "discovered": "yesterday"},
    {"version": "v1.0.0", "commit": "` + strings.Repeat("a", 40) + `"},
    {"versoin": "v2.0.0"}
  ],
  "verified": "yes",
  "description": "ok"
}`}, want: []want{
		{Error, modPath, "versions[0].commit", "want a string, found the number 12"},
		{Error, modPath, "versions[0].discovered", `not an RFC 3339 time: "yesterday"`},
		{Error, modPath, "versions[1].version", "duplicate of versions[0]"},
		{Error, modPath, "versions[2].version", "missing"},
		{Error, modPath, "versions[2].versoin", `did you mean "version"?`},
		{Error, modPath, "verified", "want true or false, found a string"},
	}}.run(t)
}

// TestUnknownMembersGolden pins the report of a file with type errors and
// misspelled members (-update rewrites it).
func TestUnknownMembersGolden(t *testing.T) {
	files := baseFiles(t)
	files[provPath] = typedProvider
	for name, strict := range map[string]bool{"typed.txt": false, "typed-strict.txt": true} {
		rep := validateDir(t, folder(t, files), Options{Strict: strict})
		var text bytes.Buffer
		if err := rep.WriteText(&text); err != nil {
			t.Fatal(err)
		}
		golden(t, name, text.Bytes())
	}
}

// TestBlacklistUnknownMembers: blacklist entries keep no unknown members,
// so a misspelled one silently did nothing.
func TestBlacklistUnknownMembers(t *testing.T) {
	bl := regdata.BlacklistFile
	checkCase{name: "blacklist", files: map[string]string{bl: `{"providers":[{"namespace":"example","name":"widget","version":"1.1.0","reasn":"x"}]}`},
		want: []want{
			{Warning, bl, "providers[0].reasn", `did you mean "reason"?`},
			{Warning, bl, "providers[0].reason", "no reason given"},
		}}.run(t)
}
