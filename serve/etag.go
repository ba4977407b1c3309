package serve

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"sync"
	"sync/atomic"
	"time"
)

// defaultETagCacheSize bounds the ETag cache of a Dir (about 150 bytes an
// entry).
const defaultETagCacheSize = 1 << 17

// etagOf hashes r from its current position and seeks back to the start.
func etagOf(r io.ReadSeeker) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	return quoteETag(h.Sum(nil)), nil
}

func quoteETag(sum []byte) string { return `"` + hex.EncodeToString(sum) + `"` }

// etagCache remembers the ETag of a file for as long as its size and
// modification time stay the same.
type etagCache struct {
	mu     sync.Mutex
	max    int
	m      map[string]etagEntry
	hashed atomic.Int64 // files hashed, for tests
}

type etagEntry struct {
	size    int64
	modTime time.Time
	etag    string
}

func newETagCache(max int) *etagCache {
	return &etagCache{max: max, m: make(map[string]etagEntry)}
}

// get returns the ETag of the open file f (stat fi) at name, hashing it
// when the cache does not hold it for this size and modification time.
func (c *etagCache) get(name string, fi fs.FileInfo, f io.ReadSeeker) (string, error) {
	c.mu.Lock()
	e, ok := c.m[name]
	c.mu.Unlock()
	if ok && e.size == fi.Size() && e.modTime.Equal(fi.ModTime()) {
		return e.etag, nil
	}
	c.hashed.Add(1)
	etag, err := etagOf(f)
	if err != nil {
		return "", fmt.Errorf("computing ETag: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, present := c.m[name]; !present && len(c.m) >= c.max {
		for k := range c.m { // evict an arbitrary entry to stay bounded
			delete(c.m, k)
			break
		}
	}
	c.m[name] = etagEntry{size: fi.Size(), modTime: fi.ModTime(), etag: etag}
	return etag, nil
}

// len returns the number of cached entries.
func (c *etagCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
