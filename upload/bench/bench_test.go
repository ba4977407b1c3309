package bench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/regen-registry/regen/manifest"
	"github.com/regen-registry/regen/upload"
	"github.com/regen-registry/regen/upload/filestore"
	"github.com/regen-registry/regen/upload/s3store"
	"github.com/regen-registry/regen/upload/uploadtest"
)

func scale() uploadtest.Scale {
	if os.Getenv("REGEN_BENCH_SCALE") == "full" {
		return uploadtest.Scale{Providers: 4000, ProviderVersions: 35, Platforms: 8, Modules: 20000, ModuleVersions: 5}
	}
	return uploadtest.Scale{Providers: 400, ProviderVersions: 5, Platforms: 4, Modules: 300, ModuleVersions: 5}
}

func jobs() int {
	if n, err := strconv.Atoi(os.Getenv("REGEN_BENCH_JOBS")); err == nil && n > 0 {
		return n
	}
	return 64
}

// dists returns a build and a later build of the same registry.
func dists(b *testing.B) (string, string) {
	b.Helper()
	if d := os.Getenv("REGEN_BENCH_DIST"); d != "" {
		return d, os.Getenv("REGEN_BENCH_DIST2")
	}
	dir := b.TempDir()
	r := uploadtest.Synthetic(scale())
	d1, d2 := filepath.Join(dir, "v1"), filepath.Join(dir, "v2")
	if err := uploadtest.Build(d1, r); err != nil {
		b.Fatal(err)
	}
	if err := uploadtest.Build(d2, uploadtest.Bump(r, 10)); err != nil {
		b.Fatal(err)
	}
	return d1, d2
}

type s3target struct {
	store  *s3store.Store
	http   *uploadtest.CountingTransport
	bucket string
}

func newTarget(b *testing.B, srv *uploadtest.S3Server) s3target {
	ct := uploadtest.NewCountingTransport()
	bucket := srv.NewBucket(b)
	c := srv.Config(bucket)
	c.HTTPClient = ct.Client()
	c.Connections = jobs()
	st, err := s3store.New(context.Background(), c)
	if err != nil {
		b.Fatal(err)
	}
	return s3target{st, ct, bucket}
}

func files(b *testing.B, dir string) int {
	m, err := uploadtest.ReadManifest(dir)
	if err != nil {
		b.Fatal(err)
	}
	return len(m)
}

func upload1(b *testing.B, dir string, st upload.Store) *upload.Summary {
	sum, err := upload.Run(context.Background(), upload.Options{Dir: dir, Store: st, Jobs: jobs(), MaxDelete: -1})
	if err != nil {
		b.Fatal(err)
	}
	return sum
}

// BenchmarkFirstUpload uploads a whole registry into an empty bucket.
func BenchmarkFirstUpload(b *testing.B) {
	srv := uploadtest.StartVersityGW(b)
	d1, _ := dists(b)
	n := files(b, d1)
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		tg := newTarget(b, srv)
		b.StartTimer()
		start := time.Now()
		sum := upload1(b, d1, tg.store)
		elapsed += time.Since(start)
		if sum.Uploaded != int64(n) {
			b.Fatalf("uploaded %d of %d objects", sum.Uploaded, n)
		}
	}
	b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "objects/s")
	b.ReportMetric(float64(n), "objects")
}

// BenchmarkNoChangeUpload uploads a build the bucket already holds.
func BenchmarkNoChangeUpload(b *testing.B) {
	srv := uploadtest.StartVersityGW(b)
	d1, _ := dists(b)
	tg := newTarget(b, srv)
	upload1(b, d1, tg.store)
	var reqs int
	for b.Loop() {
		tg.http.Reset()
		sum := upload1(b, d1, tg.store)
		if !sum.NoChange {
			b.Fatalf("not a no-change upload: %+v", sum)
		}
		reqs = len(tg.http.Requests())
	}
	b.ReportMetric(float64(reqs), "requests/op")
	if reqs >= 10 {
		b.Fatalf("a no-change upload made %d requests, target is fewer than 10", reqs)
	}
}

