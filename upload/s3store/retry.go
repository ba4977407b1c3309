package s3store

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// newRetryer returns the SDK's standard retryer with exponential jittered
// back-off, no retry quota, and two more retryable cases: HTTP 429 (R2's
// rate limiting) and connections dropped before a response (EOF, reset,
// broken pipe) — safe because every request regen makes is idempotent.
func newRetryer(maxAttempts int, maxBackoff time.Duration, logger *slog.Logger, count *atomic.Int64) aws.Retryer {
	std := retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = maxAttempts
		o.MaxBackoff = maxBackoff
		o.Backoff = retry.NewExponentialJitterBackoff(maxBackoff)
		o.RateLimiter = ratelimit.None
		o.Retryables = append(o.Retryables,
			retry.RetryableHTTPStatusCode{Codes: map[int]struct{}{429: {}}},
			retry.IsErrorRetryableFunc(droppedConnection),
		)
	})
	return &countingRetryer{RetryerV2: std, logger: logger, count: count}
}

// droppedConnection reports connections closed under a request.
func droppedConnection(err error) aws.Ternary {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return aws.UnknownTernary
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return aws.TrueTernary
	}
	return aws.UnknownTernary
}

// countingRetryer counts and logs the retried errors.
type countingRetryer struct {
	aws.RetryerV2
	logger *slog.Logger
	count  *atomic.Int64
}

func (r *countingRetryer) IsErrorRetryable(err error) bool {
	ok := r.RetryerV2.IsErrorRetryable(err)
	if ok {
		r.count.Add(1)
		r.logger.Debug("retrying S3 request", "error", err)
	}
	return ok
}
