package app

import (
	"context"

	"path/filepath"
	"time"

	"github.com/teixit/teixit/media/signal"
	"github.com/teixit/teixit/server/account"
	"github.com/teixit/teixit/server/practice"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/recording"
)

// buildRecordings wires recordings, key points and summaries (server/recording): the media store for
// segments, the read model for summaries and key points, and the live room as the key-point announcer.
func (a *App) buildRecordings() {
	a.Recordings = recording.NewService(recording.NewStore(a.Store), a.Exchange, a.Organisations, a.Media, a.ReadModel, recording.Options{
		Dir: filepath.Join(a.Config.DataDir, "recordings"), Secret: a.Config.Secret, Render: practice.RenderMarkdown, Logger: a.Log,
		People: recordingPeople{a.Accounts}, Announcer: liveAnnouncer{a}})
	a.ReadModel.Register(recording.SummaryKind, readmodel.Kind{Load: a.Recordings.LoadSummaries, All: a.Recordings.AllSummaries,
		Link: recording.SummaryLink})
	a.ReadModel.Register(recording.KeyPointKind, readmodel.Kind{Load: a.Recordings.LoadKeyPoints, All: a.Recordings.AllKeyPoints,
		Link: recording.KeyPointLink})
}

// startRecordingJobs starts the periodic import and retention pass; it stops with ctx.
func (a *App) startRecordingJobs(ctx context.Context) {
	go a.Recordings.Run(ctx, 10*time.Minute)
}

// recordingPeople gives server/recording account names (the rapporteur and its candidates).
type recordingPeople struct{ s *account.Service }

func (p recordingPeople) Names(ctx context.Context, ids []string) (map[string]string, error) {
	profiles, err := p.s.Store().Profiles(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(profiles))
	for id, pr := range profiles {
		out[id] = pr.Name
	}
	return out, nil
}

// liveAnnouncer adapts server/live to what server/recording needs.
// liveAnnouncer tells the live room about key points; the room is built after the services, so it is read
// when used.
type liveAnnouncer struct{ a *App }

func (l liveAnnouncer) AnnounceKeyPoint(dayID string, kp recording.KeyPoint) {
	if l.a.Live != nil {
		l.a.Live.AnnounceKeyPoint(dayID, signal.KeyPoint{ID: kp.ID, Question: kp.Question, Text: kp.Text, AtMs: kp.AtMs, Author: kp.AuthorName})
	}
}

func (l liveAnnouncer) RetractKeyPoint(dayID, id string) {
	if l.a.Live != nil {
		l.a.Live.RetractKeyPoint(dayID, id)
	}
}

func (l liveAnnouncer) SessionClock(dayID string) (time.Time, bool) {
	if l.a.Live == nil {
		return time.Time{}, false
	}
	return l.a.Live.SessionClock(dayID)
}
