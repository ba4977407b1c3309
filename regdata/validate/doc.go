// Package validate checks a registry data folder (the OpenTofu layout read
// by package regdata) and lists every problem it finds, each naming the file
// relative to the folder and the JSON field, instead of stopping at the
// first.
//
// Problems are errors (a client could not use the entry, or the generator
// would refuse or misplace it) or warnings (oddities that the public
// registry nevertheless serves: two-part versions, duplicates after
// normalisation, module systems like "aws.vpc", providers without a signing
// key). Options.Strict, meant for new submissions, turns those warnings into
// errors and requires strict semantic versions.
//
// Run streams the folder: a walk hands each file to a bounded pool of
// workers (errgroup), keeping only a few bytes per file for the checks that
// span files (addresses that collide in API paths, blacklist entries that
// point nowhere, providers no key applies to). Options.Files limits the
// per-file checks to named files, for validating a pull request.
package validate
