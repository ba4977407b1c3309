package release

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/regen-registry/regen/ingest/github"
	"github.com/regen-registry/regen/internal/ghtest"
	"github.com/regen-registry/regen/internal/hostile"
)

func fetcher(t *testing.T, srv *ghtest.Server) *Fetcher {
	ep, err := github.NewEndpoints(srv.URL, srv.APIURL())
	if err != nil {
		t.Fatal(err)
	}
	return &Fetcher{Client: github.NewClient(github.ClientOptions{Endpoints: ep, Base: srv.Client().Transport}), TempDir: t.TempDir()}
}

// Over TLS with asset redirects (as github.com serves them), with an RSA
// key and a "v" in the asset names.
func TestFetchRedirectsTLS(t *testing.T) {
	srv := ghtest.New(t, ghtest.WithTLS(), ghtest.WithAssetRedirects())
	key := ghtest.NewKey(t, "RSA signer")
	a := srv.AddProviderRelease("acme", "terraform-provider-widget", ghtest.ProviderRelease{
		Type: "widget", Version: "2.1.0", Key: key, Protocols: []string{"5.0", "6.0"},
		Platforms: []ghtest.Platform{{OS: "linux", Arch: "arm64"}, {OS: "windows", Arch: "386"}},
	})
	f := fetcher(t, srv)
	v, err := f.Fetch(context.Background(), Request{
		Repo: github.Repo{Owner: "acme", Name: "terraform-provider-widget"}, Tag: "v2.1.0", Version: "2.1.0", Type: "widget", Keys: key.KeyRing(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Targets) != 2 || strings.Join(v.Protocols, ",") != "5.0,6.0" || v.SHASumsURL != a.ShasumsURL {
		t.Fatalf("version %+v", v)
	}
	for _, tg := range v.Targets {
		p := a.Package(tg.OS, tg.Arch)
		if tg.H1 != p.H1 || tg.SHASum != p.SHA256 || tg.Size != p.Size || tg.DownloadURL != p.DownloadURL {
			t.Errorf("target %+v, want %+v", tg, p)
		}
	}
	if n := srv.RequestCount("/ghtest-objects/"); n == 0 {
		t.Error("no redirected downloads: WithAssetRedirects not exercised")
	}
}

func TestFetchFailures(t *testing.T) {
	srv := ghtest.New(t)
	key := ghtest.NewKeyEd25519(t, "signer")
	other := ghtest.NewKeyEd25519(t, "other")
	f := fetcher(t, srv)
	repo := github.Repo{Owner: "acme", Name: "terraform-provider-w"}
	for _, c := range []struct {
		pr   ghtest.ProviderRelease
		keys *ghtest.Key
		want string
	}{
		{ghtest.ProviderRelease{Version: "1.0.0", Key: key, BadSignature: true}, key, "signature does not verify"},
		{ghtest.ProviderRelease{Version: "1.0.1", Key: key}, other, "not by any of the 1 known keys"},
		{ghtest.ProviderRelease{Version: "1.0.2", Key: key, MissingSums: true}, key, "checksums not found"},
		{ghtest.ProviderRelease{Version: "1.0.3", Key: key, MissingSignature: true}, key, "SHA256SUMS.sig: "},
		{ghtest.ProviderRelease{Version: "1.0.4", Key: key, WrongChecksumFor: []ghtest.Platform{{OS: "linux", Arch: "amd64"}}}, key, "checksum mismatch"},
	} {
		c.pr.Type = "w"
		srv.AddProviderRelease("acme", repo.Name, c.pr)
		_, err := f.Fetch(context.Background(), Request{Repo: repo, Tag: "v" + c.pr.Version, Version: c.pr.Version, Type: "w", Keys: c.keys.KeyRing()})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.pr.Version, err, c.want)
		}
		if c.pr.MissingSums && !errors.Is(err, ErrNoChecksums) {
			t.Errorf("missing sums: %v is not ErrNoChecksums", err)
		}
	}
	if _, err := VerifySignature(nil, []byte("x"), []byte("y")); err == nil {
		t.Error("no keys verified")
	}
}

// A release whose package is a zip bomb (1.3 MB claiming ~5 TiB) is
// refused with the reason, in well under a second, instead of being
// hashed for hours.
func TestFetchRefusesZipBomb(t *testing.T) {
	bomb, err := hostile.OverlappingZip(20000, 256<<20)
	if err != nil {
		t.Fatal(err)
	}
	srv := ghtest.New(t)
	key := ghtest.NewKeyEd25519(t, "signer")
	linux := ghtest.Platform{OS: "linux", Arch: "amd64"}
	srv.AddProviderRelease("acme", "terraform-provider-w", ghtest.ProviderRelease{
		Type: "w", Version: "1.0.0", Key: key, PackageZips: map[ghtest.Platform][]byte{linux: bomb},
	})
	f := fetcher(t, srv)
	done := make(chan error, 1)
	go func() {
		_, err := f.Fetch(context.Background(), Request{Repo: github.Repo{Owner: "acme", Name: "terraform-provider-w"}, Tag: "v1.0.0", Version: "1.0.0", Type: "w", Keys: key.KeyRing()})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrZipRefused) || !strings.Contains(err.Error(), "terraform-provider-w_1.0.0_linux_amd64.zip") {
			t.Errorf("Fetch: %v, want the package refused, named", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Fetch still hashing the zip bomb after 10s")
	}
}

// A server that stalls in the middle of a package does not hold the run:
// the release is given up after Fetcher.Timeout, with the reason.
func TestFetchTimeout(t *testing.T) {
	srv := ghtest.New(t)
	key := ghtest.NewKeyEd25519(t, "signer")
	a := srv.AddProviderRelease("acme", "terraform-provider-w", ghtest.ProviderRelease{Type: "w", Version: "1.0.0", Key: key})
	srv.InjectNext("/acme/terraform-provider-w/releases/download/v1.0.0/"+a.Packages[0].Filename, 1, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("PK"))
		w.(http.Flusher).Flush()
		<-r.Context().Done() // stall until the client gives up
	})
	f := fetcher(t, srv)
	f.Timeout = 500 * time.Millisecond
	start := time.Now()
	_, err := f.Fetch(context.Background(), Request{Repo: github.Repo{Owner: "acme", Name: "terraform-provider-w"}, Tag: "v1.0.0", Version: "1.0.0", Type: "w", Keys: key.KeyRing()})
	if err == nil || !strings.Contains(err.Error(), "took longer than 500ms") {
		t.Errorf("Fetch: %v, want the release given up after 500ms", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("gave up after %v", d)
	}
}
