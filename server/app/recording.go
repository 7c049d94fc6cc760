package app

import (
	"context"

	"path/filepath"
	"time"

	"github.com/teixit/teixit/server/account"
	"github.com/teixit/teixit/server/live"
	"github.com/teixit/teixit/server/practice"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/recording"
)

// buildRecordings wires recordings, key points and summaries (server/recording): the media store for
// segments, the read model for summaries and key points, and the live room as the key-point announcer.
func (a *App) buildRecordings() {
	a.Recordings = recording.NewService(a.Store, a.Exchange, a.Organisations, a.Media, a.ReadModel, recording.Options{
		Dir: filepath.Join(a.Config.DataDir, "recordings"), Secret: a.Config.Secret, Render: practice.RenderMarkdown, Logger: a.Log})
	a.Recordings.SetPeople(recordingPeople{a.Accounts})
	a.ReadModel.Register(recording.SummaryKind, readmodel.Kind{Load: a.Recordings.LoadSummaries, All: a.Recordings.AllSummaries,
		Link: recording.SummaryLink})
	a.ReadModel.Register(recording.KeyPointKind, readmodel.Kind{Load: a.Recordings.LoadKeyPoints, All: a.Recordings.AllKeyPoints,
		Link: recording.KeyPointLink})
	a.Accounts.AddHook(a.Recordings)
}

// startRecordingJobs connects the live room (built after the services) and starts the periodic import and
// retention pass; it stops with ctx.
func (a *App) startRecordingJobs(ctx context.Context) {
	if a.Live != nil {
		a.Recordings.SetAnnouncer(liveAnnouncer{a.Live})
		a.Live.SetRapporteurs(a.Recordings)          // the day's named rapporteur joins the room as "rapporteur"
		a.Live.SetRecordingSeed(a.Recordings.Stored) // a node taking a day over continues its recording
		a.Live.SetSegmentsClosed(a.Recordings.Kick)  // the owner imports closed segments for every node
	}
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
type liveAnnouncer struct{ l *live.Service }

func (l liveAnnouncer) AnnounceKeyPoint(dayID string, kp recording.KeyPoint) {
	l.l.AnnounceKeyPoint(dayID, live.KeyPoint{ID: kp.ID, Question: kp.Question, Text: kp.Text, AtMs: kp.AtMs, Author: kp.AuthorName})
}

func (l liveAnnouncer) RetractKeyPoint(dayID, id string) { l.l.RetractKeyPoint(dayID, id) }

func (l liveAnnouncer) SessionClock(dayID string) (time.Time, bool) { return l.l.SessionClock(dayID) }

// recordingRoutes are the routes of recordings, key points and summaries. Finer rules are checked by the
// service: refusals to see a recording are 404s that do not tell whether it exists.
func (a *App) recordingRoutes() []route {
	h := recording.NewHandlers(a.Recordings)
	return []route{
		{"GET", "/exchange-days/:id/recording", public, h.Recording, "The recording's manifest with chapters by question and speaker (per the day's setting: members, public or host admins; ?link= a private link; speakers see their own turns)", "", "Recording"},
		{"GET", "/exchange-days/:id/recording/download", public, h.Download, "The whole session as one Ogg Opus file, without removed turns (same access as the recording)", "", ""},
		{"POST", "/exchange-days/:id/recording/links", user, h.CreateLink, "A member's private link to the recording (signed, expiring; body {hours})", "RecordingLinkInput", "RecordingLink"},
		{"DELETE", "/exchange-days/:id/recording/links", user, h.RevokeLinks, "Revoke every private link of the recording (host admins)", "", ""},
		{"GET", "/exchange-days/:id/recording/redactions", user, h.Redactions, "Requests to remove turns (host admins: all; others: their own)", "", "RedactionList"},
		{"POST", "/exchange-days/:id/recording/redactions", user, h.RequestRedaction, "Ask to remove my own turns (host admins: any, confirmed at once)", "RedactionInput", "Redaction"},
		{"POST", "/exchange-days/:id/recording/redactions/:rid/confirm", user, h.ConfirmRedaction, "Confirm a removal: the turns leave playback, download and search (host admins)", "", "Redaction"},
		{"GET", "/exchange-days/:id/rapporteur", user, h.Rapporteur, "Who takes notes (key points) during the session (host members and registered participants); those who choose also get the candidates", "", "Rapporteur"},
		{"PUT", "/exchange-days/:id/rapporteur", user, h.SetRapporteur, "Choose the day's rapporteur (host admins and professionals)", "RapporteurInput", ""},
		{"GET", "/exchange-days/:id/key-points", user, h.KeyPoints, "Key points noted during the session (host members and registered participants)", "", "KeyPointList"},
		{"POST", "/exchange-days/:id/key-points", user, h.AddKeyPoint, "Note a key point for a guide question, stamped with the session time (rapporteur, host, moderators)", "KeyPointInput", "KeyPoint"},
		{"DELETE", "/exchange-days/:id/key-points/:kp", user, h.DeleteKeyPoint, "Remove a key point (its author, rapporteur, host, moderators)", "", ""},
		{"GET", "/exchange-days/:id/summary", public, h.Summary, "The summary (published: per the day's setting, public or members; draft: host admins and professionals)", "", "Summary"},
		{"PUT", "/exchange-days/:id/summary", user, h.PutSummary, "Edit the summary's sections in Markdown (host admins)", "SummaryInput", "Summary"},
		{"POST", "/exchange-days/:id/summary/publish", user, h.PublishSummary, "Publish the summary (host admins)", "", "Summary"},
	}
}
