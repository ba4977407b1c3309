// Package config reads regen.yaml, the one configuration file every regen
// command reads: the registry's public host and base URL, the data and
// output folders, GitHub's addresses, the upload target, Cloudflare's zone,
// concurrency, the licence allowlist and the mirror prefix.
//
// Flags given on the command line override the file; the file overrides
// each command's defaults. Secrets never live in the file: it names the
// environment variables that hold them (github.token_env,
// cloudflare.token_env), and a key that looks like a secret is an error
// that says so.
//
// Every problem names the file, the line and the key ("regen.yaml:7:
// upload.target: ..."), and all problems of a file are reported at once.
// Unknown keys are errors, with a suggestion when one is close.
package config
