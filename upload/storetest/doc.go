// Package storetest is the test suite every upload.Store implementation
// must pass (in the manner of restic's backend tests): write, overwrite,
// read back, metadata, not-found errors, deletes, listings, key
// validation and atomic replacement under concurrent readers.
//
// An implementation's test calls Run with a function returning a fresh,
// empty store for each subtest.
package storetest
