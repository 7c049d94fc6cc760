// Package comment is comments with one level of replies, reports and moderation, on any kind of target
// (practices, contributions, findings, exchange-day summaries). It knows nothing about those: each target
// kind registers a Resolver that says whether a reader may see a target, whether it takes comments and
// which organisation moderates it. Comments are listed from the read model (kind "comment", Parent
// "<targetKind>:<targetId>"), so a target with thousands of comments pages as fast as one with three.
package comment

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/paging"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/store"
)

// IndexKind is the read-model kind of comments.
const IndexKind = "comment"

const (
	// EditWindow is how long an author may edit a comment.
	EditWindow = 15 * time.Minute
	maxText    = 5000
	maxReports = 100
)

// Comment statuses.
const (
	StatusPublished = "published"
	StatusHidden    = "hidden"
)

// Target is what a Resolver says about one commented thing.
type Target struct {
	OrgID  string // moderates the comments
	Title  string // for notifications
	Link   string // its page in the app
	Open   bool   // accepts new comments
	Public bool   // comments are public (else visible to OrgID's members only)
}

// Resolver resolves targets of one kind for a reader: a NotFound error when it does not exist or the
// reader may not see it.
type Resolver interface {
	Resolve(ctx context.Context, p *auth.Principal, id string) (*Target, error)
}

// People names authors and tells roles in the moderating organisation.
type People interface {
	Names(ctx context.Context, ids []string) (map[string]string, error)
	Role(ctx context.Context, orgID, userID string) (string, error)
}

type reportDoc struct {
	UserID string    `bson:"userId"`
	Reason string    `bson:"reason"`
	At     time.Time `bson:"at"`
}

type moderationDoc struct {
	By     string    `bson:"by"`
	Action string    `bson:"action"`
	Reason string    `bson:"reason"`
	At     time.Time `bson:"at"`
}

type commentDoc struct {
	ID         string      `bson:"_id"`
	Rev        int         `bson:"rev"`
	TargetKind string      `bson:"targetKind"`
	TargetID   string      `bson:"targetId"`
	ParentID   string      `bson:"parentId"`
	AuthorID   string      `bson:"authorId"` // "" once the author deleted their account
	Text       string      `bson:"text"`
	Status     string      `bson:"status"`
	OrgID      string      `bson:"orgId"`
	Public     bool        `bson:"public"`
	Link       string      `bson:"link"`
	Reports    []reportDoc `bson:"reports"`
	// ReportsSeen is how many of the reports a moderator has reviewed: the comment waits in the reported
	// list while there are more.
	ReportsSeen int            `bson:"reportsSeen,omitempty"`
	Moderation  *moderationDoc `bson:"moderation,omitempty"`
	CreatedAt   time.Time      `bson:"createdAt"`
	EditedAt    *time.Time     `bson:"editedAt,omitempty"`
}

// Author is who wrote a comment; ID and Name are empty for a deleted account.
type Author struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Text is a comment's Markdown source and its safe HTML.
type Text struct {
	Markdown string `json:"markdown"`
	HTML     string `json:"html"`
}

// Comment is the API view of a comment.
type Comment struct {
	ID              string `json:"id"`
	TargetKind      string `json:"targetKind"`
	TargetID        string `json:"targetId"`
	ParentCommentID string `json:"parentCommentId,omitempty"`
	Author          Author `json:"author"`
	Text            Text   `json:"text"`
	Status          string `json:"status"`
	Reports         int    `json:"reports"`
	// ReportReasons are what the reporters wrote, never who (moderators' lists only).
	ReportReasons []string   `json:"reportReasons,omitempty"`
	CreatedAt     time.Time  `json:"createdAt"`
	EditedAt      *time.Time `json:"editedAt,omitempty"`
}

// Input writes a comment or a reply.
type Input struct {
	Text            string `json:"text" api:"required"`
	ParentCommentID string `json:"parentCommentId"`
}

// EditInput changes a comment's text.
type EditInput struct {
	Text string `json:"text"`
}

// ReportInput reports a comment.
type ReportInput struct {
	Reason string `json:"reason"`
}

