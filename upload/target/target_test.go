package target_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regen-registry/regen/upload/target"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		raw, want, err string
		c              target.Config
	}{
		{raw: "s3://bucket", want: "s3://bucket", c: target.Config{Region: "us-east-1"}},
		{raw: "s3://bucket/", want: "s3://bucket", c: target.Config{Region: "us-east-1"}},
		{raw: "s3://bucket/prod/registry/", want: "s3://bucket/prod/registry", c: target.Config{Endpoint: "http://127.0.0.1:9", Region: "auto"}},
		{raw: "file://" + filepath.Join(dir, "a"), want: "file://" + filepath.ToSlash(filepath.Join(dir, "a"))},
		{raw: "file:" + filepath.Join(dir, "b"), want: "file://" + filepath.ToSlash(filepath.Join(dir, "b"))},
		{raw: "s3://", err: "no bucket"},
		{raw: "s3://bucket/a/../b", err: `".." segment`},
		{raw: "s3://bucket/p?x=1", err: "unexpected query"},
		{raw: "file://otherhost/x", err: "local folder"},
		{raw: "file://" + dir, c: target.Config{Endpoint: "http://x"}, err: "--endpoint applies to s3"},
		{raw: "/plain/path", err: "not a URL"},
		{raw: "gs://bucket", err: `unknown scheme "gs"`},
	} {
		st, err := target.Open(context.Background(), tc.raw, tc.c)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Open(%q) error = %v, want %q", tc.raw, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Open(%q): %v", tc.raw, err)
			continue
		}
		if st.String() != tc.want {
			t.Errorf("Open(%q) = %s, want %s", tc.raw, st, tc.want)
		}
	}
}

func FuzzOpen(f *testing.F) {
	for _, s := range []string{"s3://b/p", "file:///tmp/x", "s3://", "file:rel", "s3://b/../x", "%zz", "s3://b/a//c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if strings.HasPrefix(raw, "file:") {
			return // would create folders
		}
		st, err := target.Open(context.Background(), raw, target.Config{Region: "us-east-1"})
		if err == nil && !strings.HasPrefix(st.String(), "s3://") {
			t.Errorf("Open(%q) accepted as %s", raw, st)
		}
	})
}
