package uploadtest

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/regen-registry/regen/upload"
)

// RootKeys returns the documents of r that point at others: listings and
// indexes. A consistency reader checks these.
func RootKeys(r Registry) []string {
	keys := []string{ProviderListingPath, ModuleListingPath}
	for _, p := range r.Providers {
		keys = append(keys, ProviderVersionsPath(p.Namespace, p.Type), MirrorIndexPath(r.host(), p.Namespace, p.Type))
	}
	for _, m := range r.Modules {
		keys = append(keys, ModuleVersionsPath(m.Namespace, m.Name, m.System))
	}
	return keys
}

// References returns the tree paths the document at key points at, by the
// test layout's rules.
func References(key string, body []byte) ([]string, error) {
	var out []string
	switch {
	case key == ProviderListingPath || key == ModuleListingPath:
		var d struct {
			Providers []struct{ Versions string } `json:"providers"`
			Modules   []struct{ Versions string } `json:"modules"`
		}
		if err := json.Unmarshal(body, &d); err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		for _, p := range append(d.Providers, d.Modules...) {
			out = append(out, strings.TrimPrefix(p.Versions, "/"))
		}
	case strings.HasPrefix(key, "v1/providers/") && path.Base(key) == "versions":
		var d struct {
			Versions []struct {
				Version   string
				Platforms []struct{ OS, Arch string }
			}
		}
		if err := json.Unmarshal(body, &d); err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		dir := path.Dir(key)
		for _, v := range d.Versions {
			for _, p := range v.Platforms {
				out = append(out, path.Join(dir, v.Version, "download", p.OS, p.Arch))
			}
		}
	case strings.HasPrefix(key, "v1/modules/") && path.Base(key) == "versions":
		var d struct {
			Modules []struct{ Versions []struct{ Version string } }
		}
		if err := json.Unmarshal(body, &d); err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		dir := path.Dir(key)
		for _, m := range d.Modules {
			for _, v := range m.Versions {
				out = append(out, path.Join(dir, v.Version, "download"))
			}
		}
	case path.Base(key) == "index.json":
		var d struct{ Versions map[string]struct{} }
		if err := json.Unmarshal(body, &d); err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		for v := range d.Versions {
			out = append(out, path.Join(path.Dir(key), v+".json"))
		}
	default:
		return nil, fmt.Errorf("%s: not a document that points at others", key)
	}
	sort.Strings(out)
	return out, nil
}

func readAll(ctx context.Context, s upload.Store, key string) ([]byte, error) {
	rc, err := s.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// CheckConsistent reads each document in keys from s and checks that
// everything it points at exists. A document that is not there is not
// visible to clients and is skipped. When a reference is missing, the
// document is read again: if it changed meanwhile the reader raced an
// update (the old version was consistent when read); if it did not, a
// client could have followed a dangling reference, which is reported.
func CheckConsistent(ctx context.Context, s upload.Store, keys []string) error {
	var problems []error
	for _, key := range keys {
		body, err := readAll(ctx, s, key)
		if errors.Is(err, upload.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		refs, err := References(key, body)
		if err != nil {
			problems = append(problems, fmt.Errorf("invalid document %w", err))
			continue
		}
		for _, ref := range refs {
			_, err := s.Head(ctx, ref)
			if err == nil {
				continue
			}
			if !errors.Is(err, upload.ErrNotFound) {
				return err
			}
			again, err := readAll(ctx, s, key)
			if err != nil && !errors.Is(err, upload.ErrNotFound) {
				return err
			}
			if bytes.Equal(again, body) {
				problems = append(problems, fmt.Errorf("%s points at %s, which does not exist", key, ref))
			}
			break
		}
	}
	return errors.Join(problems...)
}

// Equal checks that s holds exactly the build in dir (outside .regen/):
// the same keys, and for each the content, the sha256 metadata and, when
// headers is true, the Content-Type and Cache-Control wanted.
func Equal(ctx context.Context, s upload.Store, dir string, headers bool, cache upload.CachePolicy) error {
	files, err := ReadManifest(dir)
	if err != nil {
		return err
	}
	remote := map[string]bool{}
	err = s.List(ctx, "", func(o upload.ObjectInfo) error {
		if !strings.HasPrefix(o.Key, ".regen/") {
			remote[o.Key] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	var problems []error
	for key := range remote {
		if _, ok := files[key]; !ok {
			problems = append(problems, fmt.Errorf("%s: on the target, not in the build", key))
		}
	}
	for key, f := range files {
		if !remote[key] {
			problems = append(problems, fmt.Errorf("%s: in the build, not on the target", key))
			continue
		}
		body, err := readAll(ctx, s, key)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		if hex.EncodeToString(sum[:]) != f.SHA256 {
			problems = append(problems, fmt.Errorf("%s: content differs from the build", key))
		}
		info, err := s.Head(ctx, key)
		if err != nil {
			return err
		}
		if info.Meta.SHA256 != f.SHA256 {
			problems = append(problems, fmt.Errorf("%s: sha256 metadata %q, want %q", key, info.Meta.SHA256, f.SHA256))
		}
		if headers {
			if info.Meta.ContentType != f.Type {
				problems = append(problems, fmt.Errorf("%s: Content-Type %q, want %q", key, info.Meta.ContentType, f.Type))
			}
			if want := cache.For(f.Class); info.Meta.CacheControl != want {
				problems = append(problems, fmt.Errorf("%s: Cache-Control %q, want %q", key, info.Meta.CacheControl, want))
			}
		}
	}
	sort.Slice(problems, func(i, j int) bool { return problems[i].Error() < problems[j].Error() })
	return errors.Join(problems...)
}

// EqualByListing checks with a single listing that s holds exactly the
// build in dir (outside .regen/), comparing each object's ETag with the
// MD5 of the built file: a cheap check for stores whose ETag is the MD5
// of the content (S3, R2, versitygw).
func EqualByListing(ctx context.Context, s upload.Store, dir string) error {
	files, err := ReadManifest(dir)
	if err != nil {
		return err
	}
	var problems []error
	seen := map[string]bool{}
	err = s.List(ctx, "", func(o upload.ObjectInfo) error {
		if strings.HasPrefix(o.Key, ".regen/") {
			return nil
		}
		seen[o.Key] = true
		if _, ok := files[o.Key]; !ok {
			problems = append(problems, fmt.Errorf("%s: on the target, not in the build", o.Key))
			return nil
		}
		body, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(o.Key)))
		if err != nil {
			return err
		}
		if sum := md5.Sum(body); hex.EncodeToString(sum[:]) != o.ETag {
			problems = append(problems, fmt.Errorf("%s: ETag %s is not the MD5 of the built file", o.Key, o.ETag))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for key := range files {
		if !seen[key] {
			problems = append(problems, fmt.Errorf("%s: in the build, not on the target", key))
		}
	}
	sort.Slice(problems, func(i, j int) bool { return problems[i].Error() < problems[j].Error() })
	return errors.Join(problems...)
}
