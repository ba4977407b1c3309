package s3store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/regen-registry/regen/upload"
)

// Config describes a bucket and how to reach it.
type Config struct {
	Bucket string
	// Prefix is prepended (with a slash) to every key; "" for the bucket
	// root.
	Prefix string
	// Endpoint is the base URL of an S3-compatible service (R2:
	// https://<account>.r2.cloudflarestorage.com); "" for AWS S3.
	Endpoint string
	// Region defaults to the environment's (AWS_REGION, shared config),
	// then to "auto" when Endpoint is set (what R2 expects) or "us-east-1".
	Region string
	// PathStyle addresses the bucket as https://endpoint/bucket/key instead
	// of https://bucket.endpoint/key; most self-hosted servers need it.
	PathStyle bool
	// Credentials overrides the SDK's default chain (environment
	// variables, shared files, instance roles).
	Credentials aws.CredentialsProvider
	// HTTPClient overrides the HTTP client; nil builds one keeping
	// Connections idle connections to the endpoint.
	HTTPClient *http.Client
	// Connections is the number of concurrent requests expected (the
	// upload's --jobs); it sizes the idle connection pool. Default 64.
	Connections int
	// MaxAttempts bounds the attempts of one request (default 10).
	MaxAttempts int
	// MaxBackoff bounds the delay between attempts (default 20 s).
	MaxBackoff time.Duration
	// Logger receives a debug line per retried request; nil discards.
	Logger *slog.Logger
}

// Store is a bucket, or a prefix of one.
type Store struct {
	client  *s3.Client
	bucket  string
	prefix  string // "" or ending in "/"
	retries *atomic.Int64
}

var _ upload.Store = (*Store)(nil)

// New returns the store described by c. It does not contact the service.
func New(ctx context.Context, c Config) (*Store, error) {
	if c.Bucket == "" {
		return nil, errors.New("s3 store: no bucket")
	}
	prefix := strings.Trim(c.Prefix, "/")
	if prefix != "" {
		if err := upload.CheckKey(prefix); err != nil {
			return nil, fmt.Errorf("s3 store: prefix: %w", err)
		}
		prefix += "/"
	}
	if c.Connections <= 0 {
		c.Connections = 64
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 10
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 20 * time.Second
	}
	logger := c.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	var cfg aws.Config
	if c.Credentials == nil {
		var err error
		cfg, err = config.LoadDefaultConfig(ctx)
		if err != nil {
			return nil, fmt.Errorf("s3 store: loading AWS configuration: %w", err)
		}
	} else {
		cfg = aws.Config{Credentials: c.Credentials}
	}
	switch {
	case c.Region != "":
		cfg.Region = c.Region
	case cfg.Region != "":
	case c.Endpoint != "":
		cfg.Region = "auto"
	default:
		cfg.Region = "us-east-1"
	}
	httpClient := c.HTTPClient
	if httpClient == nil {
		httpClient = newHTTPClient(c.Connections)
	}
	st := &Store{bucket: c.Bucket, prefix: prefix, retries: new(atomic.Int64)}
	retryer := newRetryer(c.MaxAttempts, c.MaxBackoff, logger, st.retries)
	st.client = s3.NewFromConfig(cfg, func(o *s3.Options) {
		if c.Endpoint != "" {
			o.BaseEndpoint = aws.String(c.Endpoint)
		}
		o.UsePathStyle = c.PathStyle
		o.HTTPClient = httpClient
		o.Retryer = retryer
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
	return st, nil
}

// newHTTPClient keeps enough idle connections for conns concurrent
// requests (the default of 2 per host would churn through ephemeral ports)
// and bounds the wait for response headers, so a stalled connection is
// retried instead of hanging the upload.
func newHTTPClient(conns int) *http.Client {
	return &http.Client{Transport: awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConns = conns * 2
		t.MaxIdleConnsPerHost = conns * 2
		t.ResponseHeaderTimeout = 2 * time.Minute
	}).GetTransport()}
}

// String returns "s3://bucket/prefix".
func (s *Store) String() string {
	if s.prefix == "" {
		return "s3://" + s.bucket
	}
	return "s3://" + s.bucket + "/" + strings.TrimSuffix(s.prefix, "/")
}

