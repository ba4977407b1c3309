package verify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/regen-registry/regen/client"
	"github.com/regen-registry/regen/manifest"
)

// progressEvery is how often Run logs progress.
const progressEvery = 10 * time.Second

// Run checks the registry at o.URL against the build in o.Dir, writes the
// report to o.Out and returns it. The error is about the run itself (a
// bad option, an unreadable manifest, a cancelled context); what the
// registry gets wrong is in the report: see Report.Err.
func Run(ctx context.Context, o Options) (*Report, error) {
	o.setDefaults()
	if o.Dir == "" || o.URL == "" {
		return nil, errors.New("verify: both a registry URL and a build directory are needed")
	}
	hc := noRedirects(o.HTTPClient, o.Jobs)
	c, err := client.New(o.URL, hc, client.WithCredentials(o.Credentials), client.WithUserAgent("regen-verify"))
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	rep := &Report{URL: c.BaseURL().Redacted()}
	k := &checker{c: c, o: &o, dir: o.Dir}
	var mu sync.Mutex
	record := func(ps []Problem, counted bool) {
		mu.Lock()
		defer mu.Unlock()
		if counted {
			rep.Checked++
		}
		ok := true
		for _, p := range ps {
			o.Logger.Debug(string(p.Kind), "path", p.Path, "detail", p.Detail)
			if p.Kind == Warning {
				rep.Warnings = append(rep.Warnings, p)
				continue
			}
			ok = false
			rep.Problems = append(rep.Problems, p)
		}
		if ok && counted {
			rep.OK++
		}
	}
	stop := logProgress(o.Logger, &mu, rep)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(o.Jobs)
	checkFile := func(f manifest.File) {
		g.Go(func() error { record(k.check(gctx, f), true); return nil })
	}
	err = walk(&o, rep, func(f manifest.File) error {
		if f.Path == client.DiscoveryPath {
			g.Go(func() error { record(checkDiscovery(gctx, o), false); return nil })
		}
		return gctx.Err()
	}, checkFile)
	_ = g.Wait()
	stop()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	if rep.Files == 0 {
		return nil, fmt.Errorf("verify: the manifest in %s lists no served files to check", o.Dir)
	}
	rep.sort()
	if n := len(rep.Warnings); n > 0 {
		o.Logger.Warn("module downloads without X-Terraform-Get: Terraform cannot use them (OpenTofu can)", "count", n, "first", rep.Warnings[0].Path)
	}
	if o.JSON {
		err = rep.WriteJSON(o.Out)
	} else {
		err = rep.WriteText(o.Out)
	}
	if err != nil {
		return nil, fmt.Errorf("verify: writing the report: %w", err)
	}
	return rep, nil
}

// walk reads the manifest, calls seen for every served file under the
// prefixes, and check for each file to check: every one as it is read, or,
// with a sample, the sampled ones once the whole manifest has been read.
// It sets rep.Files and rep.Seed.
func walk(o *Options, rep *Report, seen func(manifest.File) error, check func(manifest.File)) error {
	r, closer, err := openManifest(o.Dir)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	defer closer.Close()
	var sample *reservoir
	if o.Sample > 0 {
		rep.Seed = o.Seed
		for rep.Seed == 0 {
			rep.Seed = rand.Uint64()
		}
		sample = newReservoir(o.Sample, rep.Seed)
	}
	err = eachFile(r, o.Prefixes, func(f manifest.File) error {
		rep.Files++
		if err := seen(f); err != nil {
			return err
		}
		if sample != nil {
			sample.add(f)
		} else {
			check(f)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("verify: reading the manifest of %s: %w", o.Dir, err)
	}
	if sample != nil {
		o.Logger.Info("checking a sample", "files", len(sample.keep), "of", rep.Files, "seed", rep.Seed)
		for _, f := range sample.keep {
			check(f)
		}
	}
	return nil
}

// checkDiscovery runs service discovery as Terraform would (following
// redirects) and reports its failure against the discovery document.
func checkDiscovery(ctx context.Context, o Options) []Problem {
	c, err := client.New(o.URL, o.HTTPClient, client.WithCredentials(o.Credentials), client.WithUserAgent("regen-verify"))
	if err == nil {
		ctx, cancel := context.WithTimeout(ctx, o.Timeout)
		defer cancel()
		var s *client.Services
		if s, err = c.Discover(ctx); err == nil && s.Modules == nil && s.Providers == nil {
			err = errors.New("no services: the discovery document is missing")
		}
	}
	if err != nil {
		return []Problem{{Path: client.DiscoveryPath, Kind: Failed, Detail: err.Error()}}
	}
	return nil
}

// noRedirects returns a copy of hc (or a new client sized for jobs
// concurrent requests) that does not follow redirects.
func noRedirects(hc *http.Client, jobs int) *http.Client {
	var c http.Client
	if hc != nil {
		c = *hc
	} else {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = jobs
		c.Transport = tr
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// logProgress logs how far the check is every progressEvery until the
// returned function is called.
func logProgress(log *slog.Logger, mu *sync.Mutex, rep *Report) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				mu.Lock()
				checked, problems := rep.Checked, len(rep.Problems)
				mu.Unlock()
				log.Info("checking", "checked", checked, "problems", problems)
			}
		}
	})
	return func() { close(done); wg.Wait() }
}
