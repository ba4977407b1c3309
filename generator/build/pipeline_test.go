package build

import (
	"bytes"
	"testing"

	"github.com/regen-registry/regen/manifest"
)

func FuzzEntryLine(f *testing.F) {
	f.Add("provider/a/b", "abc", "v1/providers/a/b/versions", "application/json", "index", int64(3))
	f.Add("module/x/y/z", "", "p\"q\\r<&>\u2028\x01é", "text/markdown; charset=utf-8", "leaf", int64(-1))
	f.Fuzz(func(t *testing.T, key, input, path, typ, class string, size int64) {
		for _, files := range [][]manifest.File{nil, {}, {{Path: path, SHA256: input, Size: size, Type: typ, Class: manifest.Class(class)}, {Path: key}}} {
			e := manifest.Entry{Key: key, Input: input, Files: files}
			got, err := entryLine(e)
			if err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			w, _ := manifest.NewWriter(&want, manifest.Header{})
			if err := w.Write(e); err != nil {
				t.Fatal(err)
			}
			w.Close()
			_, line, _ := bytes.Cut(want.Bytes(), []byte("\n"))
			if !bytes.Equal(got, line) {
				t.Fatalf("entryLine = %s\nmanifest.Writer = %s", got, line)
			}
		}
	})
}
