package app

import (
	"context"

	"github.com/teixit/teixit/server/account"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/comment"
	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/practice"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/theme"
)

// buildPractices wires good practices (Innovem/Transferim): practices and transfers, comments, follows and notifications.
func (a *App) buildPractices() {
	a.Practices = practice.NewService(practice.NewStore(a.Store), practice.OrgsFrom(a.Organisations),
		practice.TerritoriesFrom(a.Territories), a.ReadModel, a.ReadModel.Index, a.Notify)
	if a.Media != nil {
		a.Practices.SetMedia(a.Media)
	}
	a.Practices.SetBaseURL(a.Config.BaseURL)
	a.ReadModel.Register(practice.IndexKind, readmodel.Kind{Load: a.Practices.Load, All: a.Practices.All,
		Count: a.Practices.Count, Link: practice.Link})
	a.ReadModel.Register(practice.TransferKind, readmodel.Kind{Load: a.Practices.LoadTransfers, All: a.Practices.AllTransfers,
		Count: a.Practices.CountTransfers, Link: practice.TransferLink})
	a.Comments = comment.NewService(a.Store, a.ReadModel, commentPeople{a}, a.Notify, practice.RenderMarkdown)
	a.Comments.AddTarget(practice.IndexKind, practiceTargets{a.Practices})
	a.ReadModel.Register(comment.IndexKind, readmodel.Kind{Load: a.Comments.Load, All: a.Comments.All,
		Count: a.Comments.Count, Link: a.Comments.Link})
	a.Notify.SetChecker(notify.KindPractice, func(ctx context.Context, p *auth.Principal, id string) error {
		_, err := a.Practices.Summarise(ctx, p, id)
		return err
	})
	a.Notify.SetChecker(notify.KindOrganisation, func(ctx context.Context, p *auth.Principal, id string) error {
		_, err := a.Organisations.Get(ctx, p, id)
		return err
	})
	a.Notify.SetChecker(notify.KindTheme, func(ctx context.Context, p *auth.Principal, id string) error {
		for _, t := range theme.All {
			if t == id {
				return nil
			}
		}
		return apperr.Validation(apperr.Fields{"target": apperr.OneOf(theme.All...)})
	})
	a.Accounts.AddHook(a.Notify)
	a.Accounts.AddHook(a.Practices)
	a.Accounts.AddHook(a.Comments)
}

// practiceRoutes are the routes of good practices and transfers, comments, follows and notifications.
func (a *App) practiceRoutes() []route {
	pr := practice.NewHandlers(a.Practices)
	cm := comment.NewHandlers(a.Comments)
	nt := notify.NewHandlers(a.Notify)
	return []route{
		{"GET", "/practices", public, pr.List, "Published practices (?theme=&territory=&org=&lang=&status=&sort=newest|transferred|rated&cursor=)", "", "PracticeList"},
		{"POST", "/practices", user, pr.Create, "Write a draft practice (professionals and admins of its organisation)", "PracticeInput", "Practice"},
		{"GET", "/practices/:id", public, pr.Get, "A practice in ?lang=, the reader's language or the original", "", "Practice"},
		{"PATCH", "/practices/:id", user, pr.Update, "Change a practice (its organisation's professionals and admins; published → new version)", "PracticeInput", "Practice"},
		{"POST", "/practices/:id/publish", user, pr.Publish, "Publish a complete draft (400 lists what is missing)", "", "Practice"},
		{"POST", "/practices/:id/archive", user, pr.Archive, "Archive a published practice", "", "Practice"},
		{"PUT", "/practices/:id/translations/:lang", user, pr.PutTranslation, "Replace the translation into ca|es|it|en|fr", "TranslationInput", "Practice"},
		{"GET", "/practices/:id/versions", public, pr.Versions, "Published versions, newest first", "", "VersionList"},
		{"GET", "/practices/:id/versions/:n/diff", public, pr.Diff, "Line diff per field between version n-1 and n", "", "Diff"},
		{"GET", "/practices/:id/related", public, pr.Related, "Practices like this one that the reader may see", "", "PracticeList"},
		{"GET", "/practices/:id/transfers", public, pr.Transfers, "Where a practice has been transferred and how it went", "", "TransferList"},
		{"POST", "/practices/:id/transfers", user, pr.CreateTransfer, "Declare that your organisation adopts a practice (its professionals and admins)", "TransferInput", "Transfer"},
		{"GET", "/transfers/:id", public, pr.GetTransfer, "A transfer with its stages and outcome", "", "Transfer"},
		{"PATCH", "/transfers/:id", user, pr.PatchTransfer, "Move a transfer to its next stage, edit notes and outcome (adopting organisation)", "TransferPatch", "Transfer"},
		{"GET", "/transfers/:id/updates", public, pr.Updates, "Dated updates of a transfer, newest first", "", "UpdateList"},
		{"POST", "/transfers/:id/updates", user, pr.AddUpdate, "Post an update (adopting organisation) or a reply (origin organisation)", "UpdateInput", "Update"},
		{"GET", "/practices/:id/comments", public, cm.ListFor(practice.IndexKind), "Comments on a practice, oldest first (?cursor=&parentCommentId=; ?status=hidden|reported for moderators)", "", "CommentList"},
		{"POST", "/practices/:id/comments", user, cm.CreateFor(practice.IndexKind), "Comment on a published practice, or reply to a comment", "CommentInput", "Comment"},
		{"PATCH", "/comments/:id", user, cm.Edit, "Edit your comment (within 15 minutes)", "CommentEdit", "Comment"},
		{"POST", "/comments/:id/report", user, cm.Report, "Report a comment to the moderators", "ReportInput", "Comment"},
		{"POST", "/comments/:id/moderation", user, cm.Moderate, "Hide or publish a comment (the target organisation's admins)", "ModerationInput", "Comment"},
		{"GET", "/follows", user, nt.Follows, "What I follow", "", "FollowList"},
		{"POST", "/follows", user, nt.Follow, "Follow a practice, an organisation or a theme", "FollowInput", "Follow"},
		{"DELETE", "/follows", user, nt.Unfollow, "Unfollow (?kind=&target=)", "", ""},
		{"GET", "/notifications", user, nt.List, "My notifications, unread first (?cursor=)", "", "NotificationPage"},
		{"POST", "/notifications/read-all", user, nt.ReadAll, "Mark all my notifications read", "", ""},
		{"POST", "/notifications/:id/read", user, nt.Read, "Mark a notification read", "", ""},
		{"GET", "/me/notification-settings", user, nt.GetSettings, "How I get notices by email: immediate, daily (digest) or never", "", "NotificationSettings"},
		{"PUT", "/me/notification-settings", user, nt.PutSettings, "Choose how I get notices by email", "NotificationSettingsInput", "NotificationSettings"},
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
