package recording

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/teixit/teixit/media/recorder"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/exchange"
	"github.com/teixit/teixit/server/mediafile"
)

// segName is the only segment file name accepted from a manifest (Ogg Opus or, for video, WebM VP8): anything
// else (a path, "..") is skipped.
var segName = regexp.MustCompile(`^seg-([0-9]{4,9})\.(ogg|webm)$`)

func segNumber(file string) (int, bool) {
	m := segName.FindStringSubmatch(file)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil && n > 0
}

// maxSegment bounds one imported segment (a 12-hour turn of Opus at 64 kbit/s is ~350 MB).
const maxSegment = 1 << 30

// readManifest reads the day's recorder manifest; none (or a deleted recording) is errRecordingNotFound.
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

// sync imports the day's closed segments that are not in the media store yet (idempotently: asset ids are
// derived from the day and segment number) and brings the imported ones' visibility in line with the day's
// recording setting. It runs on every read of a recording and from the periodic job.
func (s *Service) sync(ctx context.Context, day *exchange.Day) (recorder.Manifest, *dayDoc, error) {
	m, err := s.readManifest(day.ID)
	if err != nil {
		return m, nil, err
	}
	defer s.dayMu.lock(day.ID)()
	d, err := s.load(ctx, day.ID)
	if err != nil {
		return m, nil, err
	}
	if d.DeletedAt != nil {
		return m, nil, errRecordingNotFound
	}
	vis := visibilityFor(day)
	have := map[int]segmentDoc{}
	for _, sg := range d.Segments {
		have[sg.Number] = sg
	}
	var add []segmentDoc
	fixed := map[int]bool{}
	paired := map[int]bool{} // a video is imported only with its turn's audio, so it is listed and removable with it
	for _, v := range videoPairs(m) {
		paired[v.n] = true
	}
	for _, e := range m.Turns {
		n, ok := segNumber(e.File)
		if e.EndMS == nil || !ok || (e.Codec == recorder.CodecVP8 && !paired[n]) {
			continue
		}
		if sg, ok := have[n]; ok {
			if !sg.Redacted && !slices.Equal(sg.Visibility, vis) {
				if err := s.media.SetVisibility(ctx, sg.AssetID, vis); err != nil && !apperr.IsKind(err, apperr.NotFound) {
					return m, nil, err
				}
				fixed[n] = true
			}
			continue
		}
		sg, err := s.importSegment(ctx, day, n, e, vis)
		if err != nil {
			s.log.Error("recording: import segment", "day", day.ID, "file", e.File, "err", err)
			continue
		}
		add = append(add, sg)
		have[n] = sg
	}
	if len(add) == 0 && len(fixed) == 0 {
		return m, d, nil
	}
	d, err = s.mutate(ctx, day.ID, func(d *dayDoc) (bool, error) {
		known := map[int]bool{}
		for i := range d.Segments {
			known[d.Segments[i].Number] = true
			if fixed[d.Segments[i].Number] {
				d.Segments[i].Visibility = vis
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
	return segmentDoc{Number: n, File: e.File, AssetID: a.ID, Size: a.Size, Visibility: vis}, nil
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
		n, ok := segNumber(e.File)
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
		na, ok := segNumber(a.File)
		if !ok || a.Codec == recorder.CodecVP8 || a.EndMS == nil {
			continue
		}
		for _, v := range m.Turns {
			nv, ok := segNumber(v.File)
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
