package uploadtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/regen-registry/regen/internal/syncbuf"
	"github.com/regen-registry/regen/internal/testtool"
	"github.com/regen-registry/regen/upload/s3store"
)

// S3Server is a versitygw process serving a posix folder on loopback.
type S3Server struct {
	Endpoint  string // http://127.0.0.1:PORT
	Region    string
	AccessKey string
	SecretKey string
	Dir       string // the posix backend's root: one folder per bucket

	buckets atomic.Int64
}

// FindVersityGW returns the path of the versitygw binary: $REGEN_VERSITYGW,
// then versitygw on PATH, then the folder .ci/install-versitygw installs
// into ($REGEN_TOOLS_BIN or ~/.cache/regen/tools/bin).
func FindVersityGW() (string, error) {
	if p := os.Getenv("REGEN_VERSITYGW"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("REGEN_VERSITYGW=%s: %w", p, err)
		}
		return p, nil
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p, nil
	}
	var dirs []string
	if d := os.Getenv("REGEN_TOOLS_BIN"); d != "" {
		dirs = append(dirs, d)
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".cache", "regen", "tools", "bin"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, "versitygw")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("versitygw not found: run .ci/install-versitygw and put it on PATH or set REGEN_VERSITYGW")
}

// StartVersityGW starts a versitygw server for the test and stops it at
// cleanup. Without the binary the test fails under CI=true and is skipped
// otherwise (internal/testtool).
func StartVersityGW(tb testing.TB) *S3Server {
	tb.Helper()
	bin, err := FindVersityGW()
	if err != nil {
		testtool.Missing(tb, "the real S3 server: %v", err)
	}
	s := &S3Server{Region: "us-east-1", AccessKey: "REGENTESTACCESS", SecretKey: "regen-test-secret-key", Dir: tb.TempDir()}
	var lastErr error
	for range 5 {
		addr, err := freeAddr()
		if err != nil {
			tb.Fatal(err)
		}
		if err := s.start(tb, bin, addr); err != nil {
			lastErr = err
			continue
		}
		s.Endpoint = "http://" + addr
		return s
	}
	tb.Fatalf("starting versitygw: %v", lastErr)
	return nil
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free port: %w", err)
	}
	addr := l.Addr().String()
	return addr, l.Close()
}

func (s *S3Server) start(tb testing.TB, bin, addr string) error {
	out := &syncbuf.Buffer{Max: 1 << 20}
	cmd := exec.Command(bin, "--port", addr, "--access", s.AccessKey, "--secret", s.SecretKey,
		"--region", s.Region, "--quiet", "posix", s.Dir)
	cmd.Stdout, cmd.Stderr = out, out
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("running %s: %w", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case err := <-exited:
			return fmt.Errorf("versitygw exited at start (%v): %s", err, out.String())
		default:
		}
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-exited
			return fmt.Errorf("versitygw did not listen on %s in 15s: %s", addr, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if tb.Failed() {
			tb.Logf("versitygw output:\n%s", out.String())
		}
	})
	return nil
}

// Credentials returns the server's root credentials.
func (s *S3Server) Credentials() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, "")
}

// Config returns an s3store configuration for bucket on this server.
func (s *S3Server) Config(bucket string) s3store.Config {
	return s3store.Config{
		Bucket:      bucket,
		Endpoint:    s.Endpoint,
		Region:      s.Region,
		PathStyle:   true,
		Credentials: s.Credentials(),
		MaxBackoff:  200 * time.Millisecond,
	}
}

// NewBucket creates a bucket with a fresh name and returns the name.
func (s *S3Server) NewBucket(tb testing.TB) string {
	tb.Helper()
	name := fmt.Sprintf("regen-test-%d", s.buckets.Add(1))
	st, err := s3store.New(context.Background(), s.Config(name))
	if err != nil {
		tb.Fatal(err)
	}
	_, err = st.Client().CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)})
	if err != nil {
		tb.Fatalf("creating bucket %s: %v", name, err)
	}
	return name
}

// NewStore creates a bucket and returns a store on it; edit may adjust
// the configuration (prefix, HTTP client) first.
func (s *S3Server) NewStore(tb testing.TB, edit func(*s3store.Config)) *s3store.Store {
	tb.Helper()
	c := s.Config(s.NewBucket(tb))
	if edit != nil {
		edit(&c)
	}
	st, err := s3store.New(context.Background(), c)
	if err != nil {
		tb.Fatal(err)
	}
	return st
}
