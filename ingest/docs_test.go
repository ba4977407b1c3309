package ingest

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regen-registry/regen/internal/fixtures"
	"github.com/regen-registry/regen/moddocs"
	"github.com/regen-registry/regen/modsource"
	"github.com/regen-registry/regen/regdata"
)

// sharedDetector is built once per test binary: it costs ~0.6 s.
var sharedDetector = sync.OnceValues(moddocs.NewLicenseDetector)

// vpcModule is a small module: one input, one output, a README and an MIT
// licence.
var vpcModule = map[string]string{
	"LICENSE":   fixtures.MIT,
	"README.md": "# VPC\n\nA network.\n",
	"main.tf": `variable "cidr" {
  type        = string
  description = "Address range of the VPC."
  default     = "10.0.0.0/16"
}

output "vpc_id" {
  description = "ID of the VPC."
  value       = "vpc-${var.cidr}"
}
`,
}

// withDocs turns documentation extraction on, into dir.
func withDocs(t *testing.T, dir string) func(*Options) {
	t.Helper()
	det, err := sharedDetector()
	if err != nil {
		t.Fatal(err)
	}
	return func(o *Options) { o.Docs = &DocsOptions{Dir: dir, Detector: det} }
}

func docsWarnings(s *Summary) []string {
	var out []string
	for _, w := range s.Warnings {
		if strings.Contains(w.Message, "docs") || strings.Contains(w.Message, "documentation") {
			out = append(out, w.Entry+": "+w.Message)
		}
	}
	return out
}

// A module's versions get their documentation extracted from the real git
// repository once: new versions on later runs are extracted, stored ones
// are not fetched again.
func TestModuleDocsExtractedOnce(t *testing.T) {
	e := newEnv(t)
	docsDir := filepath.Join(t.TempDir(), "registry-docs")
	addr := e.module("acme", "vpc", "aws")
	r := e.srv.NewRepo("acme", "terraform-aws-vpc")
	c1 := r.Commit(vpcModule, "first")
	r.Tag("v1.0.0", c1)

	sum := e.run(withDocs(t, docsDir))
	mustNoFailures(t, sum)
	if w := docsWarnings(sum); len(w) > 0 {
		t.Fatalf("docs warnings: %v", w)
	}
	store := moddocs.NewStore(docsDir, nil)
	ctx := context.Background()
	d, err := store.Get(ctx, addr, "v1.0.0")
	if err != nil {
		t.Fatalf("docs of v1.0.0: %v", err)
	}
	if d.Withheld {
		t.Errorf("docs withheld under licences %+v", d.Licenses)
	}
	if !slices.ContainsFunc(d.Licenses, func(l moddocs.License) bool { return l.SPDX == "MIT" && l.File == "LICENSE" }) {
		t.Errorf("licences %+v, want MIT in LICENSE", d.Licenses)
	}
	if len(d.Root.Inputs) != 1 || d.Root.Inputs[0].Name != "cidr" || d.Root.Inputs[0].Description != "Address range of the VPC." {
		t.Errorf("inputs %+v", d.Root.Inputs)
	}
	if len(d.Root.Outputs) != 1 || d.Root.Outputs[0].Name != "vpc_id" {
		t.Errorf("outputs %+v", d.Root.Outputs)
	}
	first, ok, err := store.Lookup(ctx, addr, "v1.0.0")
	if err != nil || !ok || first.Commit != c1 || !first.Extracted.Equal(e.clock()) {
		t.Fatalf("entry %+v %v %v, want commit %s extracted at %s", first, ok, err, c1, e.clock())
	}

	// A new version: only it is extracted.
	e.advance(time.Hour)
	c2 := r.Commit(map[string]string{"main.tf": vpcModule["main.tf"] + "\noutput \"cidr\" {\n  value = var.cidr\n}\n"}, "second")
	r.AnnotatedTag("v1.1.0", c2, "Release 1.1.0")
	e.srv.ResetCounts()
	sum = e.run(withDocs(t, docsDir))
	mustNoFailures(t, sum)
	if w := docsWarnings(sum); len(w) > 0 {
		t.Fatalf("docs warnings: %v", w)
	}
	again, _, _ := store.Lookup(ctx, addr, "v1.0.0")
	if !again.Extracted.Equal(first.Extracted) {
		t.Errorf("v1.0.0 extracted again at %s (first at %s)", again.Extracted, first.Extracted)
	}
	second, ok, _ := store.Lookup(ctx, addr, "v1.1.0")
	if !ok || second.Commit != c2 || !second.Extracted.Equal(e.clock()) {
		t.Errorf("v1.1.0 entry %+v, want commit %s extracted at %s", second, c2, e.clock())
	}
	if d, err := store.Get(ctx, addr, "v1.1.0"); err != nil || len(d.Root.Outputs) != 2 {
		t.Errorf("docs of v1.1.0: %+v %v", d, err)
	}
	if n := e.srv.RequestCount("/acme/terraform-aws-vpc.git/git-upload-pack"); n != 1 {
		t.Errorf("%d fetches for one new version", n)
	}

	// Nothing new: the feed answers 304 and nothing is fetched.
	e.advance(time.Hour)
	e.srv.ResetCounts()
	mustNoFailures(t, e.run(withDocs(t, docsDir)))
	if log := e.srv.RequestLog(); len(log) != 1 || log[0].Status != http.StatusNotModified {
		t.Errorf("unchanged run: %+v", log)
	}
}

