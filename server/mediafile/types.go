package mediafile

import (
	"bytes"
	"encoding/binary"
	"strings"

	"github.com/gabriel-vasile/mimetype"
)

// Class groups the file types a feature may accept.
type Class string

// Classes of accepted files.
const (
	Image    Class = "image"
	Audio    Class = "audio"
	Video    Class = "video"
	Document Class = "document" // PDF and office documents
)

// accepted maps sniffed MIME types to their class. Anything else is refused, whatever its name says.
var accepted = map[string]Class{
	"image/jpeg": Image, "image/png": Image, "image/webp": Image,
	"audio/ogg": Audio, "audio/webm": Audio, "audio/mpeg": Audio, "audio/mp4": Audio, "audio/x-m4a": Audio, "audio/wav": Audio,
	"video/webm": Video, "video/mp4": Video, "video/ogg": Video,
	"application/pdf": Document,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   Document,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         Document,
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": Document,
	"application/vnd.oasis.opendocument.text":                                   Document,
	"application/vnd.oasis.opendocument.spreadsheet":                            Document,
	"application/vnd.oasis.opendocument.presentation":                           Document,
	"application/msword": Document, "application/vnd.ms-excel": Document,
}

// sniff returns the MIME type and class of content from its first bytes (never from its name). A WebM or Ogg
// container with audio only is classed as audio: browsers record voice notes as audio/webm or audio/ogg.
func sniff(head []byte, declared string) (string, Class, bool) {
	m := mimetype.Detect(head)
	for t := m; t != nil; t = t.Parent() {
		mt := strings.Split(t.String(), ";")[0]
		if c, ok := accepted[mt]; ok {
			if c == Video && strings.HasPrefix(declared, "audio/") {
				return "audio/" + strings.TrimPrefix(mt, "video/"), Audio, true
			}
			return mt, c, true
		}
	}
	return strings.Split(m.String(), ";")[0], "", false
}

// stripJPEGMetadata removes APP1 (EXIF, XMP: camera, time and GPS location) and comment segments from a JPEG,
// leaving the image data untouched. It returns the input unchanged when it cannot parse it safely.
func stripJPEGMetadata(b []byte) []byte {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return b
	}
	out := bytes.NewBuffer(make([]byte, 0, len(b)))
	out.Write(b[:2])
	i := 2
	for i+4 <= len(b) {
		if b[i] != 0xFF {
			return b
		}
		marker := b[i+1]
		if marker == 0xDA { // start of scan: the rest is image data
			out.Write(b[i:])
			return out.Bytes()
		}
		if marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) {
			out.Write(b[i : i+2])
			i += 2
			continue
		}
		n := int(binary.BigEndian.Uint16(b[i+2 : i+4]))
		if n < 2 || i+2+n > len(b) {
			return b
		}
		if marker != 0xE1 && marker != 0xFE { // keep all but APP1 and COM
			out.Write(b[i : i+2+n])
		}
		i += 2 + n
	}
	return b
}

// stripPNGMetadata removes eXIf and text chunks (tEXt, zTXt, iTXt) from a PNG.
func stripPNGMetadata(b []byte) []byte {
	sig := []byte("\x89PNG\r\n\x1a\n")
	if !bytes.HasPrefix(b, sig) {
		return b
	}
	out := bytes.NewBuffer(make([]byte, 0, len(b)))
	out.Write(sig)
	i := len(sig)
	for i+12 <= len(b) {
		n := int(binary.BigEndian.Uint32(b[i : i+4]))
		if n < 0 || i+12+n > len(b) {
			return b
		}
		typ := string(b[i+4 : i+8])
		if typ != "eXIf" && typ != "tEXt" && typ != "zTXt" && typ != "iTXt" {
			out.Write(b[i : i+12+n])
		}
		i += 12 + n
		if typ == "IEND" {
			return out.Bytes()
		}
	}
	return b
}

// stripWebPMetadata removes EXIF and XMP chunks from a WebP (RIFF) file and fixes the RIFF size.
func stripWebPMetadata(b []byte) []byte {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return b
	}
	out := bytes.NewBuffer(make([]byte, 0, len(b)))
	out.Write(b[:12])
	i := 12
	for i+8 <= len(b) {
		n := int(binary.LittleEndian.Uint32(b[i+4 : i+8]))
		padded := n + n%2
		if i+8+padded > len(b) {
			return b
		}
		typ := string(b[i : i+4])
		if typ == "VP8X" && n >= 1 { // clear the EXIF and XMP flags
			chunk := append([]byte{}, b[i:i+8+padded]...)
			chunk[8] &^= 0x08 | 0x04
			out.Write(chunk)
		} else if typ != "EXIF" && typ != "XMP " {
			out.Write(b[i : i+8+padded])
		}
		i += 8 + padded
	}
	res := out.Bytes()
	binary.LittleEndian.PutUint32(res[4:8], uint32(len(res)-8))
	return res
}

// stripMetadata removes location and other metadata from images; other types pass through.
func stripMetadata(mime string, b []byte) []byte {
	switch mime {
	case "image/jpeg":
		return stripJPEGMetadata(b)
	case "image/png":
		return stripPNGMetadata(b)
	case "image/webp":
		return stripWebPMetadata(b)
	}
	return b
}
