package gittags

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/format/pktline"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/google/go-cmp/cmp"

	"github.com/regen-registry/regen/internal/ghtest"
)

func TestList(t *testing.T) {
	srv := ghtest.New(t)
	r := srv.NewRepo("acme", "terraform-aws-vpc")
	c1 := r.Commit(map[string]string{"main.tf": "# 1"}, "one")
	c2 := r.Commit(map[string]string{"main.tf": "# 2"}, "two")
	r.Tag("v1.0.0", c1)
	obj := r.AnnotatedTag("v1.1.0", c2, "annotated")
	r.Tag("release/x", c2)
	srv.NewRepo("acme", "empty")

	l := NewLister(http.DefaultClient)
	tags, err := l.List(context.Background(), r.CloneURL())
	if err != nil {
		t.Fatal(err)
	}
	want := []Tag{
		{Name: "release/x", Commit: c2},
		{Name: "v1.0.0", Commit: c1},
		{Name: "v1.1.0", Commit: c2, Object: obj},
	}
	if d := cmp.Diff(want, tags); d != "" {
		t.Errorf("tags (-want +got):\n%s", d)
	}
	if n := srv.RequestCount("/acme/terraform-aws-vpc.git/"); n != 1 {
		t.Errorf("%d requests, want 1 (info/refs)", n)
	}

	if tags, err := l.List(context.Background(), srv.URL+"/acme/empty.git"); err != nil || len(tags) != 0 {
		t.Errorf("empty repository: %v, %v", tags, err)
	}
	if _, err := l.List(context.Background(), srv.URL+"/acme/missing.git"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing repository: %v", err)
	}
}

// advertisement renders a smart-HTTP reference advertisement.
func advertisement(lines ...string) []byte {
	var b bytes.Buffer
	e := pktline.NewEncoder(&b)
	for i, l := range lines {
		if i == 0 {
			l += "\x00multi_ack side-band-64k"
		}
		e.EncodeString(l + "\n")
	}
	e.Flush()
	return b.Bytes()
}

func FuzzFromAdvRefs(f *testing.F) {
	h := func(c byte) string { return string(bytes.Repeat([]byte{c}, 40)) }
	f.Add(advertisement(h('a')+" HEAD", h('a')+" refs/heads/main", h('b')+" refs/tags/v1.0.0", h('c')+" refs/tags/v1.0.0^{}"))
	f.Add(advertisement(h('1') + " refs/tags/^{}"))
	f.Add([]byte("0000"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ar := packp.NewAdvRefs()
		if err := ar.Decode(bytes.NewReader(data)); err != nil {
			return
		}
		tags := FromAdvRefs(ar)
		for i, tg := range tags {
			if tg.Name == "" || len(tg.Commit) != 40 || (tg.Object != "" && len(tg.Object) != 40) {
				t.Fatalf("bad tag %+v", tg)
			}
			if i > 0 && tags[i-1].Name >= tg.Name {
				t.Fatalf("not sorted: %q then %q", tags[i-1].Name, tg.Name)
			}
		}
		_ = fmt.Sprint(tags)
	})
}

// A repository advertising more refs than the lister reads fails with
// ErrTooManyRefs; under the bound it lists every tag (10,000 here).
func TestListBoundsAdvertisement(t *testing.T) {
	srv := ghtest.New(t)
	r := srv.NewRepo("acme", "many")
	c := r.Commit(map[string]string{"f": "x"}, "one")
	names := make([]string, 10000)
	for i := range names {
		names[i] = fmt.Sprintf("v0.%d.%d", i/100, i%100)
	}
	r.TagMany(c, names...)
	tags, err := NewLister(http.DefaultClient).List(context.Background(), r.CloneURL())
	if err != nil || len(tags) != len(names) {
		t.Fatalf("List: %d tags, %v", len(tags), err)
	}
	if _, err := NewListerLimit(http.DefaultClient, 64<<10).List(context.Background(), r.CloneURL()); !errors.Is(err, ErrTooManyRefs) {
		t.Errorf("List with a 64 KiB bound: %v, want ErrTooManyRefs", err)
	}
}
