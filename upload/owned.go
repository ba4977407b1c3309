package upload

import (
	"bytes"
	"slices"
)

// ownedSet is the set of paths regen published to a target: every path
// its last manifest and its journal list (tombstones included), kept as
// 16-byte path hashes in a sorted slice (a 1.4-million-file registry takes
// about 22 MB).
type ownedSet struct {
	hashes [][16]byte
}

// has reports whether regen published p.
func (s *ownedSet) has(p string) bool {
	_, ok := slices.BinarySearchFunc(s.hashes, pathHash(p), func(a, b [16]byte) int { return bytes.Compare(a[:], b[:]) })
	return ok
}

// len returns the number of paths.
func (s *ownedSet) len() int { return len(s.hashes) }

// readOwned reads every path the layers (manifest and journal segments)
// list, consuming them.
func readOwned(layers []*rawStream) (*ownedSet, error) {
	s := &ownedSet{}
	for _, l := range layers {
		for l.ok {
			e, err := l.entry()
			if err != nil {
				return nil, err
			}
			for _, f := range e.Files {
				s.hashes = append(s.hashes, pathHash(f.Path))
			}
			if err := l.advance(); err != nil {
				return nil, err
			}
		}
	}
	slices.SortFunc(s.hashes, func(a, b [16]byte) int { return bytes.Compare(a[:], b[:]) })
	s.hashes = slices.Compact(s.hashes)
	return s, nil
}
