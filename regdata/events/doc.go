// Package events is the change log of a registry data folder: an
// append-only series of newline-delimited JSON files,
//
//	events/<YYYY-MM>.ndjson
//
// one event per line, in the month (UTC) of the event's time. ingest, add,
// revoke and discover append an event after the data file it describes has
// been written, so a reader never sees an event for data that is not there
// (a crash between the two loses the event, never the data). The generator
// reads the log to publish feeds; operators can drive webhooks from it.
//
// Appends open the month's file with O_APPEND, write whole lines in one
// write and fsync. A line cut short by a crash is skipped by Read (and
// reported), and the next append starts on a fresh line, so one torn write
// never damages the events around it.
package events
