// Package s3store is the upload.Store of an S3-compatible bucket: AWS S3,
// Cloudflare R2, MinIO, versitygw, anything speaking the S3 API through
// aws-sdk-go-v2.
//
// Checksums are computed and validated only when an operation requires
// them (RequestChecksumCalculation and ResponseChecksumValidation set to
// WhenRequired), because R2 and several S3-compatible servers reject the
// trailing CRC32 checksums recent SDK versions add to every PutObject.
// Integrity still holds: every request is SigV4-signed over the sha256 of
// its payload, and the object's sha256 is stored in its `x-amz-meta-sha256`
// metadata.
//
// Transient failures — HTTP 429, 500, 502, 503, 504, S3 throttling codes
// such as SlowDown, reset or dropped connections — are retried with
// exponential back-off and jitter, up to Config.MaxAttempts attempts per
// request, without the SDK's client-side retry quota (which would turn a
// burst of 503s during a large upload into hard failures).
package s3store
