package stats

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var ctx = context.Background()

func TestStoreAddLoadSummary(t *testing.T) {
	s := NewStore(t.TempDir())
	if err := s.Add(ctx, Counts{
		"module/acme/vpc/aws": {"2026-11-05": 3, "2026-11-01": 2, "2026-10-20": 10},
		"provider/acme/thing": {"2026-11-05": 1},
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(ctx, Counts{
		"module/acme/vpc/aws":    {"2026-11-05": 4, "2025-12-01": 100, "2026-11-07": 5},
		"module/hashicorp/x/aws": {"2026-11-05": 0},
	}); err != nil {
		t.Fatal(err)
	}
	c, err := s.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 5, 23, 0, 0, 0, time.UTC)
	got := c.Summary("module/acme/vpc/aws", now)
	// week: 11-05 (7) + 11-01 (2); month: + 10-20 (10); year: + 2025-12-01 (100);
	// total: + 11-07 (5), a day after the clock.
	want := Summary{Week: 9, Month: 19, Year: 119, Total: 124}
	if got != want {
		t.Errorf("Summary = %+v, want %+v", got, want)
	}
	if got := c.Summary("module/none/x/aws", now); got != (Summary{}) {
		t.Errorf("unknown entry: %+v", got)
	}
	if d := cmp.Diff([]string{"module/acme/vpc/aws", "provider/acme/thing"}, c.Entries()); d != "" {
		t.Errorf("Entries: %s", d)
	}
	data, err := os.ReadFile(filepath.Join(s.Dir(), "downloads", "2026-11.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	wantFile := `{"entry":"module/acme/vpc/aws","days":{"01":2,"05":7,"07":5}}
{"entry":"provider/acme/thing","days":{"05":1}}
`
	if string(data) != wantFile {
		t.Errorf("month file:\n%s\nwant:\n%s", data, wantFile)
	}
}

func TestStoreRejectsBadInput(t *testing.T) {
	s := NewStore(t.TempDir())
	for name, c := range map[string]Counts{
		"bad entry":    {"module/a/b": {"2026-11-05": 1}},
		"upper case":   {"module/A/b/c": {"2026-11-05": 1}},
		"traversal":    {"module/../b/c": {"2026-11-05": 1}},
		"bad day":      {"module/a/b/c": {"2026-13-05": 1}},
		"negative":     {"module/a/b/c": {"2026-11-05": -1}},
		"datetime day": {"module/a/b/c": {"2026-11-05T00:00:00Z": 1}},
		"unknown kind": {"thing/a/b": {"2026-11-05": 1}},
	} {
		if err := s.Add(ctx, c); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// A corrupt month file is an error naming the file and line.
	dir := filepath.Join(s.Dir(), "downloads")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "2026-11.ndjson"), []byte("{\"entry\":\"module/a/b/c\",\"days\":{\"01\":1}}\n{\"entry\":\"module/a/b/c\",\"days\":{\"41\":1}}\n"), 0o644)
	_, err := s.Load(ctx)
	if err == nil || !strings.Contains(err.Error(), "2026-11.ndjson:2") {
		t.Errorf("corrupt month: %v", err)
	}
}

// Months older than KeepMonths are folded into the archive; the totals
// survive and a month file left behind by a crash is not counted twice.
func TestStoreFold(t *testing.T) {
	s := NewStore(t.TempDir())
	add := func(day string, n int64) {
		t.Helper()
		if err := s.Add(ctx, Counts{"module/acme/vpc/aws": {day: n}}); err != nil {
			t.Fatal(err)
		}
	}
	add("2025-01-10", 1)
	add("2025-06-10", 10)
	crashCopy, _ := os.ReadFile(s.monthPath("2025-01"))
	add("2026-02-10", 100) // 2025-01 is now 14 months back
	if _, err := os.Stat(s.monthPath("2025-01")); !os.IsNotExist(err) {
		t.Errorf("2025-01 not folded: %v", err)
	}
	months, _ := s.months()
	if d := cmp.Diff([]string{"2025-06", "2026-02"}, months); d != "" {
		t.Errorf("months kept: %s", d)
	}
	// Simulate a crash after the archive was written but before the month
	// was removed.
	os.WriteFile(s.monthPath("2025-01"), crashCopy, 0o644)
	c, err := s.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Summary("module/acme/vpc/aws", time.Date(2026, 2, 10, 0, 0, 0, 0, time.UTC)).Total; got != 111 {
		t.Errorf("total after fold = %d, want 111", got)
	}
	// An old log imported late adds to the archive's totals.
	add("2024-12-31", 1000)
	c, _ = s.Load(ctx)
	if got := c.Summary("module/acme/vpc/aws", time.Date(2026, 2, 10, 0, 0, 0, 0, time.UTC)); got.Total != 1111 || got.Year != 110 {
		t.Errorf("after late import: %+v", got)
	}
	if _, err := os.Stat(s.monthPath("2025-01")); !os.IsNotExist(err) {
		t.Errorf("stale folded month not removed")
	}
}

func TestParseLogs(t *testing.T) {
	for _, c := range []struct {
		format Format
		file   string
		want   []string // "method status path day"
	}{
		{FormatCloudflare, "cloudflare.ndjson", []string{
			"GET 200 /v1/modules/terraform-aws-modules/vpc/aws/5.1.2/download 2026-11-03",
			"GET 200 /v1/modules/terraform-aws-modules/vpc/aws/versions 2026-11-03",
			"GET 200 /v1/modules/Terraform-AWS-Modules/VPC/aws/5.1.2/download 2026-11-03",
			"HEAD 200 /v1/modules/terraform-aws-modules/vpc/aws/5.1.2/download 2026-11-04",
			"GET 404 /v1/modules/terraform-aws-modules/vpc/aws/9.9.9/download 2026-11-04",
			"GET 200 /v1/providers/hashicorp/random/3.6.0/download/linux/amd64 2026-11-04",
			"GET 200 /v1/modules/hashicorp/consul/aws/0.12.0/download 2026-11-04",
			"GET 302 /v1/modules/hashicorp/consul/aws/download 2026-11-04",
		}},
		{FormatS3, "s3.log", []string{
			"GET 200 /registry/v1/modules/terraform-aws-modules/vpc/aws/5.1.2/download 2026-11-03",
			"GET 200 /registry/v1/modules/terraform-aws-modules/vpc/aws/versions 2026-11-03",
			"GET 200 /registry/v1/modules/hashicorp/consul/aws/0.12.0/download 2026-11-04",
			"HEAD 200 /registry/v1/modules/hashicorp/consul/aws/0.12.0/download 2026-11-04",
			"GET 404 /registry/v1/modules/hashicorp/consul/aws/9.9.9/download 2026-11-04",
			"GET 200 /registry/v1/providers/hashicorp/random/3.6.0/download/linux/amd64 2026-11-04",
		}},
	} {
		f, err := os.Open(filepath.Join("testdata", c.file))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		err = Parse(c.format, f, func(r Request) error {
			got = append(got, r.Method+" "+strconv.Itoa(r.Status)+" "+r.Path+" "+r.Time.UTC().Format(time.DateOnly))
			return nil
		})
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
		}
		if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", c.file, d)
		}
	}
}

func TestParseReportsBadLines(t *testing.T) {
	in := "{\"ClientRequestMethod\":\"GET\",\"ClientRequestURI\":\"/x\",\"EdgeResponseStatus\":200,\"EdgeStartTimestamp\":\"2026-11-03T10:00:00Z\"}\nnot json\n{\"ClientRequestMethod\":\"GET\",\"ClientRequestURI\":\"/y\",\"EdgeResponseStatus\":200}\n"
	n := 0
	err := Parse(FormatCloudflare, strings.NewReader(in), func(Request) error { n++; return nil })
	var le *LineError
	if n != 1 || !errors.As(err, &le) || le.Line != 2 || !strings.Contains(err.Error(), "line 3: EdgeStartTimestamp") {
		t.Errorf("n=%d err=%v", n, err)
	}
	if err := Parse("apache", strings.NewReader(""), nil); err == nil || !strings.Contains(err.Error(), "cloudflare, s3, cloudfront") {
		t.Errorf("unknown format: %v", err)
	}
	err = Parse(FormatCloudFront, strings.NewReader("2026-11-03\t10:00:00\tX\n"), func(Request) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "#Fields") {
		t.Errorf("cloudfront without header: %v", err)
	}
	err = Parse(FormatS3, strings.NewReader(`owner bucket [03/Nov/2026:10:15:01 +0000] 1.2.3.4 - ID REST.GET.OBJECT key "GET /key HTTP/1.1`), func(Request) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "unterminated quote") {
		t.Errorf("s3 unterminated: %v", err)
	}
}

func TestImport(t *testing.T) {
	s := NewStore(t.TempDir())
	fixed := func() time.Time { return time.Date(2026, 11, 22, 5, 0, 0, 0, time.UTC) }
	res, err := Import(ctx, s, []string{filepath.Join("testdata", "cloudflare.ndjson")}, ImportOptions{Format: FormatCloudflare, Now: fixed})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Requests != 8 || res[0].Downloads != 4 || res[0].Skipped {
		t.Errorf("cloudflare: %+v", res[0])
	}
	res, err = Import(ctx, s, []string{filepath.Join("testdata", "s3.log"), filepath.Join("testdata", "cloudflare.ndjson")}, ImportOptions{Format: FormatS3, Prefix: "registry/", Now: fixed})
	if err == nil {
		t.Fatal("a Cloudflare log read as S3 was accepted")
	} else if !strings.Contains(err.Error(), "cloudflare.ndjson") || !strings.Contains(err.Error(), "no line could be read") {
		t.Errorf("wrong-format error: %v", err)
	}
	res, err = Import(ctx, s, []string{filepath.Join("testdata", "s3.log")}, ImportOptions{Format: FormatS3, Prefix: "registry/", Now: fixed})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Requests != 6 || res[0].Downloads != 3 {
		t.Errorf("s3: %+v", res[0])
	}
	res, err = Import(ctx, s, []string{filepath.Join("testdata", "cloudfront.gz")}, ImportOptions{Format: FormatCloudFront, Now: fixed})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Requests != 4 || res[0].Downloads != 2 {
		t.Errorf("cloudfront: %+v", res[0])
	}
	// Importing the same file again counts nothing.
	res, err = Import(ctx, s, []string{filepath.Join("testdata", "cloudflare.ndjson")}, ImportOptions{Format: FormatCloudflare, Now: fixed})
	if err != nil || !res[0].Skipped {
		t.Errorf("re-import: %+v %v", res, err)
	}
	c, err := s.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)
	for entry, want := range map[string]int64{
		"module/terraform-aws-modules/vpc/aws": 2 + 1 + 1, // cloudflare 2, s3 1, cloudfront 1
		"module/hashicorp/consul/aws":          1 + 1 + 1,
		"provider/hashicorp/random":            1 + 1,
	} {
		if got := c.Summary(entry, now); got.Week != want || got.Total != want {
			t.Errorf("%s: %+v, want %d", entry, got, want)
		}
	}
	imported, _ := os.ReadFile(filepath.Join(s.Dir(), "imported.ndjson"))
	if n := bytes.Count(imported, []byte("\n")); n != 3 || !bytes.Contains(imported, []byte(`"file":"s3.log","format":"s3","imported":"2026-11-22T05:00:00Z"`)) {
		t.Errorf("imported.ndjson:\n%s", imported)
	}
}

// Two writers (a serve flush and an import) never lose each other's counts.
func TestConcurrentAdds(t *testing.T) {
	s := NewStore(t.TempDir())
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Separate Stores on the same folder, as separate processes would be.
			if err := NewStore(s.Dir()).Add(ctx, Counts{"module/a/b/c": {"2026-11-05": int64(i + 1)}}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	c, _ := s.Load(ctx)
	if got := c.Summary("module/a/b/c", time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)).Total; got != 210 {
		t.Errorf("total = %d, want 210", got)
	}
}

func TestDownloadEntry(t *testing.T) {
	for p, want := range map[string]string{
		"/v1/modules/Acme/VPC/aws/1.0.0/download":                 "module/acme/vpc/aws",
		"/v1/modules/acme/vpc/aws/1.0.0-beta.1/download":          "module/acme/vpc/aws",
		"/v1/providers/hashicorp/random/3.6.0/download/linux/arm": "provider/hashicorp/random",
		"/v1/modules/acme/vpc/aws/download":                       "",
		"/v1/modules/acme/vpc/aws/versions":                       "",
		"/v1/modules/acme/vpc/aws/latest/download":                "",
		"/v1/modules/../vpc/aws/1.0.0/download":                   "",
		"/v2/modules/acme/vpc/aws/1.0.0/download":                 "",
	} {
		got, ok := DownloadEntry(p)
		if got != want || ok != (want != "") {
			t.Errorf("DownloadEntry(%q) = %q, %v; want %q", p, got, ok, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"cloudflare.ndjson", "s3.log"} {
		data, _ := os.ReadFile(filepath.Join("testdata", name))
		f.Add(string(data), 0)
		f.Add(string(data), 1)
	}
	f.Add("#Fields: date time cs-method cs-uri-stem sc-status\n2026-11-03\t10:00:00\tGET\t/x\t200\n", 2)
	f.Fuzz(func(t *testing.T, in string, which int) {
		format := Formats[(which%3+3)%3]
		_ = Parse(format, strings.NewReader(in), func(r Request) error {
			if r.Path == "" || r.Method == "" {
				t.Fatalf("%s emitted %+v", format, r)
			}
			if e, ok := DownloadEntry(r.Path); ok && !validEntry(e) {
				t.Fatalf("invalid entry %q from %q", e, r.Path)
			}
			if c := ClientOf(r.Client); r.Client != "" && !strings.HasPrefix(c, "addr:") && !strings.HasPrefix(c, "net:") {
				t.Fatalf("client %q named %q", r.Client, c)
			}
			return nil
		})
	})
}

// Regression (issue 10, item 12), for logs: one client fetching a
// download 300 times counts once a day; other clients count each.
func TestImportCountsAClientOncePerVersionAndDay(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	line := func(ip, uri, ts string) {
		fmt.Fprintf(&b, `{"ClientIP":%q,"ClientRequestMethod":"GET","ClientRequestURI":%q,"EdgeResponseStatus":200,"EdgeStartTimestamp":%q}`+"\n", ip, uri, ts)
	}
	const dl = "/v1/modules/acme/vpc/aws/1.0.0/download"
	for i := range 300 {
		line("203.0.113.7", dl, fmt.Sprintf("2026-11-03T10:%02d:%02dZ", i/60, i%60))
	}
	line("203.0.113.8", dl, "2026-11-03T11:00:00Z")
	line("2001:db8:1:2::1", dl, "2026-11-03T11:00:00Z")
	line("2001:db8:1:2::99", dl, "2026-11-03T11:00:01Z") // same /64
	line("203.0.113.7", "/v1/modules/acme/vpc/aws/1.1.0/download", "2026-11-03T11:00:00Z")
	line("203.0.113.7", dl, "2026-11-04T00:00:01Z") // the next day
	name := filepath.Join(dir, "log.ndjson")
	if err := os.WriteFile(name, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	s := NewStore(filepath.Join(dir, "stats"))
	res, err := Import(ctx, s, []string{name}, ImportOptions{Format: FormatCloudflare})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Downloads != 5 || res[0].Repeats != 300 {
		t.Errorf("%+v, want 5 downloads (3 clients, another version, the next day) and 300 repeats", res[0])
	}
}
