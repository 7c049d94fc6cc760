package recording

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/teixit/teixit/media/recorder"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/exchange"
	"github.com/teixit/teixit/server/mediafile"
)

// maxSegment bounds one imported segment (a 12-hour turn of Opus at 64 kbit/s is ~350 MB).
const maxSegment = 1 << 30

// readManifest reads the day's recorder manifest in this node's folder; none (or no folder) is
// errRecordingNotFound.
func (s *Service) readManifest(dayID string) (recorder.Manifest, error) {
	if s.opts.Dir == "" {
		return recorder.Manifest{}, errRecordingNotFound
	}
	m, err := recorder.ReadManifest(s.dir(dayID))
	if errors.Is(err, os.ErrNotExist) {
		return m, errRecordingNotFound
	}
	return m, err
}

// stored is the recording as the store holds it: the imported segments' entries on the recording's clock.
// Every node reads recordings this way (the segments' bytes are in the media store, S3 when configured), so
// a recording made on one node is served by all; ok is false when nothing was imported yet.
func stored(d *dayDoc) (recorder.Manifest, bool) {
	m := recorder.Manifest{Version: 1, Started: d.Started, Turns: []recorder.Entry{}}
	for _, sg := range d.Segments {
		if sg.Entry != nil {
			m.Turns = append(m.Turns, *sg.Entry)
		}
	}
	sort.SliceStable(m.Turns, func(i, j int) bool { return m.Turns[i].StartMS < m.Turns[j].StartMS })
	return m, len(m.Turns) > 0 && !d.Started.IsZero()
}

// Stored is the day's recording as the store holds it, for a node that takes the day's room over (server/live's
// RecordingSeed): the imported segments' entries, and a closed, empty placeholder for every number below the
// highest one that has none (a video not paired, a segment not imported yet), so that the new owner's recorder
// numbers its segments after every known one. ok is false when nothing was imported or the recording was
// deleted.
func (s *Service) Stored(ctx context.Context, dayID string) (recorder.Manifest, bool) {
	d, err := s.load(ctx, dayID)
	if err != nil || d.DeletedAt != nil {
		return recorder.Manifest{}, false
	}
	m, ok := stored(d)
	if !ok {
		return m, false
	}
	have := map[int]bool{}
	top := 0
	for _, sg := range d.Segments {
		have[sg.Number] = true
		top = max(top, sg.Number)
	}
	zero := int64(0)
	for n := 1; n < top; n++ {
		if !have[n] {
			m.Turns = append(m.Turns, recorder.Entry{File: fmt.Sprintf("seg-%04d.ogg", n), Codec: "audio/opus",
				StartedAt: m.Started, EndMS: &zero, Empty: true, Question: -1})
		}
	}
	return m, true
}

// manifestFor is the day's recording as this node reads it without importing anything (see sync): the store's
// segments merged with this node's folder; errRecordingNotFound when neither has one.
func (s *Service) manifestFor(d *dayDoc) (recorder.Manifest, error) {
	local, err := s.readManifest(d.ID)
	if err != nil && !errors.Is(err, errRecordingNotFound) {
		return local, err
	}
	st, ok := stored(d)
	if err != nil && !ok {
		return local, errRecordingNotFound
	}
	return merged(st, local), nil
}

// merged is the stored recording plus what this node's folder adds (segments not imported yet, turns still
// being written).
func merged(st recorder.Manifest, local recorder.Manifest) recorder.Manifest {
	known := map[string]bool{}
	for _, e := range st.Turns {
		known[e.File] = true
	}
	if st.Started.IsZero() {
		st.Started = local.Started.UTC().Truncate(time.Millisecond) // as the store keeps it
	}
	for _, e := range local.Turns {
		if !known[e.File] {
			st.Turns = append(st.Turns, e)
		}
	}
	return st
}

