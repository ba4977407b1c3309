package status

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/ingest/pollstate"
	"github.com/regen-registry/regen/regdata"
)

var update = flag.Bool("update", false, "rewrite golden files")

var now = time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)

// sample writes a data folder as ingest leaves it: data files with
// versions_errors and warnings, the poll state, and an ingest summary.
func sample(t *testing.T) (data, summary string) {
	t.Helper()
	data = t.TempDir()
	d := regdata.Dir{Root: data}
	widget := &regdata.ProviderFile{
		Versions: []regdata.ProviderVersion{
			{Version: "1.2.0", Protocols: []string{"5.0"}, Discovered: "2026-03-01T08:00:00Z"},
			{Version: "1.10.0", Protocols: []string{"5.0"}, Discovered: "2026-03-03T09:30:00Z"},
		},
		VersionsErrors: []regdata.VersionError{{Version: "1.11.0", Message: "SHA256SUMS.sig: openpgp: signature made by unknown entity", UTCTime: "2026-03-04T06:00:00Z"}},
	}
	must(t, d.WriteProvider(regdata.ProviderAddr{Namespace: "acme", Type: "widget"}, widget))
	must(t, d.WriteProvider(regdata.ProviderAddr{Namespace: "acme", Type: "gadget"}, &regdata.ProviderFile{}))
	must(t, d.WriteModule(regdata.ModuleAddr{Namespace: "hashicorp", Name: "subnets", System: "cidr"}, &regdata.ModuleFile{
		Versions: []regdata.ModuleVersion{{Version: "v1.0.0", Commit: "beecd22f4a686b0ffc847229168d7d19aae647c9", Discovered: "2026-02-01T00:00:00Z"}},
		Warnings: []string{"tag v0.9.0 was deleted upstream; the registry keeps it"},
	}))
	st, _, err := pollstate.Load(data)
	must(t, err)
	st.Put("provider/acme/widget", pollstate.Entry{Addr: "acme/widget", LastFull: now.Add(-30 * time.Minute),
		Retries: map[string]pollstate.Retry{"1.11.0": {Attempts: 3, Next: now.Add(90 * time.Minute)}, "1.12.0-rc1": {Attempts: 1, Next: now.Add(-time.Minute)}}})
	st.Put("module/hashicorp/subnets/cidr", pollstate.Entry{Addr: "hashicorp/subnets/cidr", LastFull: now.Add(-26 * time.Hour)})
	must(t, st.Save())
	summary = filepath.Join(t.TempDir(), "ingest.json")
	must(t, os.WriteFile(summary, []byte(`{"checked":3,"failures":[{"entry":"provider acme/gadget","error":"repository https://github.com/acme/terraform-provider-gadget not found"},{"entry":"provider acme/widget","version":"1.11.0","error":"dup"}],"new_versions":[]}`), 0o644))
	must(t, os.Chtimes(summary, now.Add(-10*time.Minute), now.Add(-10*time.Minute)))
	return data, summary
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestGolden(t *testing.T) {
	data, summary := sample(t)
	for _, tc := range []struct {
		name string
		o    Options
	}{
		{"all", Options{Data: data, Summary: summary}},
		{"failing", Options{Data: data, Summary: summary, Failing: true}},
		{"no-summary", Options{Data: data}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.o.Now = func() time.Time { return now }
			rep, err := Run(context.Background(), tc.o)
			if err != nil {
				t.Fatal(err)
			}
			var text, js bytes.Buffer
			must(t, rep.WriteText(&text))
			must(t, rep.WriteJSON(&js))
			golden(t, tc.name+".txt", text.Bytes())
			golden(t, tc.name+".json", js.Bytes())
		})
	}
}

func TestSummaryMismatch(t *testing.T) {
	data, _ := sample(t)
	bad := filepath.Join(t.TempDir(), "x.json")
	must(t, os.WriteFile(bad, []byte("checked 3 entries"), 0o644))
	_, err := Run(context.Background(), Options{Data: data, Summary: bad})
	if err == nil || !strings.Contains(err.Error(), "want the output of regen ingest --json") {
		t.Errorf("err = %v", err)
	}
	if _, err := Run(context.Background(), Options{Data: filepath.Join(data, "missing")}); err == nil {
		t.Error("no error for a missing data folder")
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		must(t, os.MkdirAll("testdata", 0o755))
		must(t, os.WriteFile(p, got, 0o644))
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (go test ./status -update writes it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got; -update rewrites it):\n%s", p, d)
	}
}
