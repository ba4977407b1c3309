package serve

import (
	"context"
	"io"
	"time"
)

// Source opens the documents of a registry tree by path.
//
// The path is slash-separated, relative to the tree root, without a
// leading slash, and already checked by the Handler: it is a valid
// [io/fs] path, has no segment starting with "." other than ".well-known",
// and holds no control bytes. Implementations should still refuse anything
// else rather than trust their caller.
//
// Open returns an error matching [io/fs.ErrNotExist] (errors.Is) when the
// document does not exist or may not be served; the Handler answers 404.
// Any other error is a failure of the Source (500, logged). On success the
// caller closes Document.Body.
type Source interface {
	Open(ctx context.Context, path string) (*Document, error)
}

// Document is one response body with what the Handler needs to serve it.
type Document struct {
	// Body is the content; the Handler seeks it to learn its size and to
	// serve ranges, and closes it.
	Body io.ReadSeekCloser
	// ModTime, when not zero, is sent as Last-Modified.
	ModTime time.Time
	// ETag is the strong entity tag, quoted ("\"…\""). When empty the
	// Handler computes the sha256 of Body.
	ETag string
	// ContentType, when empty, is [manifest.ContentType] of the path.
	ContentType string
}
