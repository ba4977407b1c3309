package build

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/regen-registry/regen/manifest"
)

// A list that spilled renders the very line one held in memory would.
func TestFileListSpillsToTheSameLine(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var files []manifest.File
	for i := range 1000 {
		p := fmt.Sprintf("v1/modules/ns%d/n%d/aws/%d", r.IntN(50), r.IntN(50), i)
		if i%97 == 0 {
			p += "/odd\"path\\with\tescapes<&>"
		}
		files = append(files, manifest.File{Path: p, SHA256: fmt.Sprintf("%064x", r.Uint64()), Size: int64(i), Type: manifest.ContentType(p), Class: manifest.ClassListing})
	}
	for _, limit := range []int{1, 7, 999, 1000, 5000} {
		l := &fileList{dir: t.TempDir(), limit: limit, runs: 4 << 10}
		for _, f := range files {
			if err := l.add(f); err != nil {
				t.Fatal(err)
			}
		}
		if l.len() != len(files) {
			t.Fatalf("limit %d: len %d", limit, l.len())
		}
		var got bytes.Buffer
		if limit < len(files) && (!l.spilled() || l.sorter.Runs() < 10) {
			t.Errorf("limit %d: spilled %v, want many sorted runs", limit, l.spilled())
		}
		if l.spilled() {
			n, err := l.writeLine(&got, "~global", "in<&>put")
			if err != nil {
				t.Fatal(err)
			}
			if n != int64(got.Len()) {
				t.Errorf("limit %d: length %d, wrote %d", limit, n, got.Len())
			}
		} else {
			line, err := l.line("~global", "in<&>put")
			if err != nil {
				t.Fatal(err)
			}
			got.Write(line)
		}
		l.close()
		sorted := append([]manifest.File(nil), files...)
		sortFiles(sorted)
		want, err := entryLine(manifest.Entry{Key: "~global", Input: "in<&>put", Files: sorted})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("limit %d (spilled %v): line differs\n got %.200s\nwant %.200s", limit, limit < len(files), got.Bytes(), want)
		}
	}
}

// Builds whose entries spill (every entry past two files) write the same
// trees and manifests as builds that hold them, in full and incrementally.
func TestSpillingBuildsMatch(t *testing.T) {
	data := copyTree(t, testData)
	dir := t.TempDir()
	var last Summary
	build := func(name string, spill int) map[string]string {
		o := discoveryOptions(data, filepath.Join(dir, name))
		o.spillAt = spill
		last = mustBuild(t, o)
		return contents(snapshot(t, o.Out))
	}
	held, spilled := build("held", 0), build("spilled", 2)
	assertSameTrees(t, held, spilled)
	bumpSomeVersion(t, data)
	held, spilled = build("held", 0), build("spilled", 2)
	if last.Full || last.Deleted == 0 || last.Written == 0 {
		t.Errorf("second spilled build: %+v, want an incremental one that writes and deletes", last)
	}
	assertSameTrees(t, held, spilled)
	full := build("full", 0)
	assertSameTrees(t, full, spilled)
}

func assertSameTrees(t *testing.T, a, b map[string]string) {
	t.Helper()
	for p, s := range a {
		if b[p] != s {
			t.Errorf("%s differs", p)
		}
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			t.Errorf("%s only in the second tree", p)
		}
	}
}

// bumpSomeVersion replaces a module version with a newer one, so that a
// rebuild both adds and deletes files.
func bumpSomeVersion(t *testing.T, data string) {
	t.Helper()
	p := filepath.Join(data, "modules/e/Example/Upper/aws.json")
	b := mustRead(t, p)
	nb := bytes.Replace(b, []byte("v0.1.0"), []byte("v0.2.0"), 1)
	if bytes.Equal(b, nb) {
		t.Fatal("no v0.1.0 to bump")
	}
	if err := os.WriteFile(p, nb, 0o644); err != nil {
		t.Fatal(err)
	}
}
