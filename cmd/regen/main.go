// Command regen runs a Terraform/OpenTofu registry as a static site: it keeps
// a registry-data folder current from GitHub, turns it into every registry
// API response as static files, and publishes them to an object store.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// The first SIGINT or SIGTERM cancels ctx: commands stop, remove what
	// they staged and exit. A second one kills at once (the default).
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	stopProfiles := startProfiles(slog.New(slog.NewTextHandler(os.Stderr, nil)))
	err := newRootCmd(os.Stdout, os.Stderr).ExecuteContext(ctx)
	stopProfiles()
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "regen:", err)
		os.Exit(exitCode(err))
	}
}

// exitError carries a specific process exit status (for example 3 when an
// ingest run succeeded only in part).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}
