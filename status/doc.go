// Package status reports a registry's health at a glance (regen status):
// for every provider and module of a data folder, how many versions it
// has and the newest, when a new version last arrived, when ingest last
// listed its tags in full, which versions fail to ingest and why, and when
// each will be retried.
//
// It reads only what ingest leaves behind: the data files (versions,
// discovered times, versions_errors, warnings), the poll state under
// <data>/.regen/ingest-state/ (last full listing, retry back-off; package
// ingest/pollstate), and optionally the JSON summary of the last ingest run
// (regen ingest --json), which holds the failures of whole entries (a
// repository gone, a feed that fails) that no file records.
package status
