package hostile

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
)

// OverlappingZip returns a zip whose entries all point at the same
// deflated run of size zero bytes: a small download that claims
// entries·size bytes uncompressed (entries up to 65535). Reading it all,
// as an unbounded hasher does, takes hours for the sizes a bomb uses;
// only its central directory grows with entries (about 60 bytes each).
func OverlappingZip(entries int, size int64) ([]byte, error) {
	if entries < 1 || entries > 0xffff || size < 0 || size >= 1<<32-1 {
		return nil, fmt.Errorf("overlapping zip: %d entries of %d bytes is out of range", entries, size)
	}
	data, err := zeroDeflate(size)
	if err != nil {
		return nil, err
	}
	zero := make([]byte, 1<<20)
	crc := crc32.NewIEEE()
	for left := size; left > 0; {
		n := min(left, int64(len(zero)))
		crc.Write(zero[:n])
		left -= n
	}
	sum, csize := crc.Sum32(), uint32(len(data))

	var b bytes.Buffer
	le := func(v ...any) {
		for _, x := range v {
			binary.Write(&b, binary.LittleEndian, x)
		}
	}
	const local = "terraform-provider-bomb"
	// One local header and its data, at offset 0.
	le(uint32(0x04034b50), uint16(20), uint16(0), uint16(8), uint16(0), uint16(0x21),
		sum, csize, uint32(size), uint16(len(local)), uint16(0))
	b.WriteString(local)
	b.Write(data)
	dirStart := b.Len()
	for i := range entries {
		name := fmt.Sprintf("f%05d", i)
		le(uint32(0x02014b50), uint16(0x031e), uint16(20), uint16(0), uint16(8), uint16(0), uint16(0x21),
			sum, csize, uint32(size), uint16(len(name)), uint16(0), uint16(0), uint16(0), uint16(0),
			uint32(0o100644<<16), uint32(0))
		b.WriteString(name)
	}
	dirLen := b.Len() - dirStart
	le(uint32(0x06054b50), uint16(0), uint16(0), uint16(entries), uint16(entries),
		uint32(dirLen), uint32(dirStart), uint16(0))
	return b.Bytes(), nil
}

// LyingZip returns a zip with one entry named name whose headers declare
// declared uncompressed bytes while its data inflates to actual bytes
// (zeros): a reader that trusts the headers for its bounds must still
// stop.
func LyingZip(name string, declared, actual int64) ([]byte, error) {
	var data bytes.Buffer
	fw, err := flate.NewWriter(&data, flate.BestSpeed)
	if err != nil {
		return nil, err
	}
	if _, err := io.CopyN(fw, zeroReader{}, actual); err != nil {
		return nil, err
	}
	if err := fw.Close(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	le := func(v ...any) {
		for _, x := range v {
			binary.Write(&b, binary.LittleEndian, x)
		}
	}
	le(uint32(0x04034b50), uint16(20), uint16(0), uint16(8), uint16(0), uint16(0x21),
		uint32(0), uint32(data.Len()), uint32(declared), uint16(len(name)), uint16(0))
	b.WriteString(name)
	b.Write(data.Bytes())
	dirStart := b.Len()
	le(uint32(0x02014b50), uint16(0x031e), uint16(20), uint16(0), uint16(8), uint16(0), uint16(0x21),
		uint32(0), uint32(data.Len()), uint32(declared), uint16(len(name)), uint16(0), uint16(0), uint16(0), uint16(0),
		uint32(0o100755<<16), uint32(0))
	b.WriteString(name)
	dirLen := b.Len() - dirStart
	le(uint32(0x06054b50), uint16(0), uint16(0), uint16(1), uint16(1), uint32(dirLen), uint32(dirStart), uint16(0))
	return b.Bytes(), nil
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// zeroDeflate returns a deflate stream of size zero bytes, quickly: one
// flushed block of 1 MiB of zeros (byte-aligned, referring back at most
// one byte, so valid anywhere after a zero) repeated, then the rest, then
// an empty final block.
func zeroDeflate(size int64) ([]byte, error) {
	block := func(n int64) ([]byte, error) {
		var b bytes.Buffer
		fw, err := flate.NewWriter(&b, flate.BestCompression)
		if err != nil {
			return nil, err
		}
		if _, err := io.CopyN(fw, zeroReader{}, n); err != nil {
			return nil, err
		}
		if err := fw.Flush(); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	const chunk = 1 << 20
	full, err := block(chunk)
	if err != nil {
		return nil, err
	}
	var out []byte
	for range size / chunk {
		out = append(out, full...)
	}
	if rest := size % chunk; rest > 0 {
		tail, err := block(rest)
		if err != nil {
			return nil, err
		}
		out = append(out, tail...)
	}
	return append(out, 0x01, 0x00, 0x00, 0xff, 0xff), nil
}
