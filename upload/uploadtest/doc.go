// Package uploadtest holds test helpers for regen's upload: a real
// S3-compatible server (versitygw with its posix backend) started on
// loopback, a fault-injecting proxy, a counting HTTP transport, a writer
// of small consistent registry trees with their build manifest, and a
// checker that a published tree is consistent (every index points at
// documents that exist).
//
// The versitygw binary is found through the REGEN_VERSITYGW environment
// variable, then on PATH, then where .ci/install-versitygw puts it. When
// it cannot be found, tests fail under CI (CI=true) and skip elsewhere.
package uploadtest
