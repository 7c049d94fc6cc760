package diagnosis

import (
	"context"

	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/notify"
)

// Notifier tells people what happened to their voice (server/notify): in-app, and by email as each person
// chose. Announce fans out to a diagnosis's followers outside the request.
type Notifier interface {
	Deliver(ctx context.Context, recipients []string, e notify.Event) error
	Announce(ctx context.Context, followKind, target string, e notify.Event) error
	AutoFollow(ctx context.Context, userID, kind, target string) error
}

// Notice kinds of this domain (their texts: server/notify/notices.go and the frontend's
// notifications.kind.<kind>).
const (
	NoticePublished = "contribution_published"
	NoticeHidden    = "contribution_hidden"
	NoticeCited     = "contribution_cited"
	NoticePhase     = "diagnosis_phase"
	NoticeAction    = "action_changed"
	// NoticeReviewed tells the people who reported a contribution that the organisers reviewed it.
	NoticeReviewed = "contribution_report_reviewed"
)

// tell delivers a notice to some people; a failure is logged by notify's callers' design: the write it
// reports has happened and must not fail because a notice could not be stored.
func (s *Service) tell(ctx context.Context, to []string, e notify.Event) {
	if s.notify == nil || len(to) == 0 {
		return
	}
	_ = s.notify.Deliver(ctx, to, e)
}

// announce tells a diagnosis's followers (a background fan-out).
func (s *Service) announce(ctx context.Context, d *diagDoc, e notify.Event) {
	if s.notify == nil {
		return
	}
	_ = s.notify.Announce(ctx, notify.KindDiagnosis, d.ID, e)
}

// follow makes a contributor follow the diagnosis (unless they once unfollowed it).
func (s *Service) follow(ctx context.Context, userID string, d *diagDoc) {
	if s.notify == nil || userID == "" {
		return
	}
	_ = s.notify.AutoFollow(ctx, userID, notify.KindDiagnosis, d.ID)
}

func diagnosisLink(id string) string { return "/diagnoses/" + id }

// contributionLink opens the contribution on its diagnosis's page.
func contributionLink(c *contribDoc) string {
	return "/diagnoses/" + c.DiagnosisID + "?contribution=" + c.ID
}

func excerptTitle(text string) string { return excerpt(text, 80) }

// tellCited tells the authors of newly cited contributions that a finding now cites them.
func (s *Service) tellCited(ctx context.Context, p *auth.Principal, f *findingDoc, ids []string) {
	if s.notify == nil {
		return
	}
	var authors []string
	for _, id := range ids {
		var c contribDoc
		if err := s.st.Get(ctx, colContributions, id, &c); err == nil && c.editor() != "" {
			authors = append(authors, c.editor())
		}
	}
	s.tell(ctx, authors, notify.Event{Kind: NoticeCited, Title: f.Title, Link: "/diagnoses/" + f.DiagnosisID + "?finding=" + f.ID, Actor: p.UserID})
}