// BenchmarkBumpUpload uploads a rebuild after new versions of every tenth
// provider and module: exactly the changed objects must be sent.
func BenchmarkBumpUpload(b *testing.B) {
	srv := uploadtest.StartVersityGW(b)
	d1, d2 := dists(b)
	if d2 == "" {
		b.Skip("REGEN_BENCH_DIST2 not set")
	}
	changed, gone, err := uploadtest.Changed(d1, d2)
	if err != nil {
		b.Fatal(err)
	}
	var sent, reqs int
	for b.Loop() {
		b.StopTimer()
		tg := newTarget(b, srv)
		upload1(b, d1, tg.store)
		tg.http.Reset()
		b.StartTimer()
		sum := upload1(b, d2, tg.store)
		b.StopTimer()
		sent, reqs = len(tg.http.ObjectPuts(tg.bucket)), len(tg.http.Requests())
		if sent != changed || sum.Uploaded != int64(changed) || sum.Deleted != int64(gone) {
			b.Fatalf("sent %d objects (summary %+v), but %d changed and %d are gone", sent, sum, changed, gone)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(sent), "objects-sent")
	b.ReportMetric(float64(changed), "objects-changed")
	b.ReportMetric(float64(reqs), "requests/op")
}

// BenchmarkDiff plans an upload of a build of REGEN_BENCH_DIFF_FILES files
// (default 1,000,000) against a target holding it with 1,000 files
// changed, and reports the peak heap.
func BenchmarkDiff(b *testing.B) {
	total := 1_000_000
	if n, err := strconv.Atoi(os.Getenv("REGEN_BENCH_DIFF_FILES")); err == nil && n > 0 {
		total = n
	}
	const changed, perEntry = 1000, 10
	dist, www := filepath.Join(b.TempDir(), "dist"), filepath.Join(b.TempDir(), "www")
	if err := writeDiffFixture(dist, www, total, changed, perEntry); err != nil {
		b.Fatal(err)
	}
	st, err := filestore.New(www)
	if err != nil {
		b.Fatal(err)
	}
	remote, err := os.ReadFile(filepath.Join(www, filepath.FromSlash(benchState+upload.ManifestName)))
	if err != nil {
		b.Fatal(err)
	}
	var peak uint64
	for b.Loop() {
		b.StopTimer()
		// Put the old manifest back (the previous iteration committed the new one).
		if err := os.WriteFile(filepath.Join(www, filepath.FromSlash(benchState+upload.ManifestName)), remote, 0o644); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(www, filepath.FromSlash(benchState+upload.ManifestSumName)), []byte("old\n"), 0o644); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		stop := samplePeak(&peak)
		b.StartTimer()
		sum, err := upload.Run(context.Background(), upload.Options{Dir: dist, Store: st, Jobs: 8, MaxDelete: -1})
		b.StopTimer()
		stop()
		if err != nil {
			b.Fatal(err)
		}
		if sum.Uploaded != changed || sum.Skipped != int64(total-changed) {
			b.Fatalf("summary %+v, want %d uploaded and %d skipped", sum, changed, total-changed)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(total), "files")
}

// benchState is the upload state folder of the fixture's target.
const benchState = upload.StateDirPrefix + "0123456789abcdef0123456789abcdef/"

// samplePeak records the peak heap in use until the returned function is
// called.
func samplePeak(peak *uint64) func() {
	var done atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for !done.Load() {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > *peak {
				*peak = ms.HeapInuse
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	return func() { done.Store(true); wg.Wait() }
}

// writeDiffFixture writes a build manifest of total files (only the
// changed ones exist on disk) into dist, and into the folder target www
// the same manifest, as a previous upload would have left it, with the
// changed files' old checksums.
func writeDiffFixture(dist, www string, total, changed, perEntry int) error {
	local, err := create(filepath.Join(dist, filepath.FromSlash(manifest.Path)))
	if err != nil {
		return err
	}
	defer local.Close()
	remote, err := create(filepath.Join(www, filepath.FromSlash(benchState+upload.ManifestName)))
	if err != nil {
		return err
	}
	defer remote.Close()
	lw, err := manifest.NewWriter(local, manifest.Header{})
	if err != nil {
		return err
	}
	rw, err := manifest.NewGzipWriter(remote, manifest.Header{})
	if err != nil {
		return err
	}
	every := total / changed
	for e := 0; e*perEntry < total; e++ {
		le := manifest.Entry{Key: fmt.Sprintf("providers/ns%05d/p%07d", e/100, e)}
		re := le
		le.Files, re.Files = nil, nil
		for i := range perEntry {
			n := e*perEntry + i
			if n >= total {
				break
			}
			p := fmt.Sprintf("v1/providers/ns%05d/p%07d/1.%d.0/download/linux/amd64", e/100, e, i)
			class := manifest.ClassLeaf
			if i == perEntry-1 {
				p, class = fmt.Sprintf("v1/providers/ns%05d/p%07d/versions", e/100, e), manifest.ClassIndex
			}
			body := fmt.Sprintf(`{"n":%d}`, n)
			sum := sha256.Sum256([]byte(body))
			f := manifest.File{Path: p, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(body)), Type: "application/json", Class: class}
			le.Files = append(le.Files, f)
			if n%every == 0 {
				name := filepath.Join(dist, filepath.FromSlash(p))
				if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
					return err
				}
				if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
					return err
				}
				old := sha256.Sum256([]byte("old" + body))
				f.SHA256 = hex.EncodeToString(old[:])
			}
			re.Files = append(re.Files, f)
		}
		if err := lw.Write(le); err != nil {
			return err
		}
		if err := rw.Write(re); err != nil {
			return err
		}
	}
	if err := lw.Close(); err != nil {
		return err
	}
	return rw.Close()
}

func create(name string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return nil, err
	}
	return os.Create(name)
}
