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
}

// SHA256 returns the sha256 of Body.
func (f File) SHA256() [sha256.Size]byte {
	if f.sum != nil {
		return *f.sum
	}
	return sha256.Sum256(f.Body)
}

// Manifest returns the file's manifest record (sha256, size, content type,
// class).
func (f File) Manifest() manifest.File {
	sum := f.SHA256()
	return manifest.File{
		Path:   f.Path,
		SHA256: hex.EncodeToString(sum[:]),
		Size:   int64(len(f.Body)),
		Type:   manifest.ContentType(f.Path),
		Class:  f.Class,
	}
}
