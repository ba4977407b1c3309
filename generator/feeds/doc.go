// Package feeds renders a registry's change feeds from its event log
// (regdata/events): Atom 1.0 feeds of new releases for the whole registry
// (feeds/releases.atom) and for each namespace
// (feeds/releases/<namespace>.atom, lower-cased), and an ndjson changes
// feed (feeds/changes.ndjson) holding every event of the last 30 days in
// the log's own line format, oldest first.
//
// Release feeds list module.version_released and provider.version_released
// events, newest first, once per release (normalised version), leaving out
// releases that are no longer published (Options.Published). Entry ids are
// "urn:regen:<module|provider>:<address>:<version>", stable across builds;
// a feed's <updated> is its newest entry's time, so an unchanged log gives
// byte-identical files.
package feeds