// Versions the store lacks are extracted on a later run even when the
// repository did not change, until the module is complete; without
// Options.Docs nothing is extracted.
func TestModuleDocsBackfillAndOff(t *testing.T) {
	e := newEnv(t)
	docsDir := filepath.Join(t.TempDir(), "registry-docs")
	addr := e.module("acme", "vpc", "aws")
	r := e.srv.NewRepo("acme", "terraform-aws-vpc")
	r.Tag("v1.0.0", r.Commit(vpcModule, "first"))

	mustNoFailures(t, e.run())
	if _, err := os.Stat(docsDir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("docs store written without Options.Docs: %v", err)
	}
	e.advance(time.Hour)
	sum := e.run(withDocs(t, docsDir))
	mustNoFailures(t, sum)
	if sum.Unchanged != 1 {
		t.Errorf("summary %+v, want the entry unchanged", sum)
	}
	if ok, err := moddocs.NewStore(docsDir, nil).Has(context.Background(), addr, "v1.0.0"); !ok || err != nil {
		t.Errorf("v1.0.0 not backfilled: %v", err)
	}

	// Complete now: an unchanged poll does not look at the docs again
	// (not even when the store is lost); a full listing does.
	if err := os.RemoveAll(docsDir); err != nil {
		t.Fatal(err)
	}
	pack := "/acme/terraform-aws-vpc.git/git-upload-pack"
	e.advance(time.Hour)
	e.srv.ResetCounts()
	mustNoFailures(t, e.run(withDocs(t, docsDir)))
	if n := e.srv.RequestCount(pack); n != 0 {
		t.Errorf("unchanged poll of a documented module fetched %d times", n)
	}
	if _, err := os.Stat(docsDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("unchanged poll touched the docs store: %v", err)
	}
	e.advance(time.Hour)
	mustNoFailures(t, e.run(withDocs(t, docsDir), func(o *Options) { o.Full = true }))
	if ok, err := moddocs.NewStore(docsDir, nil).Has(context.Background(), addr, "v1.0.0"); !ok || err != nil {
		t.Errorf("full listing did not restore the lost docs: %v", err)
	}
}

// A failed fetch is a warning and is retried on the next run; a source
// that is gone for good is recorded and not fetched again. Versions are
// published either way.
func TestModuleDocsFailures(t *testing.T) {
	e := newEnv(t)
	docsDir := filepath.Join(t.TempDir(), "registry-docs")
	addr := e.regModule(t, "acme", "vpc", "aws", regdata.ModuleVersion{
		Version: "v0.9.0", Commit: strings.Repeat("de", 20), Discovered: "2026-01-01T00:00:00Z",
	})
	r := e.srv.NewRepo("acme", "terraform-aws-vpc")
	r.Tag("v1.0.0", r.Commit(vpcModule, "first"))
	pack := "/acme/terraform-aws-vpc.git/git-upload-pack"
	e.srv.FailNext(pack, 1, http.StatusBadGateway)

	sum := e.run(withDocs(t, docsDir))
	mustNoFailures(t, sum)
	if got := moduleVersions(e.readModule(addr)); !slices.Equal(got, []string{"v1.0.0", "v0.9.0"}) {
		t.Fatalf("versions %v", got)
	}
	w := docsWarnings(sum)
	if len(w) != 2 || !strings.Contains(w[0], "v0.9.0") || !strings.Contains(w[0], "without documentation") ||
		!strings.Contains(w[1], "v1.0.0") || !strings.Contains(w[1], "retried next run") {
		t.Fatalf("docs warnings %q, want v0.9.0 gone and v1.0.0 retried", w)
	}
	store := moddocs.NewStore(docsDir, nil)
	ctx := context.Background()
	if ok, _ := store.Has(ctx, addr, "v1.0.0"); ok {
		t.Fatal("transient failure recorded")
	}
	_, err := store.Get(ctx, addr, "v0.9.0")
	var rec *moddocs.RecordedError
	if !errors.As(err, &rec) || !strings.Contains(rec.Message, "v0.9.0 not found") {
		t.Fatalf("v0.9.0: %v, want a recorded error", err)
	}

	e.advance(time.Hour)
	sum = e.run(withDocs(t, docsDir))
	mustNoFailures(t, sum)
	if ok, _ := store.Has(ctx, addr, "v1.0.0"); !ok {
		t.Errorf("v1.0.0 not extracted on retry; warnings %q", docsWarnings(sum))
	}
	if w := docsWarnings(sum); len(w) != 0 {
		t.Errorf("warnings on retry %q", w)
	}

	e.advance(time.Hour)
	e.srv.ResetCounts()
	sum = e.run(withDocs(t, docsDir), func(o *Options) { o.Full = true })
	mustNoFailures(t, sum)
	if n := e.srv.RequestCount(pack); n != 0 || len(docsWarnings(sum)) != 0 {
		t.Errorf("third run: %d fetches, warnings %q", n, docsWarnings(sum))
	}
}