// sync imports the closed segments of this node's folder that are not in the media store yet (idempotently:
// asset ids are derived from the day and segment number), keeping each one's manifest entry with it in the
// store, and brings the imported ones' visibility in line with the day's recording setting. It runs on every
// read of a recording and from the periodic job, and returns the recording as the store holds it merged with
// this node's folder: a node that never held the day's room serves it from the store alone.
func (s *Service) sync(ctx context.Context, day *exchange.Day) (recorder.Manifest, *dayDoc, error) {
	local, lerr := s.readManifest(day.ID)
	if lerr != nil && !errors.Is(lerr, errRecordingNotFound) {
		return local, nil, lerr
	}
	defer s.dayMu.lock(day.ID)()
	d, err := s.load(ctx, day.ID)
	if err != nil {
		return local, nil, err
	}
	if d.DeletedAt != nil {
		return local, nil, errRecordingNotFound
	}
	st, ok := stored(d)
	if lerr != nil && !ok {
		return local, nil, errRecordingNotFound
	}
	m := merged(st, local)
	vis := visibilityFor(day)
	have := map[int]segmentDoc{}
	for _, sg := range d.Segments {
		have[sg.Number] = sg
	}
	var add []segmentDoc
	fixed := map[int]bool{}
	entries := map[int]recorder.Entry{} // imported before entries were kept: filled in from the folder
	paired := map[int]bool{}            // a video is imported only with its turn's audio, so it is listed and removable with it
	for _, v := range videoPairs(m) {
		paired[v.n] = true
	}
	for _, e := range m.Turns {
		n, ok := recorder.SegmentNumber(e.File)
		if e.EndMS == nil || !ok || (e.Codec == recorder.CodecVP8 && !paired[n]) {
			continue
		}
		if sg, ok := have[n]; ok {
			if sg.Entry == nil {
				entries[n] = e
			}
			if !sg.Redacted && !slices.Equal(sg.Visibility, vis) {
				if err := s.media.SetVisibility(ctx, sg.AssetID, vis); err != nil && !apperr.IsKind(err, apperr.NotFound) {
					return m, nil, err
				}
				fixed[n] = true
			}
			continue
		}
		if _, err := os.Stat(filepath.Join(s.dir(day.ID), e.File)); err != nil {
			continue // recorded on another node, which imports it
		}
		sg, err := s.importSegment(ctx, day, n, e, vis)
		if err != nil {
			s.log.Error("recording: import segment", "day", day.ID, "file", e.File, "err", err)
			continue
		}
		add = append(add, sg)
		have[n] = sg
	}
	if len(add) == 0 && len(fixed) == 0 && len(entries) == 0 && (!d.Started.IsZero() || lerr != nil) {
		return m, d, nil
	}
	d, err = s.mutate(ctx, day.ID, func(d *dayDoc) (bool, error) {
		if d.Started.IsZero() {
			d.Started = m.Started
		}
		known := map[int]bool{}
		for i := range d.Segments {
			sg := &d.Segments[i]
			known[sg.Number] = true
			if fixed[sg.Number] {
				sg.Visibility = vis
			}
			if e, ok := entries[sg.Number]; ok && sg.Entry == nil {
				sg.Entry = &e
			}
		}
		for _, sg := range add {
			if !known[sg.Number] {
				d.Segments = append(d.Segments, sg)
			}
		}
		sort.Slice(d.Segments, func(i, j int) bool { return d.Segments[i].Number < d.Segments[j].Number })
		return true, nil
	})
	return m, d, err
}

func assetID(dayID string, n int) string { return fmt.Sprintf("rec:%s:%d", dayID, n) }

func (s *Service) importSegment(ctx context.Context, day *exchange.Day, n int, e recorder.Entry, vis []string) (segmentDoc, error) {
	f, err := os.Open(filepath.Join(s.dir(day.ID), e.File))
	if err != nil {
		return segmentDoc{}, err
	}
	defer f.Close()
	mime, ext := "audio/ogg", "ogg"
	if e.Codec == recorder.CodecVP8 {
		mime, ext = "video/webm", "webm"
	}
	a, err := s.media.Import(ctx, mediafile.ImportInput{ID: assetID(day.ID, n), Purpose: "recording", Mime: mime,
		Filename: fmt.Sprintf("turn-%d.%s", n, ext), Owner: "org:" + day.HostOrgID, Visibility: vis, MaxBytes: maxSegment}, f)
	if err != nil {
		return segmentDoc{}, err
	}
	return segmentDoc{Number: n, File: e.File, AssetID: a.ID, Size: a.Size, Visibility: vis, Entry: &e}, nil
}

// playable lists the manifest's closed, imported, unredacted audio segments in time order, each with the video
// segment paired with it (if any, imported and unredacted).
func playable(m recorder.Manifest, d *dayDoc) []recTurn {
	segs := map[int]segmentDoc{}
	for _, sg := range d.Segments {
		segs[sg.Number] = sg
	}
	pairs := videoPairs(m)
	var out []recTurn
	for _, e := range m.Turns {
		n, ok := recorder.SegmentNumber(e.File)
		sg, imported := segs[n]
		if !ok || e.EndMS == nil || !imported || sg.Redacted || e.Codec == recorder.CodecVP8 {
			continue
		}
		t := recTurn{Entry: e, seg: sg}
		if v, ok := pairs[n]; ok {
			if vs, ok := segs[v.n]; ok && !vs.Redacted {
				t.video, t.videoOffset = &vs, v.StartMS-e.StartMS
			}
		}
		out = append(out, t)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].StartMS < out[j].StartMS })
	return out
}

type recTurn struct {
	recorder.Entry
	seg         segmentDoc
	video       *segmentDoc // the camera of the same turn, if recorded
	videoOffset int64       // ms from the audio's start to the video's
}

type videoEntry struct {
	recorder.Entry
	n int
}

// videoPairs maps audio segment numbers to the closed video segment of the same turn: the recorder writes a
// floor turn's microphone and camera as two entries (media/recorder/README.md, "Pairing"), paired here by
// participant, guide question and overlapping time. Each video goes with one audio segment at most.
func videoPairs(m recorder.Manifest) map[int]videoEntry {
	out := map[int]videoEntry{}
	used := map[int]bool{}
	for _, a := range m.Turns {
		na, ok := recorder.SegmentNumber(a.File)
		if !ok || a.Codec == recorder.CodecVP8 || a.EndMS == nil {
			continue
		}
		for _, v := range m.Turns {
			nv, ok := recorder.SegmentNumber(v.File)
			if !ok || used[nv] || v.Codec != recorder.CodecVP8 || v.EndMS == nil || v.Empty ||
				v.ParticipantID != a.ParticipantID || v.Question != a.Question || v.StartMS >= *a.EndMS || *v.EndMS <= a.StartMS {
				continue
			}
			out[na], used[nv] = videoEntry{Entry: v, n: nv}, true
			break
		}
	}
	return out
}

