package ingest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/regen-registry/regen/internal/ghtest"
)

// Issue 10 item 6: one repository adds at most MaxNewVersions versions per
// run, newest first; the next runs list its tags (the feed shows nothing
// new) and add the rest; published versions are never dropped.
func TestMaxNewVersionsPerRun(t *testing.T) {
	e := newEnv(t)
	key := ghtest.NewKeyEd25519(t, "Acme")
	e.writeKey("acme", key)
	paddr := e.provider("acme", "widget")
	for i := range 5 {
		e.srv.AddProviderRelease("acme", "terraform-provider-widget", ghtest.ProviderRelease{Type: "widget", Version: fmt.Sprintf("1.0.%d", i), Key: key})
	}
	maddr := e.module("acme", "vpc", "aws")
	r := e.srv.NewRepo("acme", "terraform-aws-vpc")
	c := r.Commit(map[string]string{"main.tf": "#"}, "one")
	for i := range 5 {
		r.Tag(fmt.Sprintf("v2.0.%d", i), c)
	}
	capped := func(o *Options) { o.MaxNewVersions = 2 }

	for run, want := range [][2][]string{
		{{"1.0.4", "1.0.3"}, {"v2.0.4", "v2.0.3"}},
		{{"1.0.4", "1.0.3", "1.0.2", "1.0.1"}, {"v2.0.4", "v2.0.3", "v2.0.2", "v2.0.1"}},
		{{"1.0.4", "1.0.3", "1.0.2", "1.0.1", "1.0.0"}, {"v2.0.4", "v2.0.3", "v2.0.2", "v2.0.1", "v2.0.0"}},
	} {
		e.advance(time.Minute)
		sum := e.run(capped)
		mustNoFailures(t, sum)
		got := providerVersions(e.readProvider(paddr))
		slices.Sort(got)
		slices.Sort(want[0])
		if !slices.Equal(got, want[0]) {
			t.Errorf("run %d: provider versions %v, want %v", run+1, got, want[0])
		}
		gotM := moduleVersions(e.readModule(maddr))
		slices.Sort(gotM)
		slices.Sort(want[1])
		if !slices.Equal(gotM, want[1]) {
			t.Errorf("run %d: module versions %v, want %v", run+1, gotM, want[1])
		}
		left := 2 * (5 - len(want[0]))
		if sum.Postponed != left {
			t.Errorf("run %d: postponed %d, want %d", run+1, sum.Postponed, left)
		}
		warned := 0
		for _, w := range sum.Warnings {
			if strings.Contains(w.Message, "left for the next runs") {
				warned++
			}
		}
		if (left > 0) != (warned == 2) {
			t.Errorf("run %d: warnings %+v", run+1, sum.Warnings)
		}
	}
	// Done: the next poll is the feed's conditional request alone.
	e.advance(time.Minute)
	e.srv.ResetCounts()
	mustNoFailures(t, e.run(capped))
	for _, l := range e.srv.RequestLog() {
		if !strings.HasSuffix(l.Path, ".atom") {
			t.Errorf("request %s after the backlog was done", l.Path)
		}
	}
}
