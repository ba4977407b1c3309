package upload

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// state is where an upload keeps its records of a target: the manifest of
// the last completed upload, its checksum and the journal of an upload in
// progress.
//
// By default they live in the target under ".regen/state-<id>/", <id>
// being 32 random hex digits chosen by the first upload and found again by
// listing ".regen/" (which needs the s3:ListBucket permission an upload
// has and a public reader lacks). A host serving every object of a bucket
// therefore cannot be asked for them by name, and `regen serve` and the
// worker never serve ".regen/" at all. Options.State moves them to another
// store (another bucket, a prefix outside the served one, a local folder).
//
// Earlier versions of regen kept them at fixed names directly under
// ".regen/" (the legacy layout). A run finding those reads them as its
// starting point, writes its state at the new place, and then deletes the
// legacy objects.
type state struct {
	store  Store  // holds the state: the target, or Options.State
	prefix string // key prefix of the state in store: "" or ending in "/"
	id     string // the state folder's random id (target state only)
	fresh  bool   // no state folder existed: nothing to read from it

	// segments are the journal's keys in store, oldest first (legacy
	// segments, when the state is in the target, come first); next is the
	// number of the next segment.
	segments []string
	next     int

	// legacyManifest and legacySum tell whether the target holds the
	// legacy manifest and checksum; legacy lists every legacy object, to
	// delete once the state is committed at its new place.
	legacyManifest, legacySum bool
	legacy                    []string
	target                    Store
}

func (s *state) key(name string) string { return s.prefix + name }

// journalPrefix is where the journal's segments go.
func (s *state) journalPrefix() string { return s.prefix + JournalDir }

// describe names the state's place for messages.
func (s *state) describe() string {
	if s.prefix == "" {
		return s.store.String()
	}
	return s.store.String() + " under " + s.prefix
}