// ModerationInput hides or publishes a comment.
type ModerationInput struct {
	Action string `json:"action"` // hide | publish
	Reason string `json:"reason"`
}

// Actions are a moderator's answers to a comment.
var Actions = []string{"hide", "publish"}

// Enums names the allowed values of its choice fields (the API document lists them).
func (ModerationInput) Enums() map[string][]string {
	return map[string][]string{"action": Actions}
}

// Service implements comments.
type Service struct {
	st      *Store
	rm      readmodel.Lister
	people  People
	notify  notify.Deliverer
	targets map[string]Resolver
	render  func(string) string
	cache   *readmodel.Cache[commentDoc] // comments as fresh as the index, for lists
	now     func() time.Time
}

// NewService builds the service; register target kinds with AddTarget. render turns a comment's Markdown
// into safe HTML (the same renderer as the commented items, so one place owns sanitising).
func NewService(d Deps) *Service {
	targets := map[string]Resolver{}
	for k, r := range d.Targets {
		targets[k] = r
	}
	return &Service{st: d.Store, rm: d.ReadModel, people: d.People, notify: d.Notify, targets: targets, render: d.Render,
		cache: readmodel.NewCache[commentDoc](20000), now: time.Now}
}

// Deps are what comments need from the rest of the app.
type Deps struct {
	Store     *Store
	ReadModel readmodel.Lister
	People    People
	Notify    notify.Deliverer
	// Render turns a comment's Markdown into safe HTML.
	Render func(string) string
	// Targets resolve each kind of commented thing (practices, contributions, findings, summaries).
	Targets map[string]Resolver
}

// SetClock replaces the clock (tests move time past the edit window with it).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

var errNotFound = apperr.NotFoundf("The comment")

func (s *Service) get(ctx context.Context, id string) (*commentDoc, error) {
	return s.st.comment(ctx, id)
}

// save writes d if nobody changed it since it was read at d.Rev, announcing it to the read model. It first
// claims the next revision (store.ClaimRevision): the `{_id, rev}` filter alone lets two edits on two
// connections both succeed on FerretDB, one silently overwriting the other.
func (s *Service) save(ctx context.Context, d *commentDoc) error {
	rev := d.Rev
	next, err := s.st.claimRevision(ctx, d.ID, rev)
	if errors.Is(err, store.ErrConflict) || errors.Is(err, errNotFound) {
		return errEditConflict
	}
	if err != nil {
		return err
	}
	d.Rev = next
	err = s.rm.Changed(ctx, IndexKind, d.ID, func() error {
		err := s.st.replaceComment(ctx, d, rev)
		if store.IsNotFound(err) {
			return errEditConflict
		}
		return err
	})
	if err != nil {
		d.Rev = rev
		_ = s.st.releaseRevision(context.WithoutCancel(ctx), d.ID, next)
		return err
	}
	_ = s.st.releaseRevision(ctx, d.ID, rev)
	return nil
}

// change applies apply to d and saves it; when someone else changed the comment meanwhile (a report, a
// moderation, an edit on another node) it reads the comment again and re-applies, so concurrent changes all
// land instead of answering 409 to whoever came second.
func (s *Service) change(ctx context.Context, d *commentDoc, apply func(d *commentDoc) error) error {
	for attempt := 0; ; attempt++ {
		if err := apply(d); err != nil {
			return err
		}
		err := s.save(ctx, d)
		if !errors.Is(err, errEditConflict) || attempt == 30 {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(rand.IntN(20*(attempt+1))+1) * time.Millisecond):
		}
		fresh, err := s.get(ctx, d.ID)
		if err != nil {
			return err
		}
		*d = *fresh
	}
}

var errEditConflict = apperr.New(apperr.Conflict, "edit_conflict", "The comment changed meanwhile. Reload and try again.")

func (s *Service) resolve(ctx context.Context, p *auth.Principal, kind, id string) (*Target, error) {
	r, ok := s.targets[kind]
	if !ok {
		return nil, apperr.NotFoundf("The commented item")
	}
	return r.Resolve(ctx, p, id)
}

