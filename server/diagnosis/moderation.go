package diagnosis

import (
	"context"
	"strings"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/paging"
	"github.com/teixit/teixit/server/store"
)

// Support records p's "me too" on a published contribution: one per person (id "contribution:user"), a
// second one is 409 already_supported. The count lives in the contribution (and so in the index).
func (s *Service) Support(ctx context.Context, p *auth.Principal, id string) (*Contribution, error) {
	c, d, org, err := s.contribution(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if c.Status != StatusPublished {
		return nil, apperr.New(apperr.Conflict, "not_published", "Only published contributions can be supported.")
	}
	if c.AuthorID == p.UserID {
		return nil, apperr.New(apperr.Conflict, "own_contribution", "Your own contribution already counts: support other people's.")
	}
	sd := &supportDoc{ID: c.ID + ":" + p.UserID, ContributionID: c.ID, UserID: p.UserID, CreatedAt: s.now().UTC()}
	if err := s.st.Insert(ctx, colSupports, sd); store.IsDuplicate(err) {
		return nil, apperr.New(apperr.Conflict, "already_supported", "You already support this contribution.")
	} else if err != nil {
		return nil, err
	}
	if err := s.moveSupports(ctx, c, d, 1); err != nil {
		return nil, err
	}
	out, err := s.view(ctx, p, c, org)
	return &out, err
}

// Unsupport withdraws p's support; 404 not_supported when there was none.
func (s *Service) Unsupport(ctx context.Context, p *auth.Principal, id string) (*Contribution, error) {
	c, d, org, err := s.contribution(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if err := s.st.Delete(ctx, colSupports, c.ID+":"+p.UserID); store.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "not_supported", "You do not support this contribution.")
	} else if err != nil {
		return nil, err
	}
	if err := s.moveSupports(ctx, c, d, -1); err != nil {
		return nil, err
	}
	out, err := s.view(ctx, p, c, org)
	return &out, err
}

func (s *Service) moveSupports(ctx context.Context, c *contribDoc, d *diagDoc, by int) error {
	if err := s.rm.Changed(ctx, KindContribution, c.ID, func() error {
		if err := s.st.update(ctx, colContributions, c.ID, bson.M{"$inc": bson.M{"supports": by}}); err != nil {
			return err
		}
		return s.st.incStats(ctx, d.ID, bson.M{"supports": by}) // before the index moves: the dashboard counts it
	}); err != nil {
		return err
	}
	var now contribDoc // the count as it stands, other people's supports at the same moment included
	if err := s.st.Get(ctx, colContributions, c.ID, &now); err != nil {
		return err
	}
	c.Supports = now.Supports
	return nil
}

// ReportInput says why a contribution should be reviewed.
type ReportInput struct {
	Reason string `json:"reason" api:"required"`
}

// Report flags a contribution for the organisers' review: one report per person (409 already_reported).
func (s *Service) Report(ctx context.Context, p *auth.Principal, id string, in ReportInput) error {
	c, _, _, err := s.contribution(ctx, p, id)
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(in.Reason)
	if l := utf8.RuneCountInString(reason); l < 3 || l > 500 {
		return apperr.Validation(apperr.Fields{"reason": apperr.Length(3, 500)})
	}
	rd := &reportDoc{ID: c.ID + ":" + p.UserID, ContributionID: c.ID, UserID: p.UserID, Reason: reason, CreatedAt: s.now().UTC()}
	if err := s.st.Insert(ctx, colReports, rd); store.IsDuplicate(err) {
		return apperr.New(apperr.Conflict, "already_reported", "You already reported this contribution.")
	} else if err != nil {
		return err
	}
	return s.rm.Changed(ctx, KindContribution, c.ID, func() error {
		return s.st.update(ctx, colContributions, c.ID, bson.M{"$inc": bson.M{"reports": 1}})
	})
}

// ModerationInput publishes or hides a contribution; hiding needs a reason.
type ModerationInput struct {
	Action string `json:"action" api:"required"`
	Reason string `json:"reason"`
}

// Decisions are a moderator's answers to a contribution.
var Decisions = []string{"publish", "hide"}

// Enums names the allowed values of its choice fields (the API document lists them).
func (ModerationInput) Enums() map[string][]string {
	return map[string][]string{"action": Decisions}
}

