// Package target opens a publishing target named by URL: s3://BUCKET[/PREFIX]
// for S3 and S3-compatible stores (R2, MinIO, versitygw with an
// endpoint), file:///path (or file:relative/path) for a plain folder.
package target
