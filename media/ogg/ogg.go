// Package ogg reads and repairs Ogg pages (RFC 3533): the one place Teixit knows the page layout and its
// checksum. The recorder uses it to finish a segment cut short (last page marked end-of-stream, torn tail
// dropped) and the recording download to chain segments into one stream. Writing Opus into Ogg is left to
// Pion's oggwriter.
package ogg

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
)

// Header layout: capture pattern "OggS", version 0, flags, granule (8), serial (4), sequence (4), CRC (4),
// number of segments, then the lacing values and the body.
const (
	headerSize = 27
	flagsAt    = 5
	granuleAt  = 6
	serialAt   = 14
	seqAt      = 18
	crcAt      = 22

	// FlagEOS marks a stream's last page.
	FlagEOS = 0x04
)

// ErrTorn is returned for a page cut short or not starting with "OggS".
var ErrTorn = errors.New("ogg: torn or invalid page")

var table = func() (t [256]uint32) {
	for i := range t {
		r := uint32(i) << 24
		for j := 0; j < 8; j++ {
			if r&0x80000000 != 0 {
				r = r<<1 ^ 0x04c11db7
			} else {
				r <<= 1
			}
		}
		t[i] = r
	}
	return t
}()

// Checksum is the page's CRC-32 (polynomial 0x04c11db7, not reflected, initial value 0), computed with the
// checksum field counted as zero.
func Checksum(page []byte) uint32 {
	var c uint32
	for i, b := range page {
		if i >= crcAt && i < crcAt+4 {
			b = 0
		}
		c = c<<8 ^ table[byte(c>>24)^b]
	}
	return c
}

// Seal writes the page's checksum into it and returns it.
func Seal(page []byte) []byte {
	binary.LittleEndian.PutUint32(page[crcAt:crcAt+4], Checksum(page))
	return page
}

// SetSerial rewrites the page's stream serial number (the checksum must be sealed again).
func SetSerial(page []byte, serial uint32) {
	binary.LittleEndian.PutUint32(page[serialAt:serialAt+4], serial)
}

// MarkEnd marks the page as its stream's last one (the checksum must be sealed again).
func MarkEnd(page []byte) { page[flagsAt] |= FlagEOS }

// Page is one complete, checksum-valid page found in a buffer.
type Page struct {
	Offset  int64
	Size    int
	Flags   byte
	Granule uint64
	Seq     uint32
}

// End is the offset just past the page.
func (p Page) End() int64 { return p.Offset + int64(p.Size) }

// Scan returns the complete, valid pages at the start of b, in order; it stops at the first truncated or
// corrupt page.
func Scan(b []byte) []Page {
	var pages []Page
	off := 0
	for off+headerSize <= len(b) {
		h := b[off:]
		if string(h[:4]) != "OggS" || h[4] != 0 {
			break
		}
		nseg := int(h[26])
		if off+headerSize+nseg > len(b) {
			break
		}
		size := headerSize + nseg
		for _, l := range h[headerSize : headerSize+nseg] {
			size += int(l)
		}
		if off+size > len(b) {
			break
		}
		if Checksum(b[off:off+size]) != binary.LittleEndian.Uint32(h[crcAt:crcAt+4]) {
			break
		}
		pages = append(pages, Page{Offset: int64(off), Size: size, Flags: h[flagsAt],
			Granule: binary.LittleEndian.Uint64(h[granuleAt : granuleAt+8]), Seq: binary.LittleEndian.Uint32(h[seqAt : seqAt+4])})
		off += size
	}
	return pages
}

// ReadPage reads one page (header, lacing, body) from r: io.EOF at a clean end, ErrTorn for a page cut short
// or not an Ogg page. The checksum is not checked.
func ReadPage(r *bufio.Reader) ([]byte, error) {
	hdr := make([]byte, headerSize)
	if _, err := io.ReadFull(r, hdr); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		return nil, ErrTorn
	}
	if string(hdr[:4]) != "OggS" || hdr[4] != 0 {
		return nil, ErrTorn
	}
	lacing := make([]byte, hdr[26])
	if _, err := io.ReadFull(r, lacing); err != nil {
		return nil, ErrTorn
	}
	size := 0
	for _, l := range lacing {
		size += int(l)
	}
	page := make([]byte, headerSize+len(lacing)+size)
	copy(page, hdr)
	copy(page[headerSize:], lacing)
	if _, err := io.ReadFull(r, page[headerSize+len(lacing):]); err != nil {
		return nil, ErrTorn
	}
	return page, nil
}
