package search

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got; run with -update if intended):\n%s", file, d)
	}
}

// TestIndexFilesGolden records every file of a small index.
func TestIndexFilesGolden(t *testing.T) {
	mods := fixtureModules()[:6]
	ix := Build(mods, fixtureProviders()[:3], BuildOptions{Built: time.Date(2026, 11, 5, 10, 0, 0, 0, time.UTC), ShardBytes: 50})
	files, err := ix.Files(4)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, f := range files {
		b.WriteString("=== " + f.Path + "\n")
		b.Write(f.Data)
	}
	golden(t, "index.golden", b.Bytes())
	if len(ix.split) == 0 {
		t.Error("a 50-byte shard limit split nothing")
	}
	for _, f := range files {
		if !json.Valid(f.Data) {
			t.Errorf("%s is not JSON", f.Path)
		}
	}
}

// Every term is in the shard ShardKey names, shards respect the size
// limit unless one term alone exceeds it, and a term that is a split key
// stays in the parent shard.
func TestShardPlan(t *testing.T) {
	ix := Build(fixtureModules(), nil, BuildOptions{ShardBytes: 300})
	shards := ix.termShards()
	for k, terms := range shards {
		data := encodeTermShard(terms, ix.postings)
		if len(data) > 300 && len(terms) > 1 && len(k) < maxKeyLen {
			longer := slices.ContainsFunc(terms, func(t string) bool { return len(t) > len(k) })
			if longer {
				t.Errorf("shard %q is %d bytes with %d terms", k, len(data), len(terms))
			}
		}
		for _, term := range terms {
			if !strings.HasPrefix(term, k) {
				t.Errorf("term %q in shard %q", term, k)
			}
		}
		if !validShardKey(k) {
			t.Errorf("invalid shard key %q", k)
		}
	}
	for parent, children := range ix.split {
		for _, c := range children {
			if len(c) != len(parent)+1 || !strings.HasPrefix(c, parent) {
				t.Errorf("split %q has child %q", parent, c)
			}
		}
	}
}

func TestLoadRejectsBadFiles(t *testing.T) {
	ix := Build(fixtureModules()[:5], fixtureProviders(), BuildOptions{})
	files, err := ix.Files(2)
	if err != nil {
		t.Fatal(err)
	}
	base := map[string][]byte{}
	for _, f := range files {
		base[f.Path] = f.Data
	}
	firstShard := ""
	for p := range base {
		if strings.HasPrefix(p, Dir+"/terms/") && (firstShard == "" || p < firstShard) {
			firstShard = p
		}
	}
	cases := map[string]func(m map[string][]byte){
		"missing meta": func(m map[string][]byte) { delete(m, Dir+"/meta.json") },
		"wrong format": func(m map[string][]byte) {
			m[Dir+"/meta.json"] = bytes.Replace(m[Dir+"/meta.json"], []byte(Format), []byte("x/9"), 1)
		},
		"short table": func(m map[string][]byte) { m[Dir+"/modules/0.json"] = []byte(`{"first":0,"rows":[]}`) },
		"bad row":     func(m map[string][]byte) { m[Dir+"/modules/0.json"] = []byte(`{"first":0,"rows":[[1],[2]]}`) },
		"posting too far": func(m map[string][]byte) {
			m[firstShard] = []byte(`{"` + firstShard[len(Dir)+7:len(firstShard)-5] + `":[99,1]}`)
		},
		"descending ids": func(m map[string][]byte) {
			m[firstShard] = []byte(`{"` + firstShard[len(Dir)+7:len(firstShard)-5] + `":[2,1,0,1]}`)
		},
		"term wrong shard": func(m map[string][]byte) { m[firstShard] = []byte(`{"zzz":[0,1]}`) },
		"bad shard key":    func(m map[string][]byte) { m[Dir+"/term-shards.json"] = []byte(`["../x"]`) },
	}
	for name, mutate := range cases {
		m := map[string][]byte{}
		for k, v := range base {
			m[k] = v
		}
		mutate(m)
		_, err := Load(context.Background(), func(_ context.Context, p string) ([]byte, error) {
			d, ok := m[p]
			if !ok {
				return nil, fs.ErrNotExist
			}
			return d, nil
		})
		if err == nil {
			t.Errorf("%s: Load succeeded", name)
		} else if !strings.Contains(err.Error(), Dir) {
			t.Errorf("%s: error %q does not name the file", name, err)
		}
	}
}

func TestTokenize(t *testing.T) {
	for in, want := range map[string]string{
		"terraform-aws-modules/VPC": "terraform aws modules vpc",
		"EKS_Cluster v2.0":          "eks cluster v2 0",
		"Zürich café 🇺🇦":            "z rich caf",
		"a a A":                     "a",
		"":                          "",
	} {
		if got := strings.Join(Tokenize(in), " "); got != want {
			t.Errorf("Tokenize(%q) = %q, want %q", in, got, want)
		}
	}
	if got := NormalizeName("EKS_Cluster"); got != "eks-cluster" {
		t.Errorf("NormalizeName = %q", got)
	}
	if got := strings.Join(QueryTerms("the module for a VPC"), " "); got != "vpc" {
		t.Errorf("QueryTerms = %q", got)
	}
	if got := strings.Join(QueryTerms("the module"), " "); got != "the module" {
		t.Errorf("QueryTerms(stop words only) = %q", got)
	}
	if got := len(QueryTerms("a1 b2 c3 d4 e5 f6 g7 h8 i9 j10")); got != MaxQueryTerms {
		t.Errorf("QueryTerms kept %d terms", got)
	}
	long := strings.Repeat("é", 200)
	if c := clipDescription(long); len(c) > maxDescriptionLen || !strings.HasPrefix(long, c) || !json.Valid([]byte(`"`+c+`"`)) {
		t.Errorf("clipDescription cut a rune: %d bytes", len(c))
	}
}

func FuzzTokenize(f *testing.F) {
	f.Add("terraform-aws-modules/vpc")
	f.Add("ÄÖÜ__--..9")
	f.Fuzz(func(t *testing.T, s string) {
		for _, tok := range Tokenize(s) {
			if tok == "" || !validShardKey(tok[:min(len(tok), maxKeyLen)]) {
				t.Fatalf("token %q of %q", tok, s)
			}
		}
		ix := Build([]Module{{Namespace: "ns", Name: "n", Provider: "p", Description: s}}, nil, BuildOptions{})
		_ = ix.Modules(Query{Text: s})
	})
}

func FuzzDecodePostings(f *testing.F) {
	f.Add([]byte(`[0,1,2,3]`), 10)
	f.Add([]byte(`[5,1,0,3]`), 10)
	f.Fuzz(func(t *testing.T, data []byte, n int) {
		var flat []int64
		if json.Unmarshal(data, &flat) != nil {
			return
		}
		ps, err := decodePostings(flat, n)
		if err != nil {
			return
		}
		for i, p := range ps {
			if p.Doc < 0 || int(p.Doc) >= n || i > 0 && p.Doc <= ps[i-1].Doc {
				t.Fatalf("postings %v accepted for n=%d", ps, n)
			}
		}
	})
}
