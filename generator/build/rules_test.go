package build

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBrokenVersionsAreNotPublished: a version holding a value validate
// calls an error is left out with a warning naming the file and the field,
// the build succeeds, and the entry's good versions are published. It used
// to publish a shasum "xyz", an h1 "h1:abc" and a download_url
// "::not a url::" as they were.
func TestBrokenVersionsAreNotPublished(t *testing.T) {
	const base = "https://example.test/"
	target := func(mod func(m map[string]any)) map[string]any {
		m := map[string]any{"os": "linux", "arch": "amd64", "filename": "p.zip", "download_url": base + "p.zip",
			"shasum": strings.Repeat("a", 64), "h1": "h1:" + strings.Repeat("A", 43) + "=", "size": 10}
		if mod != nil {
			mod(m)
		}
		return m
	}
	version := func(v string, t map[string]any) map[string]any {
		return map[string]any{"version": v, "protocols": []string{"6.0"}, "shasums_url": base + "SUMS",
			"shasums_signature_url": base + "SUMS.sig", "targets": []any{t}}
	}
	provider := map[string]any{"versions": []any{
		version("1.0.0", target(nil)),
		version("1.1.0", target(func(m map[string]any) { m["shasum"] = "xyz" })),
		version("1.2.0", target(func(m map[string]any) { m["h1"] = "h1:abc" })),
		version("1.3.0", target(func(m map[string]any) { m["download_url"] = "::not a url::" })),
		version("1.4.0", target(func(m map[string]any) { m["os"] = "../etc" })),
		version("1.5.0~x", target(nil)),
	}}
	commit := strings.Repeat("c", 40)
	module := map[string]any{"versions": []any{
		map[string]any{"version": "v1.0.0", "commit": commit},
		map[string]any{"version": "v1.1.0", "commit": "not-a-commit"},
		map[string]any{"version": "v1.2.0", "commit": commit, "discovered": "yesterday"},
		map[string]any{"version": "not a version"},
	}}
	badRepo := map[string]any{"repository": "::not a url::", "versions": []any{map[string]any{"version": "v1.0.0", "commit": commit}}}

	data := t.TempDir()
	for rel, v := range map[string]any{
		"providers/a/acme/thing.json":  provider,
		"modules/a/acme/net/aws.json":  module,
		"modules/a/acme/evil/aws.json": badRepo,
	} {
		b, _ := json.Marshal(v)
		p := filepath.Join(data, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "out")
	var logs bytes.Buffer
	o := testOptions(data, out)
	o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatalf("build: %v", err)
	}
	published := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(out, rel))
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		return string(b)
	}
	if got := published("v1/providers/acme/thing/versions"); !strings.Contains(got, `"1.0.0"`) || strings.Count(got, `"version"`) != 1 {
		t.Errorf("provider versions document lists more than 1.0.0:\n%s", got)
	}
	if got := published("v1/modules/acme/net/aws/versions"); !strings.Contains(got, `"1.0.0"`) || strings.Count(got, `"version"`) != 1 {
		t.Errorf("module versions document lists more than 1.0.0:\n%s", got)
	}
	if got := published("v1/modules/acme/evil/aws/versions"); strings.Contains(got, `"version"`) {
		t.Errorf("module with a bad repository lists versions:\n%s", got)
	}
	// No published file holds a refused value.
	filepath.WalkDir(out, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || strings.Contains(p, ".regen") {
			return err
		}
		b, _ := os.ReadFile(p)
		for _, bad := range []string{"xyz", "h1:abc", "::not a url::", "../etc", "not-a-commit", "1.1.0", "1.2.0", "1.3.0", "1.4.0"} {
			if bytes.Contains(b, []byte(bad)) {
				t.Errorf("%s holds %q", p, bad)
			}
		}
		return nil
	})
	for _, want := range []string{
		"file=providers/a/acme/thing.json field=versions[1].targets[0].shasum version=1.1.0",
		"file=providers/a/acme/thing.json field=versions[2].targets[0].h1 version=1.2.0",
		"file=providers/a/acme/thing.json field=versions[3].targets[0].download_url version=1.3.0",
		"file=providers/a/acme/thing.json field=versions[4].targets[0].os version=1.4.0",
		"file=providers/a/acme/thing.json field=versions[5].version version=1.5.0~x",
		"file=modules/a/acme/net/aws.json field=versions[1].commit version=v1.1.0",
		"file=modules/a/acme/net/aws.json field=versions[2].discovered version=v1.2.0",
		`file=modules/a/acme/net/aws.json field=versions[3].version version="not a version"`,
		"file=modules/a/acme/evil/aws.json field=repository version=v1.0.0",
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("no warning with %s in:\n%s", want, logs.String())
		}
	}
}
