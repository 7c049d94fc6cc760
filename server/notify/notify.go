// Package notify keeps follows (a person follows a practice, an organisation or a theme) and each person's
// in-app notifications. Follows have deterministic ids ("user:kind:target") so following twice is one
// document; notifications live in one bounded inbox document per person (the newest MaxInbox), read and
// written by _id only, with optimistic concurrency (a revision number) instead of transactions.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/paging"
	"github.com/teixit/teixit/server/store"
)

const (
	// MaxInbox bounds each person's notifications: older ones are dropped.
	MaxInbox = 500
	// MaxFollows bounds what one person follows.
	MaxFollows = 500
)

// FollowKinds are what a person can follow (the API test holds this list to the registered checkers).
var FollowKinds = []string{KindDiagnosis, KindOrganisation, KindPractice, KindTheme}

// Follow kinds.
const (
	KindPractice     = "practice"
	KindOrganisation = "organisation"
	KindTheme        = "theme"
)

// Checker tells whether a follow target exists and may be seen by p (NotFound otherwise).
type Checker func(ctx context.Context, p *auth.Principal, id string) error

// Service implements follows and notifications.
type Service struct {
	max      int // inbox bound, MaxInbox unless a test lowers it
	st       *Store
	checkers map[string]Checker
	now      func() time.Time
	email    EmailDeps
	wake     chan struct{}
	logger   *slog.Logger
}

// Deps are what notices need; all but the store may be left out (tests).
type Deps struct {
	Store *Store
	// Checkers validate the targets of each followable kind (FollowKinds): a follow of anything else, or of
	// something the person may not read, is refused.
	Checkers map[string]Checker
	// Email turns on email notices (each person's choice: immediate, daily digest, never).
	Email EmailDeps
	// Logger is where background passes report problems (slog.Default when nil).
	Logger *slog.Logger
}

// NewService builds the service.
func NewService(d Deps) *Service {
	checkers := map[string]Checker{}
	for k, c := range d.Checkers {
		checkers[k] = c
	}
	return &Service{max: MaxInbox, st: d.Store, checkers: checkers, now: time.Now, email: d.Email, logger: d.Logger,
		wake: make(chan struct{}, 1)}
}

func (s *Service) log() *slog.Logger {
	if s.logger == nil {
		return slog.Default()
	}
	return s.logger
}

// SetNow replaces the clock (tests move it to the next day to see digests).
func (s *Service) SetNow(now func() time.Time) { s.now = now }

// SetInboxLimit changes how many notifications each person keeps (tests use a small bound).
func (s *Service) SetInboxLimit(n int) { s.max = n }

type followDoc struct {
	ID     string    `bson:"_id"`
	UserID string    `bson:"userId"`
	Kind   string    `bson:"kind"`
	Target string    `bson:"target"`
	At     time.Time `bson:"at"`
}

// Follow is one thing a person follows.
type Follow struct {
	Kind   string    `json:"kind"`
	Target string    `json:"target"`
	At     time.Time `json:"at"`
}

// FollowInput names what to follow: kind practice|organisation|theme and its id (or theme name).
type FollowInput struct {
	Kind   string `json:"kind" api:"required"`
	Target string `json:"target"`
}

// Enums names the allowed values of its choice fields (the API document lists them).
func (FollowInput) Enums() map[string][]string {
	return map[string][]string{"kind": FollowKinds}
}

func followID(userID, kind, target string) string { return userID + ":" + kind + ":" + target }