// Moderate publishes or hides a contribution (organisers). Either way its reports count as reviewed.
func (s *Service) Moderate(ctx context.Context, p *auth.Principal, id string, in ModerationInput) (*Contribution, error) {
	c, d, _, err := s.contribution(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if err := s.requireOrganiser(ctx, p, d, "Only the organisers moderate contributions."); err != nil {
		return nil, err
	}
	reason := strings.TrimSpace(in.Reason)
	set := bson.M{"reportsSeen": c.Reports, "updatedAt": s.now().UTC()}
	switch in.Action {
	case "publish":
		set["status"], set["hideReason"] = StatusPublished, ""
	case "hide":
		if l := utf8.RuneCountInString(reason); l < 3 || l > 500 {
			return nil, apperr.Validation(apperr.Fields{"reason": apperr.Length(3, 500)})
		}
		set["status"], set["hideReason"] = StatusHidden, reason
	default:
		return nil, apperr.Validation(apperr.Fields{"action": apperr.OneOf(Decisions...)})
	}
	if err := s.rm.Changed(ctx, KindContribution, id, func() error {
		return s.st.update(ctx, colContributions, id, bson.M{"$set": set})
	}); err != nil {
		return nil, err
	}
	wasStatus, seen := c.Status, c.ReportsSeen
	c.Status, c.HideReason, c.ReportsSeen = set["status"].(string), set["hideReason"].(string), c.Reports
	if err := s.syncMedia(ctx, c, d); err != nil {
		return nil, err
	}
	if c.Status != wasStatus {
		kind := NoticePublished
		if c.Status == StatusHidden {
			kind = NoticeHidden
		}
		s.tell(ctx, []string{c.editor()}, notify.Event{Kind: kind, Title: excerptTitle(c.Text), Link: contributionLink(c), Actor: p.UserID})
	}
	if c.Reports > seen { // the people who reported it since the last review are told it was looked at
		if reps, err := s.reports(ctx, c.ID); err == nil && len(reps) > seen {
			var who []string
			for _, r := range reps[seen:] {
				who = append(who, r.UserID) // "" (a deleted account's) is skipped by Deliver
			}
			link := contributionLink(c)
			if c.Status == StatusHidden { // they can no longer open it
				link = diagnosisLink(c.DiagnosisID)
			}
			s.tell(ctx, who, notify.Event{Kind: NoticeReviewed, Title: excerptTitle(c.Text), Link: link, Actor: p.UserID})
		}
	}
	out, err := s.view(ctx, p, c, true)
	return &out, err
}

// ModerationQueue lists a diagnosis's pending and reported contributions, oldest first (organisers).
func (s *Service) ModerationQueue(ctx context.Context, p *auth.Principal, diagID, cursor string, n int) ([]Contribution, string, error) {
	d, err := s.diagnosis(ctx, diagID)
	if err != nil {
		return nil, "", err
	}
	if err := s.requireOrganiser(ctx, p, d, "Only the organisers see the moderation queue."); err != nil {
		return nil, "", err
	}
	items, next, err := s.listContributions(ctx, p, d, search.ListRequest{Kind: KindContribution, Sort: "created", Cursor: cursor,
		PerPage: paging.Lists.Of(n), IDsOnly: true, Filters: map[string][]string{"parent": {d.ID}, "queue": {"yes"},
			"status": {StatusPending, StatusPublished, StatusHidden}}})
	if err != nil {
		return nil, "", err
	}
	for i := range items {
		if items[i].Reports == 0 {
			continue
		}
		reps, err := s.reports(ctx, items[i].ID)
		if err != nil {
			return nil, "", err
		}
		for _, r := range reps {
			if r.Reason != "" {
				items[i].ReportReasons = append(items[i].ReportReasons, r.Reason)
			}
		}
	}
	return items, next, nil
}

// maxReportsRead bounds the reports read for one contribution (the queue shows their reasons).
const maxReportsRead = 50

// reports are a contribution's reports, oldest first.
func (s *Service) reports(ctx context.Context, contributionID string) ([]reportDoc, error) {
	return s.st.reportsOf(ctx, contributionID, maxReportsRead)
}
