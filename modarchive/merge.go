package modarchive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/regen-registry/regen/internal/modindex"
	"github.com/regen-registry/regen/regdata"
)

// This file is how one store takes in what another wrote (a sharded
// ingest's packages, carried to the publish job by `regen shard pack`):
// packages are checked against their names, and index entries are merged
// only when the package they name is in the store.

// ParseIndex returns the entries of an index file's content, refusing the
// file when an entry has neither or both of a package and an error, or a
// package that is not a sha256.
func ParseIndex(data []byte) (map[string]Entry, error) {
	return modindex.Decode(data, checkEntry)
}

// PutObject stores a package's bytes under its sha256 hash. It refuses
// bytes whose sha256 is not hash (a damaged copy); a package already in
// the store is left as it is.
func (s *Store) PutObject(ctx context.Context, hash string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !ValidSHA256(hash) {
		return fmt.Errorf("package %q: not a sha256", hash)
	}
	if got := sha256.Sum256(data); hex.EncodeToString(got[:]) != hash {
		return fmt.Errorf("package %s: content does not match its sha256", ObjectPath(hash))
	}
	dst := s.Object(hash)
	if _, err := os.Stat(dst); err == nil {
		return nil
	}
	if err := regdata.WriteFileAtomic(dst, data, 0o644); err != nil {
		return fmt.Errorf("storing package %s: %w", ObjectPath(hash), err)
	}
	return nil
}

// Merge records entries in the module's index in one atomic write; the
// versions it does not name keep their entries. An entry whose package is
// not in the store is left out (a build fills that version again) and its
// version returned, sorted.
func (s *Store) Merge(ctx context.Context, addr regdata.ModuleAddr, entries map[string]Entry) (left []string, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	keep := make(map[string]Entry, len(entries))
	for v, e := range entries {
		if err := checkEntry(e); err != nil {
			return nil, fmt.Errorf("module %s, version %q: %w", addr, v, err)
		}
		if e.SHA256 != "" {
			if _, err := os.Stat(s.Object(e.SHA256)); err != nil {
				left = append(left, v)
				continue
			}
		}
		keep[v] = e
	}
	slices.Sort(left)
	if len(keep) == 0 {
		return left, nil
	}
	if err := s.indexes.Merge(addr, keep); err != nil {
		return left, fmt.Errorf("merging the index of %s into %s: %w", addr, filepath.Clean(s.dir), err)
	}
	return left, nil
}
