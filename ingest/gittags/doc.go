// Package gittags lists a git repository's tags over smart HTTP with
// go-git, as "git ls-remote --tags" would, without a git binary: one
// request (GET info/refs?service=git-upload-pack) per repository. Each tag
// comes with the commit it points at: for an annotated tag, the peeled
// commit, not the tag object.
package gittags