// readable loads a comment whose target the reader may see.
func (s *Service) readable(ctx context.Context, p *auth.Principal, id string) (*commentDoc, *Target, error) {
	d, err := s.get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	t, err := s.resolve(ctx, p, d.TargetKind, d.TargetID)
	if apperr.IsKind(err, apperr.NotFound) {
		return nil, nil, errNotFound
	}
	return d, t, err
}

func cleanText(field, v string, max int) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" || utf8.RuneCountInString(v) > max {
		return "", apperr.Validation(apperr.Fields{field: apperr.Length(1, max)})
	}
	return v, nil
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// Create comments on a target (or replies to a top-level comment on it). A reply to a reply → 400.
func (s *Service) Create(ctx context.Context, p *auth.Principal, kind, targetID string, in Input) (*Comment, error) {
	t, err := s.resolve(ctx, p, kind, targetID)
	if err != nil {
		return nil, err
	}
	text, err := cleanText("text", in.Text, maxText)
	if err != nil {
		return nil, err
	}
	var parent *commentDoc
	if in.ParentCommentID != "" {
		parent, err = s.get(ctx, in.ParentCommentID)
		if err != nil || parent.TargetKind != kind || parent.TargetID != targetID {
			return nil, apperr.Validation(apperr.Fields{"parentCommentId": apperr.UnknownRef()})
		}
		if parent.ParentID != "" {
			return nil, apperr.Validation(apperr.Fields{"parentCommentId": apperr.Because("reply_to_reply")})
		}
	}
	if !t.Open {
		return nil, apperr.New(apperr.Conflict, "comments_closed", "This item does not take comments now.")
	}
	d := &commentDoc{ID: store.NewID(), TargetKind: kind, TargetID: targetID, AuthorID: p.UserID, Text: text,
		Status: StatusPublished, OrgID: t.OrgID, Public: t.Public, Link: t.Link, Reports: []reportDoc{}, CreatedAt: s.now().UTC()}
	if parent != nil {
		d.ParentID = parent.ID
	}
	err = s.rm.Changed(ctx, IndexKind, d.ID, func() error { return s.st.insertComment(ctx, d) })
	if err != nil {
		return nil, err
	}
	if parent != nil && parent.AuthorID != "" {
		_ = s.notify.Deliver(ctx, []string{parent.AuthorID}, notify.Event{Kind: "comment_reply", Title: t.Title,
			Link: t.Link, Actor: p.UserID})
	}
	return s.one(ctx, d)
}

// ListQuery pages and filters a target's comments.
type ListQuery struct {
	ParentID string // only the replies to this comment
	// Status: "" lists published comments; "hidden" and "reported" (published, with reports) are for the
	// target's moderators.
	Status string
	Cursor string
	Limit  int
}

// List pages through a target's comments, oldest first.
func (s *Service) List(ctx context.Context, p *auth.Principal, kind, targetID string, q ListQuery) ([]Comment, string, error) {
	t, err := s.resolve(ctx, p, kind, targetID)
	if err != nil {
		return nil, "", err
	}
	q.Limit = paging.Lists.Of(q.Limit)
	req := search.ListRequest{Kind: IndexKind, Sort: "created", Cursor: q.Cursor, PerPage: q.Limit, IDsOnly: true,
		Filters: map[string][]string{"parent": {kind + ":" + targetID}}}
	if q.ParentID != "" {
		if !store.ValidID(q.ParentID) {
			return nil, "", apperr.Validation(apperr.Fields{"parentCommentId": apperr.UnknownRef()})
		}
		req.Filters["reply_to"] = []string{q.ParentID}
	}
	switch q.Status {
	case "":
	case StatusHidden, "reported":
		if err := s.requireModerator(ctx, p, t.OrgID); err != nil {
			return nil, "", err
		}
		if q.Status == StatusHidden {
			req.Filters["status"] = []string{StatusHidden}
		} else {
			req.Filters["reported"] = []string{"yes"}
		}
	default:
		return nil, "", apperr.Validation(apperr.Fields{"status": apperr.OneOf("hidden", "reported")})
	}
	res, err := s.rm.List(ctx, readmodel.ReaderFor(p), req)
	if err != nil {
		return nil, "", err
	}
	docs, err := s.getMany(ctx, res.Items)
	if err != nil {
		return nil, "", err
	}
	out, err := s.views(ctx, docs)
	if err == nil && q.Status != "" { // a moderator's list: what the reports said
		for i, d := range docs {
			for _, r := range d.Reports {
				if r.Reason != "" {
					out[i].ReportReasons = append(out[i].ReportReasons, r.Reason)
				}
			}
		}
	}
	return out, res.NextCursor, err
}

