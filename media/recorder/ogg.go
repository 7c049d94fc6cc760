package recorder

import (
	"fmt"
	"os"

	"github.com/teixit/teixit/media/ogg"
)

// finishOgg makes the file at path a playable Ogg stream: it truncates it to
// its last complete page and marks that page end-of-stream. It returns the
// last page's granule position (48 kHz samples for Opus) and whether the
// file held any audio page after the two header pages.
func finishOgg(path string) (granule uint64, audio bool, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false, fmt.Errorf("recorder: finish %s: %w", path, err)
	}
	pages := ogg.Scan(b)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 0, false, fmt.Errorf("recorder: finish %s: %w", path, err)
	}
	defer f.Close()
	end := int64(0)
	if len(pages) > 0 {
		last := pages[len(pages)-1]
		end = last.End()
		granule = last.Granule
		audio = len(pages) > 2
		if audio && last.Flags&ogg.FlagEOS == 0 {
			page := append([]byte(nil), b[last.Offset:end]...)
			ogg.MarkEnd(page)
			if _, err := f.WriteAt(ogg.Seal(page), last.Offset); err != nil {
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
