package issueform

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

// result is what a golden file records: the form and submission read
// from a body, or the error.
type result struct {
	Form       *Form       `json:"form,omitempty"`
	Submission *Submission `json:"submission,omitempty"`
	Error      string      `json:"error,omitempty"`
}

// shorten replaces long values (armored keys) by their start, length and
// digest, so golden files stay readable and still pin every byte.
func shorten(s string) string {
	if len(s) <= 160 {
		return s
	}
	return fmt.Sprintf("%s… (%d bytes, sha256 %x)", s[:48], len(s), sha256.Sum256([]byte(s)))
}

func (r *result) encode(t *testing.T) []byte {
	t.Helper()
	if r.Form != nil {
		for i := range r.Form.Fields {
			r.Form.Fields[i].Value = shorten(r.Form.Fields[i].Value)
		}
	}
	if r.Submission != nil {
		r.Submission.Key = shorten(r.Submission.Key)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestBodiesGolden parses every body in testdata/bodies (realistic
// issue-form bodies as GitHub renders them, good and malformed) and
// compares form, submission or error with testdata/golden.
func TestBodiesGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/bodies/*.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("no bodies: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".md")
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var r result
			form, err := Parse(string(body))
			if err == nil {
				r.Form = form
				r.Submission, err = FromForm(form)
			}
			if err != nil {
				r.Error = err.Error()
			}
			wantErr := strings.HasPrefix(name, "malformed-") || strings.HasPrefix(name, "bad-") || strings.HasPrefix(name, "not-")
			if wantErr != (r.Error != "") {
				t.Errorf("error %q; bodies named malformed-*, bad-* and not-* must fail, the others succeed", r.Error)
			}
			golden(t, filepath.Join("testdata/golden", name+".json"), r.encode(t))
		})
	}
}

// TestEventsGolden reads GitHub issues-event payloads.
func TestEventsGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/events/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no events: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			var r result
			sub, err := ReadEvent(f)
			r.Submission = sub
			if err != nil {
				r.Error = err.Error()
			}
			golden(t, filepath.Join("testdata/golden", "event-"+name+".json"), r.encode(t))
		})
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ingest/issueform -update)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got; -update rewrites it):\n%s", path, d)
	}
}
