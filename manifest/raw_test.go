package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRawReaderMatchesReader(t *testing.T) {
	entries := []Entry{
		{Key: "modules/a/b/aws", Input: "i1", Files: []File{
			{Path: "v1/modules/a/b/aws/versions", SHA256: "00", Size: 2, Type: "application/json", Class: ClassIndex},
			{Path: "v1/modules/a/b/aws/1.0.0/download", SHA256: "01", Size: 3, Type: "application/json", Class: ClassLeaf},
		}},
		{Key: `providers/q"uote/back\slash`, Input: "i2"},
		{Key: "providers/ünï/<html>&", Files: []File{{Path: `a"b\c`, SHA256: "11", Class: ClassLeaf}}},
		{Key: "~global", Files: []File{{Path: "x", Class: ClassListing}}},
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
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		r, err := NewRawReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if r.Header().Options != "o" {
			t.Errorf("%s: header %+v", name, r.Header())
		}
		var got []Entry
		for {
			key, line, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			e, err := DecodeEntry(line)
			if err != nil {
				t.Fatal(err)
			}
			if e.Key != key {
				t.Errorf("%s: key %q, decoded %q", name, key, e.Key)
			}
			if n := CountFiles(line); n != len(e.Files) {
				t.Errorf("%s: CountFiles = %d, want %d", name, n, len(e.Files))
			}
			got = append(got, e)
		}
		if diff := cmp.Diff(entries, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
}

func TestRawReaderErrors(t *testing.T) {
	header := `{"format":"regen-manifest/1","options":""}` + "\n"
	for name, tc := range map[string]struct{ in, want string }{
		"empty":      {"", "header"},
		"bad format": {`{"format":"other"}` + "\n", "unknown format"},
		"unsorted":   {header + `{"entry":"b"}` + "\n" + `{"entry":"a"}` + "\n", "not sorted"},
		"no key":     {header + `{"files":[]}` + "\n", `without "entry"`},
		"not json":   {header + "nope\n", "line 2"},
	} {
		r, err := NewRawReader(strings.NewReader(tc.in))
		for err == nil {
			_, _, err = r.Next()
		}
		if errors.Is(err, io.EOF) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", name, err, tc.want)
		}
	}
}

func TestEntryKeyOtherFieldOrder(t *testing.T) {
	key, err := entryKey([]byte(`{"files":[],"entry":"k\u00e9y"}`))
	if err != nil || key != "kéy" {
		t.Errorf("entryKey = %q, %v", key, err)
	}
}

func FuzzEntryKey(f *testing.F) {
	for _, s := range []string{`{"entry":"a"}`, `{"entry":"a\"b"}`, `{"entry":"a\\"}`, `{"entry":"\u0041"}`, `{"entry":"x`, `{"files":[],"entry":"z"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		key, err := entryKey([]byte(line))
		if err != nil {
			return
		}
		// When the line is valid JSON, the fast path agrees with encoding/json.
		var e struct {
			Key *string `json:"entry"`
		}
		if jerr := jsonUnmarshal([]byte(line), &e); jerr == nil && e.Key != nil && *e.Key != key && strings.Count(line, `"entry"`) == 1 {
			t.Errorf("entryKey(%q) = %q, encoding/json says %q", line, key, *e.Key)
		}
	})
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
