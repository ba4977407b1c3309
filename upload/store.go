package upload

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrNotFound is returned (wrapped) by Store.Get and Store.Head when the
// object does not exist. Match it with errors.Is.
var ErrNotFound = errors.New("object not found")

// Meta is the metadata stored with an object.
type Meta struct {
	ContentType  string // Content-Type to serve the object with
	CacheControl string // Cache-Control to serve the object with
	SHA256       string // lower-case hex sha256 of the content ("" when unknown)
}

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	Key  string // relative to the store's root, slash-separated
	Size int64
	// ETag is the store's entity tag without quotes, "" when the store has
	// none. On S3 and R2 an object written by a single PutObject has the
	// hex MD5 of its content as ETag.
	ETag string
	// Meta is filled by Head. List leaves it empty: a listing does not
	// carry metadata.
	Meta Meta
}

// Store is a publishing target: an S3 bucket (prefix), an R2 bucket, a
// plain folder. Keys are slash-separated paths relative to the store's
// root, without leading slash, "." or ".." segments (see CheckKey).
//
// Contract, checked by upload/storetest for every implementation:
//   - Put writes the whole object atomically: a concurrent reader sees the
//     old content or the new, never a part or nothing (for a key that
//     existed). body is positioned at its start; an implementation may Seek
//     it back to retry. Put replaces the metadata along with the content.
//   - Get and Head return an error wrapping ErrNotFound for a missing key.
//   - Delete of a missing key succeeds.
//   - List calls fn for every object whose key starts with prefix, in an
//     unspecified order; it stops at the first error fn returns and returns
//     it.
//   - Transient failures (throttling, 5xx, dropped connections) are retried
//     inside the implementation; an error returned is final and names the
//     operation and the key.
//
// Implementations are safe for concurrent use.
type Store interface {
	Put(ctx context.Context, key string, body io.ReadSeeker, size int64, meta Meta) error
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	Head(ctx context.Context, key string) (ObjectInfo, error)
	Delete(ctx context.Context, key string) error
	List(ctx context.Context, prefix string, fn func(ObjectInfo) error) error
	// String names the store for messages ("s3://bucket/prefix").
	String() string
}

// CheckKey reports whether key is a valid object key: non-empty,
// slash-separated, no leading or trailing slash, no empty, "." or ".."
// segment, no backslash or control byte.
func CheckKey(key string) error {
	if key == "" {
		return errors.New("empty object key")
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return fmt.Errorf("object key %q: contains a control byte or backslash", key)
		}
	}
	for _, seg := range strings.Split(key, "/") {
		switch seg {
		case "":
			return fmt.Errorf("object key %q: empty path segment", key)
		case ".", "..":
			return fmt.Errorf("object key %q: %q segment", key, seg)
		}
	}
	return nil
}