// Retries returns how many requests were retried so far.
func (s *Store) Retries() int64 { return s.retries.Load() }

// Client returns the underlying S3 client (for tests and tools that read
// the bucket directly).
func (s *Store) Client() *s3.Client { return s.client }

func (s *Store) key(key string) (string, error) {
	if err := upload.CheckKey(key); err != nil {
		return "", err
	}
	return s.prefix + key, nil
}

// Put uploads the object with its metadata in one PutObject.
func (s *Store) Put(ctx context.Context, key string, body io.ReadSeeker, size int64, meta upload.Meta) error {
	k, err := s.key(key)
	if err != nil {
		return fmt.Errorf("uploading object: %w", err)
	}
	in := &s3.PutObjectInput{
		Bucket:        aws.String(s.bucket),
		Key:           aws.String(k),
		Body:          body,
		ContentLength: aws.Int64(size),
	}
	if meta.ContentType != "" {
		in.ContentType = aws.String(meta.ContentType)
	}
	if meta.CacheControl != "" {
		in.CacheControl = aws.String(meta.CacheControl)
	}
	if meta.SHA256 != "" {
		in.Metadata = map[string]string{metaSHA256: meta.SHA256}
	}
	if _, err := s.client.PutObject(ctx, in); err != nil {
		return fmt.Errorf("uploading %s to %s: %w", key, s, err)
	}
	return nil
}

// metaSHA256 is the user metadata key (x-amz-meta-sha256) holding the
// object's sha256.
const metaSHA256 = "sha256"

// Get downloads the object.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	k, err := s.key(key)
	if err != nil {
		return nil, fmt.Errorf("downloading object: %w", err)
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(k)})
	if err != nil {
		return nil, fmt.Errorf("downloading %s from %s: %w", key, s, mapNotFound(err))
	}
	return out.Body, nil
}

// Head reads the object's size, ETag and metadata.
func (s *Store) Head(ctx context.Context, key string) (upload.ObjectInfo, error) {
	k, err := s.key(key)
	if err != nil {
		return upload.ObjectInfo{}, fmt.Errorf("reading object metadata: %w", err)
	}
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(k)})
	if err != nil {
		return upload.ObjectInfo{}, fmt.Errorf("reading metadata of %s in %s: %w", key, s, mapNotFound(err))
	}
	return upload.ObjectInfo{
		Key:  key,
		Size: aws.ToInt64(out.ContentLength),
		ETag: strings.Trim(aws.ToString(out.ETag), `"`),
		Meta: upload.Meta{
			ContentType:  aws.ToString(out.ContentType),
			CacheControl: aws.ToString(out.CacheControl),
			SHA256:       out.Metadata[metaSHA256],
		},
	}, nil
}

// Delete removes the object; a missing object is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	k, err := s.key(key)
	if err != nil {
		return fmt.Errorf("deleting object: %w", err)
	}
	_, err = s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(k)})
	if err != nil && !errors.Is(mapNotFound(err), upload.ErrNotFound) {
		return fmt.Errorf("deleting %s from %s: %w", key, s, err)
	}
	return nil
}

// List pages through ListObjectsV2 (1000 keys a request).
func (s *Store) List(ctx context.Context, prefix string, fn func(upload.ObjectInfo) error) error {
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{
		Bucket: aws.String(s.bucket),
		Prefix: aws.String(s.prefix + prefix),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing %s under %q: %w", s, prefix, err)
		}
		for _, o := range page.Contents {
			key := strings.TrimPrefix(aws.ToString(o.Key), s.prefix)
			info := upload.ObjectInfo{Key: key, Size: aws.ToInt64(o.Size), ETag: strings.Trim(aws.ToString(o.ETag), `"`)}
			if err := fn(info); err != nil {
				return err
			}
		}
	}
	return nil
}

// mapNotFound wraps upload.ErrNotFound around 404 answers.
func mapNotFound(err error) error {
	var nsk *types.NoSuchKey
	var nf *types.NotFound
	var re *awshttp.ResponseError
	if errors.As(err, &nsk) || errors.As(err, &nf) || (errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound) {
		return fmt.Errorf("%w: %w", upload.ErrNotFound, err)
	}
	return err
}
