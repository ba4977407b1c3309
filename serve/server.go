package serve

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// DefaultAddr is where Run listens when Options.Addr is empty.
const DefaultAddr = "127.0.0.1:8443"

// Options configures Run (`regen serve`).
type Options struct {
	// Dir is the tree written by `regen build`. Used when Source is nil.
	Dir string
	// Source, when set, replaces Dir (for example a Source answering from a
	// registry-data folder).
	Source Source
	// Addr is the listen address, host:port; port 0 picks a free port.
	// Empty means DefaultAddr.
	Addr string
	// TLSCert and TLSKey are PEM files of a server certificate and its key.
	TLSCert, TLSKey string
	// SelfSigned makes a CA and a server certificate for this run (see
	// NewSelfSigned). Exclusive with TLSCert/TLSKey. With neither, Run
	// speaks plain HTTP.
	SelfSigned bool
	// CAOut is where the self-signed CA certificate is written. Empty
	// means a new file in the temporary directory, removed when Run
	// returns.
	CAOut string
	// Wrap, when set, wraps the Handler: the place for middlewares such
	// as authentication or download counting.
	Wrap func(http.Handler) http.Handler
	// Logger receives the request log (debug) and errors. Nil logs nothing.
	Logger *slog.Logger
	// Stdout receives the client settings and, last, the line
	// "listening on <scheme>://<host:port>" once requests are accepted.
	// Nil prints nothing.
	Stdout io.Writer
	// ShutdownTimeout bounds the graceful shutdown; 0 means 10s.
	ShutdownTimeout time.Duration
}

func (o Options) validate() error {
	if (o.TLSCert == "") != (o.TLSKey == "") {
		return errors.New("serve: a TLS certificate needs both a certificate and a key file")
	}
	if o.SelfSigned && o.TLSCert != "" {
		return errors.New("serve: self-signed and a TLS certificate are exclusive")
	}
	if o.CAOut != "" && !o.SelfSigned {
		return errors.New("serve: a CA output file needs a self-signed certificate")
	}
	if o.Source == nil && o.Dir == "" {
		return errors.New("serve: no tree directory given")
	}
	return nil
}

// Run serves the tree until ctx is cancelled, then shuts down gracefully:
// it stops accepting connections and waits for requests in flight.
func Run(ctx context.Context, o Options) error {
	if err := o.validate(); err != nil {
		return err
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	src := o.Source
	if src == nil {
		d, err := NewDir(o.Dir)
		if err != nil {
			return err
		}
		src = d
	}
	h, err := NewHandler(HandlerOptions{Source: src, Logger: log})
	if err != nil {
		return err
	}
	var handler http.Handler = h
	if o.Wrap != nil {
		handler = o.Wrap(h)
	}

	addr := o.Addr
	if addr == "" {
		addr = DefaultAddr
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("serve: listen address %q: %w", addr, err)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer ln.Close()
	hostPort := advertised(host, ln.Addr())

	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}
	scheme, caFile := "http", ""
	switch {
	case o.TLSCert != "":
		cert, err := tls.LoadX509KeyPair(o.TLSCert, o.TLSKey)
		if err != nil {
			return fmt.Errorf("serve: loading TLS certificate %s and key %s: %w", o.TLSCert, o.TLSKey, err)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		scheme = "https"
	case o.SelfSigned:
		ss, err := NewSelfSigned([]string{host})
		if err != nil {
			return fmt.Errorf("serve: %w", err)
		}
		caFile, err = writeCA(o.CAOut, ss.CAPEM)
		if err != nil {
			return err
		}
		if o.CAOut == "" {
			defer os.Remove(caFile)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{ss.Certificate}, MinVersion: tls.VersionTLS12}
		scheme = "https"
	default:
		log.Warn("serving plain HTTP: Terraform and OpenTofu need HTTPS for service discovery; use the printed host block, or --self-signed")
	}

	if o.Stdout != nil {
		if err := printInstructions(o.Stdout, scheme, hostPort, caFile); err != nil {
			return fmt.Errorf("serve: printing settings: %w", err)
		}
	}
	log.Info("serving", "dir", o.Dir, "url", scheme+"://"+hostPort)

	errc := make(chan error, 1)
	go func() {
		if srv.TLSConfig != nil {
			errc <- srv.ServeTLS(ln, "", "")
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	timeout := o.ShutdownTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		return fmt.Errorf("serve: shutting down: %w", err)
	}
	<-errc // http.ErrServerClosed
	log.Info("stopped")
	return nil
}

// advertised returns the host:port clients should use: the configured host
// (127.0.0.1 when it was unspecified) with the port actually bound.
func advertised(host string, a net.Addr) string {
	port := "0"
	if ta, ok := a.(*net.TCPAddr); ok {
		port = strconv.Itoa(ta.Port)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// writeCA writes the CA PEM to path atomically, or to a new temporary file
// when path is empty, and returns the file written.
func writeCA(path string, pemBytes []byte) (string, error) {
	dir, pattern := os.TempDir(), "regen-serve-ca-*.pem"
	if path != "" {
		dir, pattern = filepath.Dir(path), "."+filepath.Base(path)+".tmp-*"
	}
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", fmt.Errorf("serve: writing CA certificate: %w", err)
	}
	name := f.Name()
	_, werr := f.Write(pemBytes)
	cerr := f.Close()
	if err := errors.Join(werr, cerr, os.Chmod(name, 0o644)); err != nil {
		os.Remove(name)
		return "", fmt.Errorf("serve: writing CA certificate %s: %w", name, err)
	}
	if path == "" {
		return name, nil
	}
	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return "", fmt.Errorf("serve: writing CA certificate %s: %w", path, err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return path, nil
	}
	return abs, nil
}