// getMany loads the listed comments in order, from memory kept as fresh as the index (readmodel.Cache) or
// by _id (the one fast lookup); comments deleted since they were indexed are skipped.
func (s *Service) getMany(ctx context.Context, items []search.Document) ([]*commentDoc, error) {
	ids := make([]string, len(items))
	for i, it := range items {
		_, ids[i], _ = strings.Cut(it.ID, ":")
	}
	docs, err := s.cache.GetMany(ids, func(ids []string) ([]*commentDoc, error) { return s.st.comments(ctx, ids) })
	if err != nil {
		return nil, err
	}
	out := make([]*commentDoc, 0, len(docs))
	for _, d := range docs {
		if d != nil {
			out = append(out, d)
		}
	}
	return out, nil
}

func (s *Service) one(ctx context.Context, d *commentDoc) (*Comment, error) {
	vs, err := s.views(ctx, []*commentDoc{d})
	if err != nil {
		return nil, err
	}
	return &vs[0], nil
}

func (s *Service) views(ctx context.Context, docs []*commentDoc) ([]Comment, error) {
	ids := make([]string, 0, len(docs))
	for _, d := range docs {
		if d.AuthorID != "" {
			ids = append(ids, d.AuthorID)
		}
	}
	names, err := s.people.Names(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Comment, len(docs))
	for i, d := range docs {
		out[i] = Comment{ID: d.ID, TargetKind: d.TargetKind, TargetID: d.TargetID, ParentCommentID: d.ParentID,
			Author: Author{ID: d.AuthorID, Name: names[d.AuthorID]}, Text: Text{Markdown: d.Text, HTML: s.render(d.Text)},
			Status: d.Status, Reports: len(d.Reports), CreatedAt: d.CreatedAt, EditedAt: d.EditedAt}
	}
	return out, nil
}

