package upload

import (
	"encoding/hex"
	"fmt"
	"sort"

	"github.com/regen-registry/regen/manifest"
)

// numClasses is len(manifest.Order).
const numClasses = 5

// classIndex returns c's position in manifest.Order.
func classIndex(c manifest.Class) (int, bool) {
	for i, k := range manifest.Order {
		if k == c {
			return i, true
		}
	}
	return 0, false
}

// plan is what an upload will do: per class, the objects to send (and to
// purge) and the objects to delete, spooled to disk.
type plan struct {
	puts    [numClasses]*spool
	deletes [numClasses]*spool

	sendCount   [numClasses]int64
	sendBytes   [numClasses]int64
	deleteCount int64
	skipped     int64
	resumed     int64 // skipped thanks to an interrupted run's journal
	purges      int64 // URLs to purge
	examples    []string
	verified    bool
	// unowned counts the target's objects outside the build that no
	// manifest or journal of regen's lists; unownedKeys holds the first
	// maxUnownedKeys of them, in order.
	unowned     int64
	unownedKeys []string
}

// maxUnownedKeys bounds the unowned keys a summary lists.
const maxUnownedKeys = 1000

func newPlan(dir string) (*plan, error) {
	p := &plan{}
	for i := range numClasses {
		var err error
		if p.puts[i], err = newSpool(dir); err != nil {
			p.close()
			return nil, err
		}
		if p.deletes[i], err = newSpool(dir); err != nil {
			p.close()
			return nil, err
		}
	}
	return p, nil
}

func (p *plan) close() {
	for i := range numClasses {
		if p.puts[i] != nil {
			p.puts[i].close()
		}
		if p.deletes[i] != nil {
			p.deletes[i].close()
		}
	}
}

func (p *plan) seal() error {
	for i := range numClasses {
		if err := p.puts[i].seal(); err != nil {
			return err
		}
		if err := p.deletes[i].seal(); err != nil {
			return err
		}
	}
	return nil
}

// put plans a->Send (upload) and/or a.Purge (purge) of a build file.
func (p *plan) put(a action) error {
	i, ok := classIndex(a.Class)
	if !ok {
		return fmt.Errorf("%s: unknown class %q", a.Path, a.Class)
	}
	if a.Send {
		p.sendCount[i]++
		p.sendBytes[i] += a.Size
	}
	if a.Purge {
		p.purges += int64(len(publicURLs("", a.Path)))
	}
	return p.puts[i].add(a)
}

// del plans the deletion of a remote object no longer in the build.
func (p *plan) del(a action, purge bool) error {
	i, ok := classIndex(a.Class)
	if !ok {
		i = 0 // unknown: delete with the leaves, last
	}
	p.deleteCount++
	if purge {
		p.purges += int64(len(publicURLs("", a.Path)))
		a.Purge = true
	}
	if len(p.examples) < 5 {
		p.examples = append(p.examples, a.Path)
	}
	return p.deletes[i].add(a)
}

func (p *plan) sends() (n, bytes int64) {
	for i := range numClasses {
		n += p.sendCount[i]
		bytes += p.sendBytes[i]
	}
	return n, bytes
}

// checkFile validates one file of the local manifest.
func checkFile(entry string, f manifest.File) error {
	where := fmt.Sprintf("build manifest entry %q, file %q", entry, f.Path)
	if err := CheckKey(f.Path); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	if isInternal(f.Path) {
		return fmt.Errorf("%s: paths under %s are reserved for regen", where, internalPrefix)
	}
	if _, ok := classIndex(f.Class); !ok {
		return fmt.Errorf("%s: unknown class %q (want one of %v)", where, f.Class, manifest.Order)
	}
	if b, err := hex.DecodeString(f.SHA256); err != nil || len(b) != 32 || hex.EncodeToString(b) != f.SHA256 {
		return fmt.Errorf("%s: sha256 %q is not 64 lower-case hex digits", where, f.SHA256)
	}
	if f.Size < 0 {
		return fmt.Errorf("%s: negative size", where)
	}
	return nil
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
