package extsort

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSorterMergesRuns checks the external sort on its own: many runs,
// equal keys in insertion order, repeated iteration.
func TestSorterMergesRuns(t *testing.T) {
	dir := t.TempDir()
	s := New(func() (string, error) { return dir, nil }, "t", 100)
	rng := rand.New(rand.NewPCG(1, 1))
	var want []Record
	for i := 0; i < 1000; i++ {
		k := fmt.Sprintf("k%03d", rng.IntN(300))
		v := []byte(fmt.Sprint(i))
		if err := s.Add(k, v); err != nil {
			t.Fatal(err)
		}
		want = append(want, Record{k, v})
	}
	if s.Runs() < 10 {
		t.Fatalf("%d runs, want many", s.Runs())
	}
	// Stable by key: equal keys keep the order they were added in.
	sortStable(want)
	for pass := 0; pass < 2; pass++ {
		it, err := s.Iter()
		if err != nil {
			t.Fatal(err)
		}
		var got []Record
		for {
			r, ok, err := it.Next()
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				break
			}
			got = append(got, r)
		}
		it.Close()
		if d := cmp.Diff(want, got, cmp.AllowUnexported(Record{})); d != "" {
			t.Fatalf("pass %d: merged records differ:\n%s", pass, d)
		}
	}
}

func sortStable(rs []Record) {
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && rs[j].Key < rs[j-1].Key; j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}
