package manifest

import (
	"bytes"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRoundTripPlainAndGzip(t *testing.T) {
	entries := []Entry{
		{Key: "module/a/b/aws", Input: "i1", Files: []File{{Path: "v1/modules/a/b/aws/versions", SHA256: "00", Size: 2, Type: "application/json", Class: ClassIndex}}},
		{Key: "provider/a/b", Input: "i2", Files: []File{{Path: "v1/providers/a/b/versions", SHA256: "11", Size: 3, Type: "application/json", Class: ClassIndex}}},
	}
	for name, mk := range map[string]func(io.Writer, Header) (*Writer, error){"plain": NewWriter, "gzip": NewGzipWriter} {
		var buf bytes.Buffer
		w, err := mk(&buf, Header{Options: "o"})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if err := w.Write(e); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Write(entries[0]); err == nil {
			t.Errorf("%s: out-of-order entry accepted", name)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		r, err := NewReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if r.Header().Options != "o" || r.Header().Format != Format {
			t.Errorf("%s: header %+v", name, r.Header())
		}
		var got []Entry
		for {
			e, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, e)
		}
		if d := cmp.Diff(entries, got); d != "" {
			t.Errorf("%s: round trip (-want +got):\n%s", name, d)
		}
	}
}

func TestContentType(t *testing.T) {
	for p, want := range map[string]string{
		"v1/providers/a/b/versions":                   "application/json",
		"v1/providers/a/b/1.2.3/download/linux/amd64": "application/json",
		"mirror/h/a/b/1.2.3.json":                     "application/json",
		"v1/modules/a/b/c/1.0.0-beta.1/download":      "application/json",
		"registry/docs/x/README.md":                   "text/markdown; charset=utf-8",
		"feeds/releases.atom":                         "application/atom+xml",
	} {
		if got := ContentType(p); got != want {
			t.Errorf("ContentType(%q) = %q, want %q", p, got, want)
		}
	}
}
