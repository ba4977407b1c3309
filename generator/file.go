package generator

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/regen-registry/regen/manifest"
)

// File is one generated response: its path in the tree (slash-separated,
// no leading slash), its bytes and its publishing class. Its content type
// is manifest.ContentType(Path).
type File struct {
	Path  string
	Body  []byte
	Class manifest.Class

	// sum is Body's sha256 when the generator computed it more cheaply
	// than hashing Body (see downloadTemplate); nil otherwise.
	sum *[sha256.Size]byte
	// src, when set, is a file on disk holding the content (Body is nil):
	// a module package, too large to hold in memory; size is its length.
	src  string
	size int64
}

// Source returns the file on disk that holds the content of a file made
// by DiskFile, "" for a file whose content is Body.
func (f File) Source() string { return f.src }

// DiskFile returns a File whose content is the file src on disk, of the
// given sha256 and size (a module package in the archive store).
func DiskFile(path, src string, sum [sha256.Size]byte, size int64, class manifest.Class) File {
	return File{Path: path, Class: class, sum: &sum, src: src, size: size}
}

// SHA256 returns the sha256 of Body.
func (f File) SHA256() [sha256.Size]byte {
	if f.sum != nil {
		return *f.sum
	}
	return sha256.Sum256(f.Body)
}

// Size returns the content's length.
func (f File) Size() int64 {
	if f.src != "" {
		return f.size
	}
	return int64(len(f.Body))
}

// Manifest returns the file's manifest record (sha256, size, content type,
// class).
func (f File) Manifest() manifest.File {
	sum := f.SHA256()
	return manifest.File{
		Path:   f.Path,
		SHA256: hex.EncodeToString(sum[:]),
		Size:   f.Size(),
		Type:   manifest.ContentType(f.Path),
		Class:  f.Class,
	}
}
