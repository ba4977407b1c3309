// Package stats counts module (and provider) downloads: a Store of daily
// counters kept in the data folder (see Store for the files), a Recorder
// middleware with which `regen serve` counts the downloads it answers,
// Import for `regen stats import`, which reads CDN and object-store access
// logs (Cloudflare Logpush http_requests JSON, S3 server access logs,
// CloudFront standard logs; plain or gzipped), and Counters.Summary, from
// which `regen build` renders each module's downloads summary (week,
// month, year and total, relative to the build's clock).
//
// A download is a GET of /v1/modules/<ns>/<name>/<system>/<version>/download
// (or a provider's …/<version>/download/<os>/<arch>) answered 200 or 204;
// it counts towards "module/<ns>/<name>/<system>" (lower-cased) on its UTC
// day — once per client, download URL and day (Dedup), so one client
// cannot make a figure grow by asking again. The counters hold no
// addresses, tokens or user agents: only per-entry, per-day totals; the
// (client, URL) pairs of the last two days live in memory as hashes, up
// to a bound.
package stats