// Edit changes a comment's text: its author only, within EditWindow (409 edit_window_closed after).
func (s *Service) Edit(ctx context.Context, p *auth.Principal, id string, in EditInput) (*Comment, error) {
	d, _, err := s.readable(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if d.AuthorID == "" || d.AuthorID != p.UserID {
		return nil, apperr.Forbid("Only the comment's author can edit it.")
	}
	text, err := cleanText("text", in.Text, maxText)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	if now.Sub(d.CreatedAt) > EditWindow {
		return nil, apperr.New(apperr.Conflict, "edit_window_closed", "Comments can be edited for 15 minutes after they are posted.")
	}
	if err := s.change(ctx, d, func(d *commentDoc) error { d.Text, d.EditedAt = text, &now; return nil }); err != nil {
		return nil, err
	}
	return s.one(ctx, d)
}

// Report records that p finds a comment inappropriate (one report per person; reporting again replaces it).
func (s *Service) Report(ctx context.Context, p *auth.Principal, id string, in ReportInput) (*Comment, error) {
	d, _, err := s.readable(ctx, p, id)
	if err != nil {
		return nil, err
	}
	reason, err := cleanText("reason", in.Reason, 500)
	if err != nil {
		return nil, err
	}
	at := s.now().UTC()
	if err := s.change(ctx, d, func(d *commentDoc) error {
		kept := d.Reports[:0]
		for _, r := range d.Reports {
			if r.UserID != p.UserID {
				kept = append(kept, r)
			}
		}
		if len(kept) >= maxReports {
			kept = kept[1:]
		}
		d.Reports = append(kept, reportDoc{UserID: p.UserID, Reason: reason, At: at})
		return nil
	}); err != nil {
		return nil, err
	}
	return s.one(ctx, d)
}

// requireModerator checks that p administers the organisation that moderates a target.
func (s *Service) requireModerator(ctx context.Context, p *auth.Principal, orgID string) error {
	if p != nil && p.PlatformAdmin {
		return nil
	}
	if p != nil {
		role, err := s.people.Role(ctx, orgID, p.UserID)
		if err != nil {
			return err
		}
		if role == "admin" {
			return nil
		}
	}
	return apperr.Forbid("Only the organisation's administrators can moderate these comments.")
}

// Moderate hides or publishes a comment: admins of the target's organisation and platform admins.
func (s *Service) Moderate(ctx context.Context, p *auth.Principal, id string, in ModerationInput) (*Comment, error) {
	d, err := s.get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.requireModerator(ctx, p, d.OrgID); err != nil {
		return nil, err
	}
	f := apperr.Fields{}
	switch in.Action {
	case "hide":
		if strings.TrimSpace(in.Reason) == "" {
			f["reason"] = apperr.Required()
		}
		d.Status = StatusHidden
	case "publish":
		d.Status = StatusPublished
	default:
		f["action"] = apperr.OneOf(Actions...)
	}
	f.MaxLength("reason", in.Reason, 500)
	if err := apperr.Validation(f); err != nil {
		return nil, err
	}
	status, mod := d.Status, &moderationDoc{By: p.UserID, Action: in.Action, Reason: strings.TrimSpace(in.Reason), At: s.now().UTC()}
	var told []string // the people who reported it since the last review learn it was looked at
	if err := s.change(ctx, d, func(d *commentDoc) error {
		told = told[:0]
		for _, r := range d.Reports[min(d.ReportsSeen, len(d.Reports)):] {
			told = append(told, r.UserID)
		}
		d.Status, d.Moderation, d.ReportsSeen = status, mod, len(d.Reports)
		return nil
	}); err != nil {
		return nil, err
	}
	if len(told) > 0 {
		_ = s.notify.Deliver(ctx, told, notify.Event{Kind: "comment_report_reviewed", Title: snippet(d.Text), Link: d.Link, Actor: p.UserID})
	}
	return s.one(ctx, d)
}

func snippet(s string) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return string(r)
}

// Load implements the read model's loader: visible as the target was when commented (public, or to the
// moderating organisation), status published or hidden.
func (s *Service) Load(ctx context.Context, ids []string) (map[string]search.Document, error) {
	out := make(map[string]search.Document, len(ids))
	for _, id := range ids {
		d, err := s.get(ctx, id)
		if apperr.IsKind(err, apperr.NotFound) {
			s.cache.Gone(id)
			continue
		}
		if err != nil {
			return nil, err
		}
		s.cache.Loaded(id, *d)
		vis := []string{search.OrgPrefix + d.OrgID}
		if d.Public {
			vis = []string{search.Public}
		}
		replyTo := d.ParentID
		if replyTo == "" {
			replyTo = "none"
		}
		out[id] = search.Document{Title: snippet(d.Text), Body: d.Text, Parent: d.TargetKind + ":" + d.TargetID,
			Organisation: d.OrgID, Status: d.Status, Visibility: vis, Created: d.CreatedAt, Updated: d.CreatedAt,
			Keywords: map[string]string{"reply_to": replyTo, "target_kind": d.TargetKind, "reported": yesNo(len(d.Reports) > d.ReportsSeen)}}
	}
	return out, nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// All streams every comment id (for rebuilds).
func (s *Service) All(ctx context.Context, yield func(string) error) error {
	return s.st.commentIDs(ctx, yield)
}

// Count estimates how many comments a rebuild reads.
func (s *Service) Count(ctx context.Context) (int, error) { return s.st.estimate(ctx) }

// Link is the page of the commented item (search results about a comment lead there).
func (s *Service) Link(id string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if d, err := s.get(ctx, id); err == nil {
		return d.Link
	}
	return ""
}

// Wrote tells whether p wrote the comment: only its author may correct its translations
// (translation.Kind.Editors).
func (s *Service) Wrote(ctx context.Context, p *auth.Principal, id string) (bool, error) {
	if p == nil {
		return false, nil
	}
	d, err := s.get(ctx, id)
	if err != nil {
		return false, err
	}
	return d.AuthorID != "" && d.AuthorID == p.UserID, nil
}
