package serve

import (
	"strings"
	"testing"
)

func TestInstructionsGolden(t *testing.T) {
	var b strings.Builder
	for _, c := range []struct{ scheme, hostPort, ca string }{
		{"https", "127.0.0.1:8443", "/tmp/regen-serve-ca-123.pem"},
		{"https", "registry.example.test:443", ""},
		{"https", "[::1]:8443", "/tmp/with space/it's.pem"},
		{"http", "127.0.0.1:18080", ""},
	} {
		b.WriteString("=== " + c.scheme + " " + c.hostPort + " " + c.ca + "\n")
		if err := printInstructions(&b, c.scheme, c.hostPort, c.ca); err != nil {
			t.Fatal(err)
		}
	}
	checkGolden(t, "instructions.golden", b.String())
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"/tmp/regen-serve-ca-1.pem": "/tmp/regen-serve-ca-1.pem",
		"/tmp/a b.pem":              "'/tmp/a b.pem'",
		"/tmp/it's":                 `'/tmp/it'\''s'`,
		"/tmp/$HOME":                "'/tmp/$HOME'",
		"":                          "''",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
