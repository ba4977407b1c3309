package upload_test

import (
	"context"
	"errors"
	"github.com/google/go-cmp/cmp"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/regen-registry/regen/upload"
	"github.com/regen-registry/regen/upload/s3store"
	"github.com/regen-registry/regen/upload/uploadtest"
)

// errDead is what a dead network returns; the SDK does not retry it.
type errDead struct{}

func (errDead) Error() string        { return "injected: network is gone" }
func (errDead) RetryableError() bool { return false }

// killSwitch interrupts an upload at its n-th write request (PUT or
// DELETE, regen's own objects included): by cancelling the run's context
// (a SIGTERM) or by failing every request from then on (a dead network or
// a SIGKILL: nothing more reaches the target).
type killSwitch struct {
	bucket     string
	n          atomic.Int64 // write requests left before the kill; <= 0 disarmed
	cancel     atomic.Pointer[context.CancelFunc]
	hard       atomic.Bool
	dead       atomic.Bool
	objectPuts atomic.Int64 // object PUTs let through while armed
}

func (k *killSwitch) arm(n int, cancel context.CancelFunc, hard bool) {
	k.dead.Store(false)
	k.objectPuts.Store(0)
	k.hard.Store(hard)
	k.cancel.Store(&cancel)
	k.n.Store(int64(n))
}

func (k *killSwitch) disarm() {
	k.n.Store(0)
	k.dead.Store(false)
}

func (k *killSwitch) before(r *http.Request) error {
	if k.dead.Load() {
		return errDead{}
	}
	if r.Method != http.MethodPut && r.Method != http.MethodDelete {
		return nil
	}
	if k.n.Load() <= 0 {
		return nil
	}
	if k.n.Add(-1) == 0 {
		if k.hard.Load() {
			k.dead.Store(true)
			return errDead{}
		}
		(*k.cancel.Load())()
		return nil
	}
	key := strings.TrimPrefix(r.URL.Path, "/"+k.bucket+"/")
	if r.Method == http.MethodPut && !strings.HasPrefix(key, ".regen/") {
		k.objectPuts.Add(1)
	}
	return nil
}

// reader checks, in a loop, that what a client can see is consistent.
type reader struct {
	store  upload.Store
	keys   []string
	stop   chan struct{}
	done   chan struct{}
	mu     sync.Mutex
	errs   []error
	rounds int
}

func startReader(store upload.Store, keys []string) *reader {
	r := &reader{store: store, keys: keys, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for {
			select {
			case <-r.stop:
				return
			default:
			}
			err := uploadtest.CheckConsistent(context.Background(), r.store, r.keys)
			r.mu.Lock()
			r.rounds++
			if err != nil {
				r.errs = append(r.errs, err)
			}
			r.mu.Unlock()
			time.Sleep(time.Millisecond) // leave the CPUs to the upload now and then
		}
	}()
	return r
}

func (r *reader) finish() (int, []error) {
	close(r.stop)
	<-r.done
	return r.rounds, r.errs
}