func (s *Service) check(ctx context.Context, p *auth.Principal, in FollowInput) error {
	c, ok := s.checkers[in.Kind]
	if !ok {
		kinds := make([]string, 0, len(s.checkers))
		for k := range s.checkers {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		return apperr.Validation(apperr.Fields{"kind": apperr.OneOf(kinds...)})
	}
	if in.Target == "" || !store.ValidID(in.Target) {
		return apperr.Validation(apperr.Fields{"target": apperr.Required()})
	}
	return c(ctx, p, in.Target)
}

// Follow records that p follows a target; following again is harmless (same id).
func (s *Service) Follow(ctx context.Context, p *auth.Principal, in FollowInput) (*Follow, error) {
	if err := s.check(ctx, p, in); err != nil {
		return nil, err
	}
	mine, err := s.Follows(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	if len(mine) >= MaxFollows {
		return nil, apperr.New(apperr.Conflict, "too_many_follows", "You follow too many things. Unfollow some first.")
	}
	d := followDoc{ID: followID(p.UserID, in.Kind, in.Target), UserID: p.UserID, Kind: in.Kind, Target: in.Target, At: s.now().UTC()}
	if err := s.st.forgetOptOut(ctx, d.ID); err != nil {
		return nil, err
	}
	if err := s.st.addFollow(ctx, d); err != nil {
		return nil, err
	}
	return &Follow{Kind: d.Kind, Target: d.Target, At: d.At}, nil
}

// Unfollow removes a follow; NotFound when there was none. It is remembered, so that an automatic follow
// (a contributor follows the diagnosis) does not come back.
func (s *Service) Unfollow(ctx context.Context, p *auth.Principal, kind, target string) error {
	id := followID(p.UserID, kind, target)
	if err := s.st.claimOptOut(ctx, id, p.UserID); err != nil {
		return err
	}
	err := s.st.deleteFollow(ctx, id)
	if store.IsNotFound(err) {
		return apperr.NotFoundf("The follow")
	}
	return err
}

// Follows lists what a person follows, newest first (bounded by MaxFollows).
func (s *Service) Follows(ctx context.Context, userID string) ([]Follow, error) {
	docs, err := s.st.follows(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]Follow, len(docs))
	for i, d := range docs {
		out[i] = Follow{Kind: d.Kind, Target: d.Target, At: d.At}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	return out, nil
}

// Followers returns who follows any of the targets of a kind.
func (s *Service) Followers(ctx context.Context, kind string, targets ...string) ([]string, error) {
	if len(targets) == 0 {
		return nil, nil
	}
	return s.st.followers(ctx, kind, targets)
}

// Notification is one in-app notification.
type Notification struct {
	ID    string    `json:"id"`
	Kind  string    `json:"kind"` // new_version, new_practice, new_transfer, transfer_update, comment_reply
	Title string    `json:"title"`
	Link  string    `json:"link"`
	At    time.Time `json:"at"`
	Read  bool      `json:"read"`
}

type itemDoc struct {
	ID    string    `bson:"id"`
	Kind  string    `bson:"kind"`
	Title string    `bson:"title"`
	Link  string    `bson:"link"`
	At    time.Time `bson:"at"`
	Read  bool      `bson:"read"`
}

type inboxDoc struct {
	ID    string    `bson:"_id"` // the user id
	Rev   int       `bson:"rev"`
	Count int       `bson:"count"` // len(items), moved by deliveries without reading the inbox
	Items []itemDoc `bson:"items"`
}

// Deliverer is what a domain needs to tell people that something happened: an event in their in-app
// inboxes. *Service implements it.
type Deliverer interface {
	Deliver(ctx context.Context, recipients []string, e Event) error
}

// Event is something to tell people about.
type Event struct {
	Kind, Title, Link string
	// Actor is not notified of their own action.
	Actor string
}

// Deliver adds the event to each recipient's inbox (duplicates and the actor skipped). It keeps going
// when one inbox fails and returns the first error. A delivery is one $push under a revision claim (it
// reads only `rev`); the inbox is trimmed back to MaxInbox about once every trimSlack deliveries (and on
// every mark-read), so the bound costs one rewrite per trimSlack deliveries. (FerretDB ignores $push's $slice and $position.)
func (s *Service) Deliver(ctx context.Context, recipients []string, e Event) error {
	seen := map[string]bool{e.Actor: true, "": true}
	var first error
	it := itemDoc{ID: store.NewID(), Kind: e.Kind, Title: e.Title, Link: e.Link, At: s.now().UTC()}
	delivered := make([]string, 0, len(recipients))
	for _, u := range recipients {
		if seen[u] {
			continue
		}
		seen[u] = true
		if err := s.push(ctx, u, it); err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		delivered = append(delivered, u)
	}
	if err := s.emailFor(ctx, delivered, it); err != nil && first == nil {
		first = err
	}
	return first
}

const trimSlack = 50

func (s *Service) push(ctx context.Context, userID string, it itemDoc) error {
	if err := s.st.pushItem(ctx, userID, it); err != nil {
		return err
	}
	// Trim about once every trimSlack deliveries (reading the count back would cost a read of the whole
	// inbox each time). List never shows more than MaxInbox.
	if rand.IntN(min(trimSlack, s.max)) == 0 {
		return s.mutate(ctx, userID, func(items []itemDoc) []itemDoc { return items })
	}
	return nil
}

var errBusy = apperr.New(apperr.Conflict, "busy", "Your notifications changed meanwhile. Try again.")

// mutate applies f to a person's inbox and keeps its newest MaxInbox items, through store.Update (f may run
// more than once, on a fresh read each time, so it must only transform what it is given).
func (s *Service) mutate(ctx context.Context, userID string, f func([]itemDoc) []itemDoc) error {
	err := s.st.rewriteInbox(ctx, userID, s.max, f)
	if errors.Is(err, store.ErrConflict) {
		return errBusy
	}
	return err
}

// Page is a page of notifications, unread first then newest first, with the unread count.
type Page struct {
	Items      []Notification `json:"items"`
	NextCursor string         `json:"nextCursor,omitempty"`
	Unread     int            `json:"unread"`
}

// List returns a page of the person's notifications. The cursor is the position after the last item
// returned (the inbox is one bounded document, so an offset is enough).
func (s *Service) List(ctx context.Context, userID, cursor string, limit int) (*Page, error) {
	limit = paging.Lists.Of(limit)
	off := 0
	if cursor != "" {
		if _, err := fmt.Sscanf(cursor, "%d", &off); err != nil || off < 0 || fmt.Sprint(off) != cursor {
			return nil, apperr.Validation(apperr.Fields{"cursor": apperr.Because("bad_cursor")})
		}
	}
	in, err := s.st.inbox(ctx, userID)
	if err != nil {
		return nil, err
	}
	items := in.Items
	sort.SliceStable(items, func(i, j int) bool { return items[i].At.After(items[j].At) })
	if len(items) > s.max {
		items = items[:s.max] // a few older ones may await the next trim
	}
	sort.SliceStable(items, func(i, j int) bool { return !items[i].Read && items[j].Read })
	p := &Page{Items: []Notification{}}
	for _, it := range items {
		if !it.Read {
			p.Unread++
		}
	}
	for i := off; i < len(items) && i < off+limit; i++ {
		it := items[i]
		p.Items = append(p.Items, Notification{ID: it.ID, Kind: it.Kind, Title: it.Title, Link: it.Link, At: it.At, Read: it.Read})
	}
	if off+limit < len(items) {
		p.NextCursor = fmt.Sprint(off + limit)
	}
	return p, nil
}

// MarkRead marks one notification (or all, when id is "") as read; NotFound for an unknown id.
func (s *Service) MarkRead(ctx context.Context, userID, id string) error {
	found := id == ""
	err := s.mutate(ctx, userID, func(items []itemDoc) []itemDoc {
		for i := range items {
			if id == "" || items[i].ID == id {
				items[i].Read = true
				found = true
			}
		}
		return items
	})
	if err != nil {
		return err
	}
	if !found {
		return apperr.NotFoundf("The notification")
	}
	return nil
}

// ExportFor implements account.Hook: what a person follows and their notifications.
func (s *Service) ExportFor(ctx context.Context, userID string) (string, any, error) {
	fs, err := s.Follows(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	page, err := s.List(ctx, userID, "", 100)
	if err != nil {
		return "", nil, err
	}
	all := page.Items
	for page.NextCursor != "" {
		if page, err = s.List(ctx, userID, page.NextCursor, 100); err != nil {
			return "", nil, err
		}
		all = append(all, page.Items...)
	}
	return "follows", map[string]any{"follows": fs, "notifications": all}, nil
}

// BeforeDelete implements account.Hook: a deleted person's follows, inbox, settings and digest entries go.
func (s *Service) BeforeDelete(ctx context.Context, userID string) error {
	if err := s.st.deleteEmailData(ctx, userID); err != nil {
		return err
	}
	if err := s.st.deleteFollowsOf(ctx, userID); err != nil {
		return err
	}
	return s.st.removeInbox(ctx, userID)
}
