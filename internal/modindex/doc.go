// Package modindex is the layout the content-addressed stores beside the
// data folder share (the module docs store, package moddocs; archive
// mode's package store, package modarchive): per-module indexes mapping a
// version to an entry, and objects named by their sha256.
//
//	index/<ns>/<name>/<system>.json    {"versions": {version: entry}}
//	objects/<h[0:2]>/<h><ext>          an object; h is the hex sha256 of its content
//
// Namespaces, names and systems are lower-cased in index paths. Every
// write is atomic (temporary file and rename), so a reader never sees a
// partial file. One process writes a store at a time; within it, Indexes
// serialises each index's read-modify-write.
package modindex
