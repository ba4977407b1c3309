package gittags

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
)

// Tag is one tag of a repository.
type Tag struct {
	// Name is the tag without "refs/tags/".
	Name string
	// Commit is the commit the tag points at (peeled for annotated tags).
	Commit string
	// Object is the tag object of an annotated tag ("" for a lightweight
	// tag).
	Object string
}

// ErrNotFound is returned (wrapped) when the repository does not exist or
// is not readable without credentials: GitHub answers the same for both.
var ErrNotFound = errors.New("repository not found")

// DefaultMaxAdvertisement bounds the reference advertisement read for one
// repository: about 100 bytes a ref, so some 150,000 tags and branches.
const DefaultMaxAdvertisement = 16 << 20

// ErrTooManyRefs is returned (wrapped) when a repository advertises more
// than the lister reads.
var ErrTooManyRefs = errors.New("reference advertisement too large")

// Lister lists tags through an HTTP client (whose transport applies rate
// limits and counts requests).
type Lister struct {
	transport transport.Transport
}

// NewLister returns a lister whose requests go through hc, reading at most
// DefaultMaxAdvertisement bytes of each repository's references.
func NewLister(hc *http.Client) *Lister {
	return NewListerLimit(hc, DefaultMaxAdvertisement)
}

// NewListerLimit is NewLister reading at most maxBytes of each
// repository's reference advertisement: a repository with more refs (a
// publisher pushing thousands of tags) fails with ErrTooManyRefs instead
// of filling memory.
func NewListerLimit(hc *http.Client, maxBytes int64) *Lister {
	c := *hc
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	c.Transport = limitTransport{base: base, max: maxBytes}
	return &Lister{transport: githttp.NewClient(&c)}
}

// limitTransport fails response bodies after max bytes.
type limitTransport struct {
	base http.RoundTripper
	max  int64
}

func (t limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &limitedBody{ReadCloser: resp.Body, left: t.max, max: t.max}
	return resp, nil
}

type limitedBody struct {
	io.ReadCloser
	left, max int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, fmt.Errorf("%w: over %d bytes", ErrTooManyRefs, b.max)
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}

// List returns the tags of the repository at url, sorted by name. An empty
// repository has no tags.
func (l *Lister) List(ctx context.Context, url string) ([]Tag, error) {
	ep, err := transport.NewEndpoint(url)
	if err != nil {
		return nil, fmt.Errorf("listing tags of %s: %w", url, err)
	}
	sess, err := l.transport.NewUploadPackSession(ep, nil)
	if err != nil {
		return nil, fmt.Errorf("listing tags of %s: %w", url, err)
	}
	defer sess.Close()
	ar, err := sess.AdvertisedReferencesContext(ctx)
	switch {
	case errors.Is(err, transport.ErrEmptyRemoteRepository):
		return nil, nil
	case errors.Is(err, transport.ErrRepositoryNotFound), errors.Is(err, transport.ErrAuthenticationRequired),
		errors.Is(err, transport.ErrAuthorizationFailed):
		return nil, fmt.Errorf("listing tags of %s: %w", url, ErrNotFound)
	case err != nil:
		return nil, fmt.Errorf("listing tags of %s: %w", url, err)
	}
	return FromAdvRefs(ar), nil
}

// FromAdvRefs extracts the tags from a reference advertisement, sorted by
// name, with annotated tags peeled to their commits.
func FromAdvRefs(ar *packp.AdvRefs) []Tag {
	var tags []Tag
	for name, h := range ar.References {
		tag, ok := strings.CutPrefix(name, "refs/tags/")
		if !ok || tag == "" || strings.HasSuffix(tag, "^{}") {
			continue
		}
		t := Tag{Name: tag, Commit: h.String()}
		if peeled, ok := ar.Peeled[name]; ok && peeled != plumbing.ZeroHash {
			t.Object, t.Commit = h.String(), peeled.String()
		}
		tags = append(tags, t)
	}
	slices.SortFunc(tags, func(a, b Tag) int { return strings.Compare(a.Name, b.Name) })
	return tags
}