// After a failed fetch, the module's other versions wait for the next run
// instead of failing one by one.
func TestModuleDocsWaitAfterFetchFailure(t *testing.T) {
	e := newEnv(t)
	docsDir := filepath.Join(t.TempDir(), "registry-docs")
	addr := e.module("acme", "vpc", "aws")
	r := e.srv.NewRepo("acme", "terraform-aws-vpc")
	r.Tag("v1.0.0", r.Commit(vpcModule, "first"))
	r.Tag("v1.1.0", r.Commit(map[string]string{"README.md": "# VPC 1.1\n"}, "second"))
	pack := "/acme/terraform-aws-vpc.git/git-upload-pack"
	e.srv.FailNext(pack, 1, http.StatusServiceUnavailable)

	sum := e.run(withDocs(t, docsDir), func(o *Options) { o.Jobs = 1 })
	mustNoFailures(t, sum)
	w := docsWarnings(sum)
	if len(w) != 2 || !strings.Contains(w[0], "1 more version(s) not tried") || !strings.Contains(w[1], "503") {
		t.Errorf("warnings %q", w)
	}
	if n := e.srv.RequestCount(pack); n != 1 {
		t.Errorf("%d fetches, want 1", n)
	}
	e.advance(time.Hour)
	mustNoFailures(t, e.run(withDocs(t, docsDir), func(o *Options) { o.Jobs = 1 }))
	idx, err := moddocs.NewStore(docsDir, nil).Index(context.Background(), addr)
	if err != nil || len(idx) != 2 {
		t.Errorf("index after the retry: %+v %v", idx, err)
	}
}

// A licence allowlist that is not SPDX identifiers stops the run before it
// starts.
func TestModuleDocsBadLicences(t *testing.T) {
	e := newEnv(t)
	_, err := Run(context.Background(), func() Options {
		o := e.options()
		o.Docs = &DocsOptions{Licenses: []string{"MIT License"}}
		return o
	}())
	if err == nil || !strings.Contains(err.Error(), "MIT License") {
		t.Errorf("Run: %v", err)
	}
}

// regModule writes a module file holding versions.
func (e *env) regModule(t *testing.T, ns, name, system string, versions ...regdata.ModuleVersion) regdata.ModuleAddr {
	t.Helper()
	a := regdata.ModuleAddr{Namespace: ns, Name: name, System: system}
	if err := e.dir.WriteModule(a, &regdata.ModuleFile{Versions: versions}); err != nil {
		t.Fatal(err)
	}
	return a
}

// A version whose source exceeds the fetch limits (a git bomb, in small)
// is published without documentation and recorded as such, with the
// reason; the run does not fail and the module's other versions get their
// documentation.
func TestModuleDocsOverLimits(t *testing.T) {
	e := newEnv(t)
	docsDir := filepath.Join(t.TempDir(), "registry-docs")
	addr := e.module("acme", "vpc", "aws")
	r := e.srv.NewRepo("acme", "terraform-aws-vpc")
	big := maps.Clone(vpcModule)
	big["zeros.bin"] = strings.Repeat("\x00", 64<<10)
	r.Tag("v1.0.0", r.Commit(big, "big"))
	r.Tag("v1.1.0", r.Snapshot(vpcModule, "small"))

	sum := e.run(withDocs(t, docsDir), func(o *Options) { o.Docs.Limits = modsource.Limits{MaxFileBytes: 32 << 10} })
	mustNoFailures(t, sum)
	if got := moduleVersions(e.readModule(addr)); !slices.Equal(got, []string{"v1.1.0", "v1.0.0"}) {
		t.Fatalf("versions %v", got)
	}
	w := docsWarnings(sum)
	if len(w) != 1 || !strings.Contains(w[0], "docs of v1.0.0 unavailable") || !strings.Contains(w[0], "exceeds the limit of 32768 bytes") {
		t.Fatalf("docs warnings %q", w)
	}
	store := moddocs.NewStore(docsDir, nil)
	ctx := context.Background()
	_, err := store.Get(ctx, addr, "v1.0.0")
	var rec *moddocs.RecordedError
	if !errors.As(err, &rec) || !strings.Contains(rec.Message, "exceeds the limit") {
		t.Fatalf("v1.0.0: %v, want a recorded limit error", err)
	}
	if d, err := store.Get(ctx, addr, "v1.1.0"); err != nil || d.Root.Readme == "" {
		t.Fatalf("v1.1.0 docs: %v, %v", d, err)
	}
}
