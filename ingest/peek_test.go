package ingest

import (
	"encoding/json"
	"testing"
)

func TestPeekString(t *testing.T) {
	for in, want := range map[string]string{
		`{"repository":"https://github.com/a/b","versions":[{"version":"1"}]}`:                                "https://github.com/a/b",
		`{"versions":[{"repository":"nested"}],"repository":"a/b"}`:                                           "a/b",
		"{\n  \"versions\": [\"]}\\\"{\"],\n  \"x\": {\"a\": [1, 2, {}]},\n  \"n\": -1.5e3, \"t\": true\n}\n": "",
		`{}`:                                   "",
		`{"repository":"a\/b\u0021"}`:          "a/b!",
		`{"repository":"x","repository":"y"}`:  "y",
		`{"Repository":"x"}`:                   "x",
		`{"repository":"x","repository":null}`: "",
	} {
		got, err := peekString([]byte(in), "repository")
		if err != nil || got != want {
			t.Errorf("peekString(%s) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{``, `[]`, `{"repository":1}`, `{"repository":"x"`, `{"a":[}`, `{"a":1}x`, `{"a" 1}`, `{"a":"\u0001` + "\x01" + `"}`} {
		if got, err := peekString([]byte(in), "repository"); err == nil {
			t.Errorf("peekString(%q) = %q, want an error", in, got)
		}
	}
}

// Whatever the scan accepts, encoding/json reads the same way.
func FuzzPeekString(f *testing.F) {
	f.Add([]byte(`{"repository":"https://github.com/a/b","versions":[{"version":"1","targets":[]}]}`))
	f.Add([]byte(`{"versions":[],"repository":"a\"b"}`))
	f.Add([]byte(`{"x":{"repository":"n"},"y":[1,"]",{"z":null}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := peekString(data, "repository")
		var doc map[string]json.RawMessage
		if json.Unmarshal(data, &doc) != nil || doc == nil {
			return // not a JSON object: the scan may accept it; the full read reports it
		}
		var field struct {
			Repository json.RawMessage `json:"repository"`
		}
		json.Unmarshal(data, &field)
		var want string
		if raw := field.Repository; raw != nil {
			if json.Unmarshal(raw, &want) != nil {
				if err == nil {
					t.Fatalf("non-string repository accepted: %q", got)
				}
				return
			}
		}
		if err != nil {
			t.Fatalf("valid JSON %q refused: %v", data, err)
		}
		if got != want {
			t.Fatalf("peek %q, encoding/json %q", got, want)
		}
	})
}
