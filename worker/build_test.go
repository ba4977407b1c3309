package worker

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestBuildJSIsTheEmbeddedDefault(t *testing.T) {
	src, err := source.ReadFile(BuildModule)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := BuildJS(Public)
	if err != nil {
		t.Fatal(err)
	}
	if string(pub) != string(src) {
		t.Errorf("BuildJS(public) differs from %s", BuildModule)
	}
	priv, err := BuildJS(Private)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(priv), `export const ACCESS = "private";`) || strings.Contains(string(priv), `ACCESS = "public"`) {
		t.Errorf("BuildJS(private):\n%s", priv)
	}
	if _, err := BuildJS("secret"); err == nil {
		t.Error("BuildJS accepted an unknown access")
	}
}

// The worker reads its tokens from the binding src/build.js names; the Go
// side, the docs and the local runner must use that very name.
func TestTokensBindingIsOneName(t *testing.T) {
	src, err := source.ReadFile(BuildModule)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^export const TOKENS_BINDING = "([A-Za-z0-9_]+)";$`).FindSubmatch(src)
	if m == nil || string(m[1]) != TokensBinding {
		t.Fatalf("%s exports TOKENS_BINDING %q, the Go side reads %q", BuildModule, m, TokensBinding)
	}
	cfg, err := source.ReadFile("src/config.js")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(cfg), "env[TOKENS_BINDING]") || strings.Contains(string(cfg), "env.TOKENS") {
		t.Error("src/config.js does not read the tokens through TOKENS_BINDING")
	}
}

// Regression (issue 10, item 1): docs/operator-cloudflare.md told
// operators to `wrangler secret put TOKEN_SHA256S` while the worker read
// TOKENS, so following the guide made a "private" registry public.
func TestDocsSecretNamesAreWhatTheWorkerReads(t *testing.T) {
	put := regexp.MustCompile(`wrangler\s+secret\s+put\s+([^\s` + "`" + `'"]+)`)
	var files []string
	for _, pattern := range []string{"../docs/*.md", "../docs/*/*.md", "../README.md", "*.go", "wrangler.toml.example", "local/*.mjs", "src/*.js", "../cmd/regen/*.go", "../.github/workflows/*"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	found := map[string]int{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range put.FindAllStringSubmatch(string(data), -1) {
			name := strings.TrimSuffix(m[1], "\\")
			if strings.Contains(name, "${") { // a template using TOKENS_BINDING
				continue
			}
			found[f]++
			if name != TokensBinding {
				t.Errorf("%s: `wrangler secret put %s`, but the worker reads its tokens from %s", f, name, TokensBinding)
			}
		}
	}
	if found[filepath.Join("..", "docs", "operator-cloudflare.md")] == 0 {
		t.Errorf("docs/operator-cloudflare.md does not say how to set the tokens secret (found in %v)", found)
	}
}
