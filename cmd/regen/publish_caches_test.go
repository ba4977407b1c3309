package main

import (
	"os"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/regen-registry/regen/modarchive"
	"github.com/regen-registry/regen/moddocs"
)

// The cache actions publish.yml uses.
const (
	cacheAction  = "actions/cache@v4"
	cacheRestore = "actions/cache/restore@v4"
	cacheSave    = "actions/cache/save@v4"
)

// TestPublishWorkflowKeepsTheStores checks that publish.yml carries the
// stores beside the data folder from one scheduled run to the next: every
// job restores the docs store and the archive store before its first regen
// command, and the publish job saves each, under the key it restores,
// after the last step that fills it (the docs store after the ingest and
// the packs, the archive store after the build, which fills it in archive
// mode). The pipeline tests keep only what the caches restore.
func TestPublishWorkflowKeepsTheStores(t *testing.T) {
	raw, err := os.ReadFile("../../.github/workflows/publish.yml")
	if err != nil {
		t.Fatal(err)
	}
	var wf publishWorkflow
	if err := yaml.Unmarshal(raw, &wf); err != nil {
		t.Fatal(err)
	}
	type want struct{ job, store, filledBy string }
	for _, w := range []want{
		{"ingest", moddocs.DefaultDirName, ""},
		{"ingest", modarchive.DefaultDirName, ""},
		{"publish", moddocs.DefaultDirName, "regen shard apply"},
		{"publish", modarchive.DefaultDirName, "regen build"},
	} {
		steps := wf.Jobs[w.job].Steps
		firstRegen, lastFill, restore, save := -1, -1, -1, -1
		for i, st := range steps {
			paths := strings.Fields(st.With["path"])
			switch {
			case strings.HasPrefix(strings.TrimSpace(st.Run), "regen ") && firstRegen < 0:
				firstRegen = i
			case (st.Uses == cacheRestore || st.Uses == cacheAction) && slices.Contains(paths, w.store):
				restore = i
			case st.Uses == cacheSave && slices.Contains(paths, w.store):
				save = i
			}
			if w.filledBy != "" && strings.Contains(st.Run, w.filledBy) {
				lastFill = i
			}
		}
		switch {
		case restore < 0 || restore > firstRegen:
			t.Errorf("job %s: %s not restored before its first regen step", w.job, w.store)
		case w.filledBy == "":
		case save < lastFill:
			t.Errorf("job %s: %s not saved after %q", w.job, w.store, w.filledBy)
		case steps[save].With["key"] != steps[restore].With["key"] ||
			!strings.HasPrefix(steps[save].With["key"], steps[restore].With["restore-keys"]):
			t.Errorf("job %s: %s saved under %q, restored from %q (%q)", w.job, w.store,
				steps[save].With["key"], steps[restore].With["key"], steps[restore].With["restore-keys"])
		}
	}
}