// TestCrashConsistency interrupts uploads after N write requests for every
// N up to a full run, alternating between two builds and between a soft
// kill (context cancelled) and a hard one (network dead). While each runs,
// a reader checks that every index it can see points at documents that
// exist; after each kill, a re-run converges without re-sending what
// arrived.
func TestCrashConsistency(t *testing.T) {
	srv := uploadtest.StartVersityGW(t)
	builds := []string{build(t, registryV1()), build(t, registryV2())}
	keys := append(uploadtest.RootKeys(registryV1()), uploadtest.RootKeys(registryV2())...)

	ks := &killSwitch{}
	const jobs, every = 4, 3
	tg := newS3TargetOn(t, srv, func(c *s3store.Config) { c.MaxAttempts = 3 })
	ks.bucket = tg.bucket
	tg.http.Before = ks.before
	readerStore, err := s3store.New(context.Background(), srv.Config(tg.bucket))
	if err != nil {
		t.Fatal(err)
	}
	purged := &urlSet{}
	const base = "https://registry.example.test"
	opts := func(dir string) upload.Options {
		return upload.Options{Dir: dir, Store: tg.store, MaxDelete: 1000, Jobs: jobs, CheckpointEvery: every, CheckpointInterval: time.Hour,
			Purger: purged, PublicURL: base}
	}
	run(t, opts(builds[0]))
	var resumed int64

	maxN, step := 45, 1 // a full v1 → v2 run makes about 40 write requests
	if testing.Short() {
		step = 4
	}
	for n, i := 1, 0; n <= maxN; n, i = n+step, i+1 {
		from, to := builds[i%2], builds[(i+1)%2]
		changed, _, err := uploadtest.Changed(from, to)
		if err != nil {
			t.Fatal(err)
		}
		hard := i%3 == 2
		rd := startReader(readerStore, keys)
		purged.reset()

		ctx, cancel := context.WithCancel(context.Background())
		ks.arm(n, cancel, hard)
		_, crashErr := upload.Run(ctx, opts(to))
		cancel()
		arrived := ks.objectPuts.Load()
		ks.disarm()
		// The state the kill left is what clients see until the next run.
		if err := uploadtest.CheckConsistent(context.Background(), readerStore, keys); err != nil {
			t.Errorf("n=%d hard=%v: inconsistent registry left by the kill:\n%v", n, hard, err)
		}

		tg.http.Reset()
		sum := run(t, opts(to))
		resent := len(tg.http.ObjectPuts(tg.bucket))
		resumed += sum.Resumed
		rounds, errs := rd.finish()

		if crashErr == nil && sum.NoChange {
			// n exceeded the run's writes: it completed.
			if n < 10 {
				t.Fatalf("n=%d: the interrupted upload completed", n)
			}
			continue
		}
		if crashErr != nil && hard && !errors.As(crashErr, new(errDead)) && !strings.Contains(crashErr.Error(), "network is gone") {
			t.Errorf("n=%d: hard kill error %v does not carry the cause", n, crashErr)
		}
		for _, e := range errs {
			t.Errorf("n=%d hard=%v: inconsistent registry seen during the upload:\n%v", n, hard, e)
		}
		if rounds == 0 {
			t.Errorf("n=%d: the reader never completed a round", n)
		}
		// Objects that arrived before the kill are not sent again, except
		// those in flight (at most jobs) and, after a hard kill, those not
		// yet checkpointed (at most every, plus jobs completed while the
		// last checkpoint was being written).
		bound := changed - int(arrived) + jobs
		if hard {
			bound += every + jobs
		}
		if resent > max(bound, 0) {
			t.Errorf("n=%d hard=%v: re-run sent %d objects, want at most %d (%d changed, %d arrived before the kill)",
				n, hard, resent, bound, changed, arrived)
		}
		t.Logf("n=%d hard=%v: interrupted (%v) after %d objects of %d; re-run sent %d; reader rounds %d",
			n, hard, crashErr != nil, arrived, changed, resent, rounds)
		// Between them, the killed run and the re-run purge exactly the
		// URLs whose content changed in place or went away.
		if diff := cmp.Diff(wantPurged(t, base, from, to), purged.sorted()); diff != "" {
			t.Errorf("n=%d hard=%v: purged URLs (-want +got):\n%s", n, hard, diff)
		}
		if err := uploadtest.EqualByListing(context.Background(), readerStore, to); err != nil {
			t.Fatalf("n=%d: the re-run did not converge:\n%v", n, err)
		}
		if err := uploadtest.CheckConsistent(context.Background(), readerStore, keys); err != nil {
			t.Errorf("n=%d: after convergence: %v", n, err)
		}
		if i%5 != 0 {
			continue
		}
		mustEqual(t, tg, to) // content and metadata, object by object
		if sum := run(t, opts(to)); !sum.NoChange {
			t.Errorf("n=%d: a third run is not a no-op: %+v", n, sum)
		}
	}
	if resumed == 0 {
		t.Error("no re-run ever skipped objects thanks to the journal")
	}
}
