// Package hostile makes what a hostile publisher would publish, for tests
// of the ingest trust boundary: zip bombs, key files smuggling a second
// key, repositories with thousands of tags. Everything is generated when a
// test runs (nothing large is committed), deterministically.
package hostile
