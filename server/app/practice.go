package app

import (
	"context"

	"github.com/teixit/teixit/server/account"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/comment"
	"github.com/teixit/teixit/server/diagnosis"
	"github.com/teixit/teixit/server/mediafile"
	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/organisation"
	"github.com/teixit/teixit/server/practice"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/recording"
	"github.com/teixit/teixit/server/theme"
)

// buildPractices wires good practices (Innovem/Transferim): practices and transfers, comments, follows and notifications.
func (a *App) buildPractices() {
	var media mediafile.Attacher // attachments need the media store (a nil *mediafile.Service would not be a nil Attacher)
	if a.Media != nil {
		media = a.Media
	}
	a.Practices = practice.NewService(practice.Deps{Store: practice.NewStore(a.Store), Orgs: organisation.DirectoryOf(a.Organisations),
		Territories: practice.TerritoriesFrom(a.Territories), ReadModel: a.ReadModel, Search: a.ReadModel.Index, Notify: a.Notify,
		Media: media, BaseURL: a.Config.BaseURL})
	a.ReadModel.Register(practice.IndexKind, readmodel.Kind{Load: a.Practices.Load, All: a.Practices.All,
		Stream: a.Practices.Stream, Count: a.Practices.Count, Link: practice.Link})
	a.ReadModel.Register(practice.TransferKind, readmodel.Kind{Load: a.Practices.LoadTransfers, All: a.Practices.AllTransfers,
		Count: a.Practices.CountTransfers, Link: practice.TransferLink})
	a.Comments = comment.NewService(comment.Deps{Store: comment.NewStore(a.Store), ReadModel: a.ReadModel, People: commentPeople{a},
		Notify: a.Notify, Render: practice.RenderMarkdown, Targets: map[string]comment.Resolver{
			practice.IndexKind: practiceTargets{a.Practices},
			// these read a.Diagnoses and a.Recordings when used: they are built after comments
			diagnosis.KindContribution: diagnosisTargets{a, diagnosis.KindContribution},
			diagnosis.KindFinding:      diagnosisTargets{a, diagnosis.KindFinding},
			recording.SummaryKind:      summaryTargets{a},
		}})
	a.ReadModel.Register(comment.IndexKind, readmodel.Kind{Load: a.Comments.Load, All: a.Comments.All,
		Count: a.Comments.Count, Link: a.Comments.Link})
}

// followCheckers say what may be followed: a record the person may read (each domain's own rule), or a theme
// of the vocabulary. The domains are read when a follow is checked, so they may be built after notices.
func (a *App) followCheckers() map[string]notify.Checker {
	return map[string]notify.Checker{
		notify.KindPractice: func(ctx context.Context, p *auth.Principal, id string) error {
			_, err := a.Practices.Summarise(ctx, p, id)
			return err
		},
		notify.KindOrganisation: func(ctx context.Context, p *auth.Principal, id string) error {
			_, err := a.Organisations.Get(ctx, p, id)
			return err
		},
		notify.KindDiagnosis: func(ctx context.Context, p *auth.Principal, id string) error {
			_, err := a.Diagnoses.Get(ctx, p, id)
			return err
		},
		notify.KindTheme: func(ctx context.Context, p *auth.Principal, id string) error {
			if theme.Valid(id) {
				return nil
			}
			return apperr.Validation(apperr.Fields{"target": apperr.OneOf(theme.All...)})
		},
	}
}

// practiceTargets lets comments resolve practices without knowing about them.
type practiceTargets struct{ s *practice.Service }

func (t practiceTargets) Resolve(ctx context.Context, p *auth.Principal, id string) (*comment.Target, error) {
	v, err := t.s.Summarise(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return &comment.Target{OrgID: v.OrganisationID, Title: v.Title, Open: v.Status == practice.StatusPublished,
		Public: v.Status != practice.StatusDraft, Link: practice.Link(v.ID)}, nil
}

// diagnosisTargets lets comments resolve a diagnosis's contributions and findings (moderated by its lead
// organisation's admins).
type diagnosisTargets struct {
	a    *App
	kind string
}

func (t diagnosisTargets) Resolve(ctx context.Context, p *auth.Principal, id string) (*comment.Target, error) {
	d, err := t.a.Diagnoses.Discussion(ctx, p, t.kind, id)
	if err != nil {
		return nil, err
	}
	return &comment.Target{OrgID: d.OrgID, Title: d.Title, Open: d.Open, Public: d.Open, Link: diagnosis.Link(t.kind)(id)}, nil
}

// summaryTargets lets comments resolve an exchange day's published summary (moderated by the host).
type summaryTargets struct{ a *App }

func (t summaryTargets) Resolve(ctx context.Context, p *auth.Principal, id string) (*comment.Target, error) {
	d, err := t.a.Recordings.Discussion(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return &comment.Target{OrgID: d.OrgID, Title: d.Title, Link: d.Link, Open: true, Public: d.Public}, nil
}

// commentPeople gives comments the names of their authors.
type commentPeople struct{ a *App }

func (c commentPeople) Names(ctx context.Context, ids []string) (map[string]string, error) {
	ps, err := c.a.Accounts.Store().Profiles(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(ps))
	for id, p := range ps {
		out[id] = p.Name
	}
	return out, nil
}

func (c commentPeople) Role(ctx context.Context, orgID, userID string) (string, error) {
	return c.a.Organisations.Role(ctx, orgID, userID)
}

// contacts gives server/notify the email address and language of the people it writes to.
type contacts struct{ s *account.Service }

func (c contacts) Contacts(ctx context.Context, ids []string) (map[string]notify.Contact, error) {
	ps, err := c.s.Store().Profiles(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]notify.Contact, len(ps))
	for id, p := range ps {
		out[id] = notify.Contact{Email: p.Email, Name: p.Name, Language: p.Language}
	}
	return out, nil
}