// segmentNumber parses a journal segment's name (relative to the journal
// folder): ten digits and ".gz".
func segmentNumber(name string) (int, bool) {
	num, ok := strings.CutSuffix(name, ".gz")
	if !ok || len(num) != 10 || strings.Trim(num, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(num)
	if err != nil || n >= maxSegment {
		return 0, false
	}
	return n, true
}

// maxSegment bounds segment numbers (ten digits), so the next one never
// overflows its name.
const maxSegment = 9_999_999_999

// validStateID reports whether id is 32 lower-case hex digits.
func validStateID(id string) bool {
	if len(id) != 32 {
		return false
	}
	b, err := hex.DecodeString(id)
	return err == nil && len(b) == 16 && hex.EncodeToString(b) == id
}

// newStateID returns 128 random bits in hex.
func newStateID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

type numberedKey struct {
	key string
	n   int
}

// locateState finds the upload state of o's target (one listing of the
// target's ".regen/" folder, plus one of the journal with Options.State).
func locateState(ctx context.Context, o *Options) (*state, error) {
	st := &state{store: o.Store, target: o.Store, next: 1}
	ids := map[string]bool{}
	var legacySegs []numberedKey
	stateSegs := map[string][]numberedKey{}
	err := o.Store.List(ctx, internalPrefix, func(obj ObjectInfo) error {
		rest := strings.TrimPrefix(obj.Key, legacyPrefix)
		switch {
		case rest == ManifestName:
			st.legacyManifest = true
			st.legacy = append(st.legacy, obj.Key)
		case rest == ManifestSumName:
			st.legacySum = true
			st.legacy = append(st.legacy, obj.Key)
		case strings.HasPrefix(rest, JournalDir):
			if n, ok := segmentNumber(strings.TrimPrefix(rest, JournalDir)); ok {
				legacySegs = append(legacySegs, numberedKey{obj.Key, n})
				st.legacy = append(st.legacy, obj.Key)
			}
		case strings.HasPrefix(obj.Key, StateDirPrefix):
			id, inner, ok := strings.Cut(strings.TrimPrefix(obj.Key, StateDirPrefix), "/")
			if !ok || !validStateID(id) {
				return nil // not ours; leave it alone
			}
			ids[id] = true
			if seg, ok := strings.CutPrefix(inner, JournalDir); ok {
				if n, ok := segmentNumber(seg); ok {
					stateSegs[id] = append(stateSegs[id], numberedKey{obj.Key, n})
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing regen's state in %s: %w", o.Store, err)
	}
	var segs []numberedKey
	if o.State != nil {
		st.store = o.State
		err := o.State.List(ctx, JournalDir, func(obj ObjectInfo) error {
			if n, ok := segmentNumber(strings.TrimPrefix(obj.Key, JournalDir)); ok {
				segs = append(segs, numberedKey{obj.Key, n})
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("listing the upload journal in %s: %w", o.State, err)
		}
		// The legacy journal is in the target, not in the state store:
		// it is deleted with the rest of the legacy objects, not read.
	} else {
		switch len(ids) {
		case 0:
			st.id, st.fresh = newStateID(), true
		case 1:
			for id := range ids {
				st.id = id
			}
		default:
			found := make([]string, 0, len(ids))
			for id := range ids {
				found = append(found, StateDirPrefix+id+"/")
			}
			slices.Sort(found)
			return nil, fmt.Errorf("%s holds several regen state folders (%s): one target must have one writer; delete the folders of the uploads that are not this one's", o.Store, strings.Join(found, ", "))
		}
		st.prefix = StateDirPrefix + st.id + "/"
		segs = append(sortSegments(legacySegs), sortSegments(stateSegs[st.id])...)
	}
	for _, s := range segs {
		st.segments = append(st.segments, s.key)
		st.next = max(st.next, s.n+1)
	}
	for _, s := range legacySegs {
		st.next = max(st.next, s.n+1)
	}
	slices.Sort(st.legacy)
	return st, nil
}

func sortSegments(s []numberedKey) []numberedKey {
	slices.SortFunc(s, func(a, b numberedKey) int { return a.n - b.n })
	return s
}

// readSum reads the checksum of the last completed upload's manifest, ""
// when there is none.
func (s *state) readSum(ctx context.Context) (string, error) {
	b, err := readSmall(ctx, s.store, s.key(ManifestSumName), 1024)
	if errors.Is(err, ErrNotFound) && s.legacySum {
		b, err = readSmall(ctx, s.target, legacyPrefix+ManifestSumName, 1024)
	}
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading the target's manifest checksum: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// openManifest downloads the last completed upload's manifest into a
// temporary file in tmp; nil when there is none.
func (s *state) openManifest(ctx context.Context, tmp string) (*fileLayer, error) {
	key := s.key(ManifestName)
	f, err := download(ctx, s.store, key, tmp)
	if errors.Is(err, ErrNotFound) && s.legacyManifest {
		key = legacyPrefix + ManifestName
		f, err = download(ctx, s.target, key, tmp)
	}
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the target's manifest: %w", err)
	}
	return &fileLayer{name: key, f: f}, nil
}

// removeLegacy deletes the objects of the legacy layout, once the state
// is committed at its new place.
func (s *state) removeLegacy(ctx context.Context) error {
	// The checksum first: a crash part-way leaves no checksum promising a
	// manifest that is gone.
	keys := slices.Clone(s.legacy)
	slices.SortStableFunc(keys, func(a, b string) int {
		return boolInt(!strings.HasSuffix(a, ManifestSumName)) - boolInt(!strings.HasSuffix(b, ManifestSumName))
	})
	for _, key := range keys {
		if err := s.target.Delete(ctx, key); err != nil {
			return fmt.Errorf("removing regen's state from its old, public place: %w", err)
		}
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// StateFolder returns the folder of regen's upload state in target
// (".regen/state-<id>/"), or "" when no upload has written one there.
func StateFolder(ctx context.Context, target Store) (string, error) {
	st, err := locateState(ctx, &Options{Store: target})
	if err != nil || st.fresh {
		return "", err
	}
	return st.prefix, nil
}