// Get returns the recording's manifest with chapters. token is a private link's token ("" when none).
func (s *Service) Get(ctx context.Context, p *auth.Principal, dayID, token string) (*Recording, error) {
	w, err := s.whoFor(ctx, p, dayID, errRecordingNotFound)
	if err != nil {
		return nil, err
	}
	ok, exp, err := s.access(ctx, w, token)
	if err != nil {
		return nil, err
	}
	if !ok && p == nil {
		return nil, errRecordingNotFound
	}
	m, d, err := s.sync(ctx, w.day)
	if err != nil {
		return nil, err
	}
	turns := playable(m, d)
	ownOnly := false
	if !ok { // a speaker who may not hear the recording still sees (and may remove) their own turns
		ownOnly = true
		turns = slices.DeleteFunc(turns, func(t recTurn) bool { return p == nil || t.UserID != p.UserID })
		if len(turns) == 0 {
			return nil, errRecordingNotFound
		}
		exp = s.now().Add(time.Hour)
	}
	// Signed segment URLs where the session alone would not open them: private links, a recording hidden
	// from members ("none": host admins only) and a speaker's own turns.
	signed := token != "" || ownOnly || w.day.RecordingVisibility == "none"
	rec := &Recording{DayID: w.day.ID, Title: w.day.Title, Visibility: w.day.RecordingVisibility, Started: m.Started,
		Turns: []Turn{}, ByQuestion: []QuestionChapter{}, BySpeaker: []SpeakerChapter{}, OwnTurnsOnly: ownOnly,
		CanManage: w.host(), DownloadURL: "/api/v1/exchange-days/" + w.day.ID + "/recording/download"}
	if token != "" {
		rec.DownloadURL += "?link=" + token
	}
	for _, e := range m.Turns {
		if e.EndMS == nil {
			rec.InProgress++
		}
	}
	for _, t := range turns {
		url := "/api/v1/media/" + t.seg.AssetID
		if signed {
			if url, _, err = s.media.SignedURL(ctx, t.seg.AssetID, exp.Sub(s.now())); err != nil {
				return nil, err
			}
		}
		qt := ""
		if t.Question >= 0 && t.Question < len(w.day.Agenda) {
			qt = w.day.Agenda[t.Question].Text
		}
		turn := Turn{Number: t.seg.Number, SFUTurn: t.Number, Speaker: t.DisplayName, Role: t.Role,
			Question: t.Question, QuestionText: qt, StartMs: t.StartMS, EndMs: *t.EndMS, DurationMs: *t.EndMS - t.StartMS,
			MediaID: t.seg.AssetID, URL: url, Mine: p != nil && t.UserID == p.UserID}
		if t.video != nil {
			v := &TurnVideo{Number: t.video.Number, MediaID: t.video.AssetID, URL: "/api/v1/media/" + t.video.AssetID, OffsetMs: t.videoOffset}
			if signed {
				if v.URL, _, err = s.media.SignedURL(ctx, v.MediaID, exp.Sub(s.now())); err != nil {
					return nil, err
				}
			}
			turn.Video = v
		}
		rec.Turns = append(rec.Turns, turn)
		rec.DurationMs = max(rec.DurationMs, *t.EndMS)
	}
	rec.ByQuestion, rec.BySpeaker = chapters(rec.Turns)
	return rec, nil
}

// chapters groups turns by guide question (agenda order) and by speaker (order of first turn).
func chapters(turns []Turn) ([]QuestionChapter, []SpeakerChapter) {
	byQ := map[int]*QuestionChapter{}
	var qs []int
	bySp := map[string]*SpeakerChapter{}
	var sp []string
	for _, t := range turns {
		q := byQ[t.Question]
		if q == nil {
			q = &QuestionChapter{Question: t.Question, Text: t.QuestionText, StartMs: t.StartMs}
			byQ[t.Question] = q
			qs = append(qs, t.Question)
		}
		q.Turns = append(q.Turns, t.Number)
		c := bySp[t.Speaker]
		if c == nil {
			c = &SpeakerChapter{Speaker: t.Speaker}
			bySp[t.Speaker] = c
			sp = append(sp, t.Speaker)
		}
		c.Turns = append(c.Turns, t.Number)
		c.TotalMs += t.DurationMs
	}
	sort.Ints(qs)
	outQ := make([]QuestionChapter, 0, len(qs))
	for _, q := range qs {
		outQ = append(outQ, *byQ[q])
	}
	outS := make([]SpeakerChapter, 0, len(sp))
	for _, n := range sp {
		outS = append(outS, *bySp[n])
	}
	return outQ, outS
}
