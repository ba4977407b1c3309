// Package scaffold writes a new registry repository (regen init): a
// registry-data folder in the OpenTofu layout with one example entry, a
// regen.yaml, the GitHub Actions workflows (scheduled ingest → commit →
// build → upload with purge; pull-request validation; issue-form
// submissions), the issue forms, and a README telling the operator which
// secrets to set.
//
// Init never overwrites a file: a file that exists is left as it is
// (reported "unchanged" when it already has the template's content,
// "kept" when the operator changed it), so running it again only adds
// what is missing. Each file is written to a temporary name and linked
// into place, which fails rather than replace a file created meanwhile.
//
// The templates live in templates/ (embedded) and use [[ ]] delimiters, so
// the workflows' ${{ }} expressions are written as they are.
package scaffold
