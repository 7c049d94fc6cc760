package recorder

import (
	"encoding/binary"
	"fmt"
	"os"
)

// oggCRC is the Ogg page checksum: CRC-32, polynomial 0x04c11db7, not reflected.
var oggCRC = func() *[256]uint32 {
	var t [256]uint32
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
	return &t
}()

func pageCRC(page []byte) uint32 {
	var c uint32
	for i, b := range page {
		if i >= 22 && i < 26 { // the checksum field counts as zero
			b = 0
		}
		c = c<<8 ^ oggCRC[byte(c>>24)^b]
	}
	return c
}

// Page is one complete, checksum-valid Ogg page found in a file.
type Page struct {
	Offset  int64
	Size    int
	Flags   byte
	Granule uint64
	Seq     uint32
}

// ScanPages returns the complete, valid pages at the start of b, in order; it
// stops at the first truncated or corrupt page.
func ScanPages(b []byte) []Page {
	var pages []Page
	off := 0
	for off+27 <= len(b) {
		h := b[off:]
		if string(h[:4]) != "OggS" || h[4] != 0 {
			break
		}
		nseg := int(h[26])
		if off+27+nseg > len(b) {
			break
		}
		size := 27 + nseg
		for _, l := range h[27 : 27+nseg] {
			size += int(l)
		}
		if off+size > len(b) {
			break
		}
		if pageCRC(b[off:off+size]) != binary.LittleEndian.Uint32(h[22:26]) {
			break
		}
		pages = append(pages, Page{Offset: int64(off), Size: size, Flags: h[5],
			Granule: binary.LittleEndian.Uint64(h[6:14]), Seq: binary.LittleEndian.Uint32(h[18:22])})
		off += size
	}
	return pages
}

// finishOgg makes the file at path a playable Ogg stream: it truncates it to
// its last complete page and marks that page end-of-stream. It returns the
// last page's granule position (48 kHz samples for Opus) and whether the
// file held any audio page after the two header pages.
func finishOgg(path string) (granule uint64, audio bool, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false, fmt.Errorf("recorder: finish %s: %w", path, err)
	}
	pages := ScanPages(b)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 0, false, fmt.Errorf("recorder: finish %s: %w", path, err)
	}
	defer f.Close()
	end := int64(0)
	if len(pages) > 0 {
		last := pages[len(pages)-1]
		end = last.Offset + int64(last.Size)
		granule = last.Granule
		audio = len(pages) > 2
		if audio && last.Flags&0x04 == 0 {
			page := append([]byte(nil), b[last.Offset:end]...)
			page[5] |= 0x04
			binary.LittleEndian.PutUint32(page[22:26], pageCRC(page))
			if _, err := f.WriteAt(page, last.Offset); err != nil {
				return 0, false, fmt.Errorf("recorder: finish %s: %w", path, err)
			}
		}
	}
	if end != int64(len(b)) {
		if err := f.Truncate(end); err != nil {
			return 0, false, fmt.Errorf("recorder: finish %s: %w", path, err)
		}
	}
	if err := f.Sync(); err != nil {
		return 0, false, fmt.Errorf("recorder: finish %s: %w", path, err)
	}
	return granule, audio, nil
}
