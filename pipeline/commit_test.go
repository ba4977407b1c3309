package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/regen-registry/regen/regdata/events"
)

// A push refused because someone else pushed (events in the same month
// included) is rebased, with the change log merged, and pushed again.
func TestCommitRebasesAndRetriesAfterAConcurrentPush(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	bare := origin(t, "alpha", "delta")
	ours := clone(t, bare)
	theirs := clone(t, bare)
	// The ingest state is never committed, ignored or not.
	writeFile(t, filepath.Join(ours, ".regen/ingest-state/a.json"), "{}")
	writeFile(t, filepath.Join(filepath.Dir(ours), ".gitignore"), "/registry-data/.regen/\n")
	at := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	release(t, ours, "alpha", "1.0.0", at)
	release(t, theirs, "delta", "2.0.0", at.Add(time.Minute))
	git(t, theirs, "add", "-A")
	git(t, theirs, "commit", "-q", "-m", "someone else")
	git(t, theirs, "push", "-q", "origin", "HEAD:main")

	res, err := Commit(ctx, CommitOptions{Data: ours, Push: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Committed || res.Pushes != 2 {
		t.Errorf("result %+v, want a commit pushed on the second attempt", res)
	}
	check := clone(t, bare)
	if _, err := os.Stat(filepath.Join(check, ".regen")); err == nil {
		t.Error("the ingest state was committed")
	}
	evs, bad, err := events.Read(check)
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	var got []string
	for _, e := range evs {
		got = append(got, e.Namespace+e.Version)
	}
	if s := strings.Join(got, ","); s != "alpha,delta2.0.0,alpha1.0.0" {
		t.Errorf("events on the origin: %s", s)
	}
	if log := git(t, filepath.Dir(check), "log", "--format=%an %s"); !strings.Contains(log, "op "+DefaultCommitMessage) && !strings.Contains(log, "regen-bot "+DefaultCommitMessage) {
		t.Errorf("log:\n%s", log)
	}

	// Nothing changed: nothing committed, nothing pushed.
	res, err = Commit(ctx, CommitOptions{Data: ours, Push: true})
	if err != nil || res.Committed || res.Pushes != 0 {
		t.Errorf("second commit: %+v, %v", res, err)
	}
}
