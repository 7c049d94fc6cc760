package recorder

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
)

// ManifestName is the timeline file in a recording directory.
const ManifestName = "manifest.json"

// Manifest is the timeline of one recording directory: the turns in the order
// they started. It is rewritten atomically (temp file + rename) on every change.
type Manifest struct {
	Version int       `json:"version"`
	Started time.Time `json:"started"` // session start; turn offsets count from it
	Turns   []Entry   `json:"turns"`
	// Consents are the answers to "may your turn be recorded?", in order: a
	// declined turn has no entry in Turns, so this is how the host (and the
	// redaction and playback code) knows who said no and when.
	Consents []ConsentEntry `json:"consents,omitempty"`
}

// ConsentEntry is one answer of a floor holder (not a host or moderator).
type ConsentEntry struct {
	ParticipantID string    `json:"participantId"`
	UserID        string    `json:"userId"`
	DisplayName   string    `json:"displayName"`
	Question      int       `json:"question"`
	Consent       bool      `json:"consent"`
	AtMS          int64     `json:"atMs"` // since Manifest.Started
	At            time.Time `json:"at"`
}

// Entry is one recorded turn. EndMS and Ended are nil while the turn is being
// written; Recover fills them from the last complete Ogg page.
type Entry struct {
	Number        int        `json:"number"` // the SFU's turn number, 1-based per room
	ParticipantID string     `json:"participantId"`
	UserID        string     `json:"userId"`
	DisplayName   string     `json:"displayName"`
	Role          string     `json:"role"`
	Question      int        `json:"question"` // guide question index current at the start
	StartMS       int64      `json:"startMs"`  // since Manifest.Started
	EndMS         *int64     `json:"endMs,omitempty"`
	StartedAt     time.Time  `json:"startedAt"`
	EndedAt       *time.Time `json:"endedAt,omitempty"`
	File          string     `json:"file"`  // segment file name, relative to the directory
	Codec         string     `json:"codec"` // audio/opus (seg-NNNN.ogg) or video/vp8 (seg-NNNN.webm)
	Recovered     bool       `json:"recovered,omitempty"`
	// Empty: the file holds no media (an Ogg with headers only; a WebM closed before its first complete frame,
	// or whose header a crash tore — then the file is empty). Importers should skip it.
	Empty bool `json:"empty,omitempty"`
}

// segName is the only segment file name a recorder writes and an importer accepts (Ogg Opus or, for video,
// WebM VP8): anything else in a manifest (a path, "..") is not a segment.
var segName = regexp.MustCompile(`^seg-([0-9]{4,9})\.(ogg|webm)$`)

// SegmentNumber is the number in a segment's file name (seg-0007.ogg → 7), unique within a recording; ok is
// false for any other name.
func SegmentNumber(file string) (n int, ok bool) {
	m := segName.FindStringSubmatch(file)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil && n > 0
}

// segmentName is segment n's file name for codec.
func segmentName(n int, codec string) string { return fmt.Sprintf("seg-%04d.%s", n, extFor(codec)) }

// nextNumber is the number after every one the manifest names (placeholders included), at least its count of
// entries plus one.
func nextNumber(m Manifest) int {
	next := len(m.Turns) + 1
	for _, e := range m.Turns {
		if n, ok := SegmentNumber(e.File); ok && n >= next {
			next = n + 1
		}
	}
	return next
}

// ReadManifest reads dir's manifest; a missing one is an error wrapping
// os.ErrNotExist.
func ReadManifest(dir string) (Manifest, error) {
	var m Manifest
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return m, fmt.Errorf("recorder: manifest: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("recorder: manifest: %w", err)
	}
	return m, nil
}

// writeManifest replaces dir's manifest atomically and durably.
func writeManifest(dir string, m Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("recorder: manifest: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ManifestName+".*.tmp")
	if err != nil {
		return fmt.Errorf("recorder: manifest: %w", err)
	}
	_, werr := tmp.Write(b)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("recorder: manifest: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, ManifestName)); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("recorder: manifest: %w", err)
	}
	if d, err := os.Open(dir); err == nil { // make the rename durable
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// Recover closes the unfinished segments of dir after a crash: each turn
// without an end has its file truncated to the last complete Ogg page (marked
// end-of-stream) or WebM element (block) and gets the end time of that page
// or block; a segment left without media is marked Empty. Temp manifests left by
// an interrupted write are removed. It returns the turn numbers it repaired.
// A directory without a manifest is an error wrapping os.ErrNotExist.
func Recover(dir string) ([]int, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	if tmps, _ := filepath.Glob(filepath.Join(dir, ManifestName+".*.tmp")); len(tmps) > 0 {
		for _, t := range tmps {
			_ = os.Remove(t)
		}
	}
	var fixed []int
	for i := range m.Turns {
		e := &m.Turns[i]
		if e.EndMS != nil {
			continue
		}
		var d time.Duration
		var media bool
		if e.Codec == CodecVP8 {
			var ms int64
			ms, media, err = finishWebM(filepath.Join(dir, e.File))
			d = time.Duration(ms) * time.Millisecond
		} else {
			var granule uint64
			granule, media, err = finishOgg(filepath.Join(dir, e.File))
			d = time.Duration(granule) * time.Second / opusRate
		}
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return fixed, err
		}
		e.setEnd(m.Started, e.StartedAt.Add(d))
		e.Recovered = true
		e.Empty = !media
		fixed = append(fixed, e.Number)
	}
	if len(fixed) == 0 {
		return nil, nil
	}
	return fixed, writeManifest(dir, m)
}

func (e *Entry) setEnd(started, end time.Time) {
	ms := end.Sub(started).Milliseconds()
	e.EndMS = &ms
	e.EndedAt = &end
}
