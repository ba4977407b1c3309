package pollstate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSaveLoad(t *testing.T) {
	root := t.TempDir()
	s, problems, err := Load(root)
	if err != nil || len(problems) != 0 {
		t.Fatal(err, problems)
	}
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	a := Entry{Addr: "Azure/azapi", Feed: "https://github.com/Azure/terraform-provider-azapi/releases.atom", ETag: `W/"x"`, LastFull: now,
		Retries: map[string]Retry{"1.0.0": {Attempts: 2, Next: now.Add(time.Hour)}}}
	b := Entry{Addr: "hashicorp/consul/aws", LastModified: "Mon, 02 Nov 2026 10:00:00 GMT"}
	s.Put("provider/azure/azapi", a)
	s.Put("module/hashicorp/consul/aws", b)
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"a.json", "h.json"} {
		if _, err := os.Stat(filepath.Join(root, ".regen", "ingest-state", f)); err != nil {
			t.Error(err)
		}
	}
	s2, problems, err := Load(root)
	if err != nil || len(problems) != 0 {
		t.Fatal(err, problems)
	}
	if d := cmp.Diff(a, s2.Get("provider/azure/azapi")); d != "" {
		t.Errorf("entry a:\n%s", d)
	}
	if d := cmp.Diff([]string{"module/hashicorp/consul/aws"}, s2.Keys("module/")); d != "" {
		t.Error(d)
	}

	// Unchanged entries write nothing.
	st, _ := os.Stat(filepath.Join(root, ".regen", "ingest-state", "a.json"))
	time.Sleep(10 * time.Millisecond)
	s2.Put("provider/azure/azapi", s2.Get("provider/azure/azapi"))
	if err := s2.Save(); err != nil {
		t.Fatal(err)
	}
	st2, _ := os.Stat(filepath.Join(root, ".regen", "ingest-state", "a.json"))
	if !st.ModTime().Equal(st2.ModTime()) {
		t.Error("an unchanged shard was rewritten")
	}
	s2.Delete("provider/azure/azapi")
	s2.Save()
	s3, _, _ := Load(root)
	if len(s3.Keys("provider/")) != 0 {
		t.Error("deleted entry came back")
	}
}

// A corrupt or foreign state file is reported and forgotten, not fatal.
func TestLoadCorrupt(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, ".regen", "ingest-state")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "a.json"), []byte(`{"format":1,"entries":{`), 0o644)
	os.WriteFile(filepath.Join(dir, "b.json"), []byte(`{"format":99,"entries":{}}`), 0o644)
	s, problems, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 2 || !strings.Contains(problems[0].Error(), "a.json") {
		t.Errorf("problems %v", problems)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	if _, problems, _ := Load(root); len(problems) != 0 {
		t.Errorf("after save: %v", problems)
	}
}

func TestBackoff(t *testing.T) {
	for n, want := range map[int]time.Duration{0: 30 * time.Minute, 1: 30 * time.Minute, 2: time.Hour, 3: 2 * time.Hour, 7: 24 * time.Hour, 100: 24 * time.Hour} {
		if got := Backoff(n, 30*time.Minute, 24*time.Hour); got != want {
			t.Errorf("Backoff(%d) = %v, want %v", n, got, want)
		}
	}
	e := Entry{Retries: map[string]Retry{"1.0.0": {Attempts: 1, Next: time.Unix(100, 0)}}}
	if e.Due("1.0.0", time.Unix(99, 0)) || !e.Due("1.0.0", time.Unix(100, 0)) || !e.Due("2.0.0", time.Unix(0, 0)) {
		t.Error("Due")
	}
}
