package upload_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/regen-registry/regen/upload"
	"github.com/regen-registry/regen/upload/s3store"
	"github.com/regen-registry/regen/upload/uploadtest"
)

// TestUploadThroughFaults publishes through a proxy failing about a
// quarter of the requests (500, 503 SlowDown, connection resets before
// and after the server acted) with added latency: the upload completes
// and the bucket equals the build.
func TestUploadThroughFaults(t *testing.T) {
	srv := uploadtest.StartVersityGW(t)
	proxy := uploadtest.StartFaultProxy(t, srv.Endpoint, uploadtest.Faults{
		Error500: 0.07, Error503: 0.07, Reset: 0.05, ResetAfter: 0.05,
		MaxLatency: 3 * time.Millisecond, Seed: 42,
	})
	tg := newS3TargetOn(t, srv, func(c *s3store.Config) {
		c.Endpoint = proxy.URL
		c.MaxAttempts = 15
		c.MaxBackoff = 20 * time.Millisecond
	})
	direct, err := s3store.New(context.Background(), srv.Config(tg.bucket))
	if err != nil {
		t.Fatal(err)
	}
	check := target{store: direct, headers: true}

	scale := uploadtest.Scale{Providers: 20, ProviderVersions: 3, Platforms: 3, Modules: 10, ModuleVersions: 3}
	r1 := uploadtest.Synthetic(scale)
	v1 := build(t, r1)
	sum := run(t, upload.Options{Dir: v1, Store: tg.store, MaxDelete: 1000, Jobs: 16})
	if sum.Uploaded != int64(scale.Files()) {
		t.Errorf("uploaded %d, want %d", sum.Uploaded, scale.Files())
	}
	mustEqual(t, check, v1)

	r2 := uploadtest.Bump(r1, 3)
	r2.Providers = r2.Providers[1:] // and one provider removed
	v2 := build(t, r2)
	sum = run(t, upload.Options{Dir: v2, Store: tg.store, MaxDelete: 1000, Jobs: 16})
	mustEqual(t, check, v2)
	if sum.Deleted == 0 {
		t.Errorf("nothing deleted: %+v", sum)
	}
	in := &proxy.Injected
	t.Logf("faults injected: %d×500, %d×503, %d resets, %d resets after the fact, %d passed; %d retries",
		in.E500.Load(), in.E503.Load(), in.Reset.Load(), in.ResetAfter.Load(), in.Passed.Load(), tg.store.(*s3store.Store).Retries())
	if in.E500.Load() == 0 || in.E503.Load() == 0 || in.Reset.Load() == 0 || in.ResetAfter.Load() == 0 {
		t.Error("some kind of fault was never injected")
	}
	if tg.store.(*s3store.Store).Retries() == 0 {
		t.Error("no request was retried")
	}
}

// TestGiveUpNamesObjectAndCause fails every PUT of one object: the upload
// gives up after the configured attempts with an error naming the object
// and the server's answer, and publishes nothing that points at it.
func TestGiveUpNamesObjectAndCause(t *testing.T) {
	srv := uploadtest.StartVersityGW(t)
	const bad = "v1/providers/hashicorp/aws/5.1.0/download/linux/amd64"
	proxy := uploadtest.StartFaultProxy(t, srv.Endpoint, uploadtest.Faults{
		Error503: 1,
		Only: func(r *http.Request) bool {
			return r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/"+bad)
		},
	})
	tg := newS3TargetOn(t, srv, func(c *s3store.Config) {
		c.Endpoint = proxy.URL
		c.MaxAttempts = 3
		c.MaxBackoff = time.Millisecond
	})
	dir := build(t, registryV1())
	sum, err := upload.Run(context.Background(), upload.Options{Dir: dir, Store: tg.store, MaxDelete: 1000})
	if err == nil {
		t.Fatal("upload succeeded through a permanently failing object")
	}
	for _, want := range []string{bad, "503", "SlowDown", "3"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if proxy.Injected.E503.Load() != 3 {
		t.Errorf("%d attempts on the failing object, want 3", proxy.Injected.E503.Load())
	}
	if sum == nil {
		t.Error("no summary after a failure")
	}
	// No index went out: the leaf phase never completed.
	for _, r := range tg.http.Requests() {
		if r.Method == http.MethodPut && strings.HasSuffix(r.Path, "/versions") {
			t.Errorf("index %s published although a leaf failed", r.Path)
		}
	}
}
